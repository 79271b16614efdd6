"""The documents' headings as a tree: for "quali sono le N fasi/aree…?" the answer is the
headings under one parent (each cited with its first passage), not the sentence that says how
many there are."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question.analysed import Question
from assistant.retrieval.hybrid import Hit
from core.italian import content_stems, fold
from core.limits import SECTION_SEPARATOR, section_parts
from indexer.stores import StoredChunk

MIN_SIBLINGS = 3
COMMON = 3  # a stem in more than a third of the passages names nothing
ALIKE = 5  # "prioritarie" names "priorità": a stem at least this long begins the other
_NUMBER_WORDS = {
    "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
}  # fmt: skip


@dataclass(frozen=True)
class Siblings:
    parent: str
    children: list[tuple[str, StoredChunk]]  # (heading, its first passage), in document order


class SectionTree:
    def __init__(self, chunks: list[StoredChunk]) -> None:
        self._children: dict[tuple[str, str], list[tuple[str, StoredChunk]]] = {}
        for chunk in sorted(chunks, key=lambda c: (c.meta.doc_id, c.meta.position)):
            parts = section_parts(chunk.meta.section)
            if len(parts) < 2:
                continue
            key = (chunk.meta.doc_id, SECTION_SEPARATOR.join(parts[:-1]))
            seen = self._children.setdefault(key, [])
            if all(heading != parts[-1] for heading, _ in seen):
                seen.append((parts[-1], chunk))
        # The words that name each group: its parent's own heading and any word most of its
        # headings share — not the words most passages use ("piano", "sociale").
        passages: dict[str, int] = {}
        for chunk in chunks:
            for stem in content_stems(f"{chunk.meta.section} {chunk.text}"):
                passages[stem] = passages.get(stem, 0) + 1
        common = {s for s, n in passages.items() if n * COMMON > len(chunks)}
        self._naming: dict[tuple[str, str], frozenset[str]] = {}
        for (doc_id, parent), children in self._children.items():
            own = content_stems(section_parts(parent)[-1]) - common
            counts: dict[str, int] = {}
            for heading, _ in children:
                for stem in content_stems(heading):
                    counts[stem] = counts.get(stem, 0) + 1
            shared = {s for s, n in counts.items() if n * 2 > len(children)} - common
            self._naming[parent, doc_id] = frozenset(own | shared)
        self._announced = _announced(self._children, chunks)

    def heading_list(self, question: Question, hits: list[Hit]) -> Siblings | None:
        """The headings under the parent the question names — by a word of the parent's own
        heading, or one its headings share ("le fasi" → "Fase I", "Fase II"…) — of the right
        number when it gives one ("le sei aree"); among several, the one whose passages were
        found first."""
        count = _asked_count(question.asked)
        found = {h.chunk.chunk_id: rank for rank, h in enumerate(hits)}
        # The user's own words name the parent: not the glossary's terms they evoke, and not a
        # number alone ("i tre promotori" is not any group of three headings).
        own = question.stems - question.expansion_stems
        best: tuple[tuple[int, int], Siblings] | None = None
        for (_, parent), children in self._children.items():
            if len(children) < MIN_SIBLINGS or (count is not None and count != len(children)):
                continue
            doc_id = children[0][1].meta.doc_id
            named = _alike(own, self._naming[parent, doc_id])
            if not named and not (count is not None and (doc_id, parent) in self._announced):
                continue
            first = min((found.get(c.chunk_id, len(hits)) for _, c in children), default=len(hits))
            key = (named, -first)
            if best is None or key > best[0]:
                leaf = section_parts(parent)[-1]
                best = (key, Siblings(leaf, children))
        return best[1] if best else None


def _announced(
    groups: dict[tuple[str, str], list[tuple[str, StoredChunk]]], chunks: list[StoredChunk]
) -> set[tuple[str, str]]:
    """The groups some sentence of the documents announces: it gives their number and names
    at least two of their headings ("ripartiti in sei macro-temi: governance e partnership,
    social procurement…"). "Le sei aree" is answered by such a group without naming it; "i tre
    promotori" is not answered by any three headings."""
    sentences = [fold(s) for c in chunks for s in c.sentences]
    out: set[tuple[str, str]] = set()
    for key, children in groups.items():
        if len(children) < MIN_SIBLINGS:
            continue
        headings = [fold(h) for h, _ in children]
        for sentence in sentences:
            if (
                _asked_count(sentence) == len(children)
                and sum(h in sentence for h in headings) >= 2
            ):
                out.add(key)
                break
    return out


def _alike(asked: frozenset[str], naming: frozenset[str]) -> int:
    """How many asked stems are a naming stem, or begin with one or it with them."""
    return sum(
        any(
            a == n or (min(len(a), len(n)) >= ALIKE and (a.startswith(n) or n.startswith(a)))
            for n in naming
        )
        for a in asked
    )


def _asked_count(text: str) -> int | None:
    folded = fold(text)
    if m := re.search(r"\b(\d{1,2})\b", folded):
        return int(m.group(1))
    return next((n for word, n in _NUMBER_WORDS.items() if re.search(rf"\b{word}\b", folded)), None)
