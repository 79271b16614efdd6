"""Evaluation: the gold set, metrics and the side-by-side report against baselines."""
