"""The corpus's words, counted once when the index opens: each passage's content stems (its
heading path and text, acronyms both ways), its heading's stems, and in how many passages a stem
occurs (its rarity weighs word overlaps). The vocabulary also knows the names of the documents'
publishers: a question naming one ("secondo il Corriere…") names nothing unknown."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from core.italian import Acronyms, content_stems
from core.limits import section_leaf
from indexer.stores import StoredChunk


class Lexicon:
    def __init__(self, chunks: Iterable[StoredChunk], acronyms: Acronyms) -> None:
        self.stems: dict[str, frozenset[str]] = {}
        self.heading_stems: dict[str, frozenset[str]] = {}
        counts: Counter[str] = Counter()
        publishers: set[str] = set()
        for chunk in chunks:
            m = chunk.meta
            publishers.add(m.publisher)
            stems = frozenset(content_stems(acronyms.expand(f"{m.title} {m.section} {chunk.text}")))
            self.stems[chunk.chunk_id] = stems
            self.heading_stems[chunk.chunk_id] = frozenset(
                content_stems(section_leaf(m.section) or m.title)
            )
            counts.update(stems)
        self.passages = max(1, len(self.stems))
        self.document_frequency = dict(counts)
        self.vocabulary = frozenset(counts) | content_stems(acronyms.expand(" ".join(publishers)))

    def idf(self, stem: str) -> float:
        """Rarity of a stem: log((N + 1) / (df + 0.5)); unknown stems are the rarest."""
        return math.log((self.passages + 1) / (self.document_frequency.get(stem, 0) + 0.5))

    def weighted_share(self, asked: frozenset[str], found: frozenset[str]) -> float:
        """The share of the asked stems' rarity that `found` holds."""
        total = sum(self.idf(s) for s in asked)
        return sum(self.idf(s) for s in asked & found) / total if total else 0.0
