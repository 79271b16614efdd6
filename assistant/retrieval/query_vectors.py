"""Query vectors with a small LRU cache: repeated questions cost no model call."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import numpy as np

from indexer.embedding import PianoEmbedding


class QueryEmbeddings:
    """`embed_query(text)` → the normalised query vector, cached by text."""

    def __init__(self, embedder: PianoEmbedding, size: int = 2048) -> None:
        self._embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self._embedder.embed_queries([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector
