"""Fitting the pipeline's models: questions generated from the indexed documents (and, for the
shipped corpus, the dev split), their feature rows, logistic models chosen by cross-validation."""
