"""What the product knows beside the passages: organisations, measures for a role, definitions."""
