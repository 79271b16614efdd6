"""Passages as citations: what an answer's markers [n] point to, numbered in one place."""

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


class Quotes:
    """The citation builder of every answer: a marker per passage in the order the answer first
    cites it, the verbatim pieces it quotes from each, and the words to mark inside them."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.quotes: dict[str, list[str]] = {}
        self.highlights: dict[str, list[str]] = {}
        self.chunks: dict[str, tuple[StoredChunk, float]] = {}

    def mark(self, chunk: StoredChunk, quote: str, score: float = 1.0) -> int:
        """The marker of `chunk`, recording `quote` as quoted from it."""
        cid = chunk.chunk_id
        self.numbers.setdefault(cid, len(self.numbers) + 1)
        self.quotes.setdefault(cid, []).append(quote)
        self.chunks[cid] = (chunk, score)
        return self.numbers[cid]

    def highlight(self, chunk: StoredChunk, pieces: list[str]) -> None:
        self.highlights.setdefault(chunk.chunk_id, []).extend(pieces)

    def number_of(self, chunk: StoredChunk) -> int:
        return self.numbers[chunk.chunk_id]

    def citations(self) -> list[Citation]:
        out = []
        for cid, n in self.numbers.items():
            chunk, score = self.chunks[cid]
            quoted = list(dict.fromkeys(self.quotes[cid]))
            c = citation(n, chunk, score, "\n".join(quoted))  # one quoted piece per line
            c.highlights = list(dict.fromkeys(self.highlights.get(cid, [])))
            out.append(c)
        return out
