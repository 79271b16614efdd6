"""The assistant: retrieves passages and answers in Italian with cited quotes."""
