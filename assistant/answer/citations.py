"""A passage as a citation: what the answer's marker [n] points to."""

from __future__ import annotations

from core.models import Citation
from indexer.stores import StoredChunk


def citation(n: int, chunk: StoredChunk, score: float, quote: str = "") -> Citation:
    m = chunk.meta
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id,
        doc_id=m.doc_id,
        title=m.title,
        source_type=m.source_type,
        publisher=m.publisher,
        date=m.date,
        section=m.section,
        page=m.page or None,
        url=m.url or None,
        text=chunk.text,
        quote=quote,
        score=round(score, 5),
    )
