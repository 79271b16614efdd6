"""A build's BM25 index as the server reads it: bm25s alone (LlamaIndex's BM25Retriever wrote
it, `indexer.stores.write_bm25`), its arrays mapped from their files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s

from core.italian import italian_stemmer


@dataclass
class Bm25Index:
    """A build's BM25 index as bm25s reads it, with what BM25Retriever queried it with (its
    default token pattern, our Italian stemmer); corpus row i names the build's i-th passage."""

    bm25: bm25s.BM25
    corpus: list[dict[str, str]]  # {"node_id": chunk_id}, as BM25Retriever's corpus rows
    stemmer: Any
    token_pattern: str = r"(?u)\b\w\w+\b"

    @classmethod
    def load(cls, directory: Path, chunk_ids: list[str]) -> Bm25Index:
        # The rows were written from the same list as chunks.jsonl (`write_build`), so the
        # corpus file (every passage's text again) need not be read.
        bm25 = bm25s.BM25.load(str(directory), load_corpus=False, mmap=True)
        if int(bm25.scores["num_docs"]) != len(chunk_ids):
            raise ValueError(
                f"bm25 ha {bm25.scores['num_docs']} passaggi invece di {len(chunk_ids)}"
            )
        return cls(bm25, [{"node_id": cid} for cid in chunk_ids], italian_stemmer())
