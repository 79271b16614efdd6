"""Query vectors with a small LRU cache: repeated questions cost no model call."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import numpy as np

from indexer.embed_cache import EmbeddingCache
from indexer.embedding import PianoEmbedding


class QueryEmbeddings:
    """`embed_query(text)` → the normalised query vector, cached by text (and, while a build
    fits its models, in the data directory's embedding cache: a rebuild embeds no question
    twice)."""

    def __init__(
        self, embedder: PianoEmbedding, size: int = 2048, store: EmbeddingCache | None = None
    ) -> None:
        self._embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()
        self.store = store

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        if self.store is not None:
            vector = self.store.get_or_embed([text], self._embedder.embed_queries)[0][0]
        else:
            vector = self._embedder.embed_queries([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector
