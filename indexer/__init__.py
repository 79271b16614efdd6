"""Indexer: turns the corpus into the search index (Chroma + BM25) that the assistant reads."""
