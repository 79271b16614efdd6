"""The corpus's words as the pipeline weighs them: the stems it knows and how rare each is (the
build's lexicon, counted when the build was written), and each passage's content stems and its
heading's stems (read when a passage is first a candidate, then kept). The vocabulary also knows
the names of the documents' publishers: a question naming one ("secondo il Corriere…") names
nothing unknown."""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.italian import Acronyms, content_stems
from core.limits import section_leaf
from indexer.lexicon import Lexicon as BuildLexicon
from indexer.stores import StoredChunk


class Lexicon:
    def __init__(
        self, counted: BuildLexicon, acronyms: Acronyms, publishers: Iterable[str] = ()
    ) -> None:
        self.acronyms = acronyms
        self.passages = max(1, counted.passages)
        self.document_frequency = counted.passage_counts
        self.vocabulary = counted.stems | content_stems(acronyms.expand(" ".join(publishers)))
        self._stems: dict[str, frozenset[str]] = {}
        self._heading_stems: dict[str, frozenset[str]] = {}

    def stems_of(self, chunk: StoredChunk) -> frozenset[str]:
        """The passage's content stems: title, heading path and text, acronyms both ways."""
        if chunk.chunk_id not in self._stems:
            m = chunk.meta
            text = self.acronyms.expand(f"{m.title} {m.section} {chunk.text}")
            self._stems[chunk.chunk_id] = frozenset(content_stems(text))
        return self._stems[chunk.chunk_id]

    def heading_stems_of(self, chunk: StoredChunk) -> frozenset[str]:
        if chunk.chunk_id not in self._heading_stems:
            heading = section_leaf(chunk.meta.section) or chunk.meta.title
            self._heading_stems[chunk.chunk_id] = frozenset(content_stems(heading))
        return self._heading_stems[chunk.chunk_id]

    def idf(self, stem: str) -> float:
        """Rarity of a stem: log((N + 1) / (df + 0.5)); unknown stems are the rarest."""
        return math.log((self.passages + 1) / (self.document_frequency.get(stem, 0) + 0.5))

    def weighted_share(self, asked: frozenset[str], found: frozenset[str]) -> float:
        """The share of the asked stems' rarity that `found` holds."""
        total = sum(self.idf(s) for s in asked)
        return sum(self.idf(s) for s in asked & found) / total if total else 0.0
