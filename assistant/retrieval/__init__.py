"""Passages for an analysed question: hybrid candidates, then a learned ranking."""
