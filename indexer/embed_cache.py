"""Embedding cache keyed by model id and content hash: unchanged text is never embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np


def content_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path, embedder_id: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vector BLOB,"
            " PRIMARY KEY (model, key))"
        )
        self._model = embedder_id

    def get_or_embed(
        self,
        texts: list[str],
        embed: Callable[[list[str]], np.ndarray],
        batch_size: int = 16,
        on_progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, int]:
        """Vectors for `texts` in order, and how many had to be embedded now."""
        keys = [content_key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE model=? AND key IN ({','.join('?' * len(batch))})",
                [self._model, *batch],
            )
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        text_of = dict(zip(keys, texts))
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            vectors = embed([text_of[k] for k in batch])
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [
                        (self._model, k, v.astype(np.float32).tobytes())
                        for k, v in zip(batch, vectors)
                    ],
                )
            found.update(zip(batch, vectors))
            if on_progress:
                on_progress(len(batch))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32), 0
        return np.vstack([found[k] for k in keys]).astype(np.float32), len(missing)

    def close(self) -> None:
        self._db.close()
