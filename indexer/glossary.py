"""The plan's vocabulary as data (corpus/glossary.toml): each term of the plan with its everyday
Italian and English wordings, a plain explanation and the passage it comes from.

It is reviewed like a document; the assistant expands questions with it and users read it
(`GET /api/glossary`, the "Glossario" view).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from core.italian import fold, words

# A word of a search matches a word of an entry at this similarity (rapidfuzz's ratio, 0–100):
# "coperativa" finds "cooperativa" (95), "prestiti" "prestito" (88), not "presidi" (80).
WORD_MATCH = 84
# Words the entry's explanation holds count less than its own wordings'.
EXPLANATION_WEIGHT = 0.85
# A wording that says more than the search ranks a little lower, per extra word.
EXTRA_WORD_COST = 2.0


class GlossarySource(BaseModel):
    doc_id: str
    phrase: str = Field(description="Verbatim words of the document where the term appears.")


class GlossaryEntry(BaseModel):
    term: str = Field(description="The plan's own wording.")
    aliases: list[str] = Field(default_factory=list, description="Other wordings in the documents.")
    everyday: list[str] = Field(description="How people say it, in plain Italian.")
    english: list[str] = Field(default_factory=list)
    explanation: str = Field(description="One plain Italian sentence.")
    source: GlossarySource


class Glossary(BaseModel):
    entries: list[GlossaryEntry] = Field(default_factory=list)

    def search(self, text: str) -> list[GlossaryEntry]:
        """The entries that hold every word of `text`, or words close to them (typos, another
        ending), best first: an entry whose own wording is the search comes before one that
        only mentions its words. No words: every entry, as listed."""
        wanted = [w for w in words(text) if len(w) > 2]
        if not wanted:
            return list(self.entries)
        scored = []
        for entry, searched in zip(self.entries, self._searched):
            score = searched.score(words(text), wanted)
            if score is not None:
                scored.append((score, entry.term.casefold(), entry))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [entry for _, _, entry in scored]

    @cached_property
    def _searched(self) -> list[_Searched]:
        return [_Searched.of(entry) for entry in self.entries]


def _word_score(word: str, text: str, vocabulary: set[str]) -> float:
    if word in text:
        return 100.0
    if len(word) >= 4 and any(v.startswith(word) for v in vocabulary):
        return 100.0
    return max((fuzz.ratio(word, v) for v in vocabulary), default=0.0)


def _phrase_score(query: list[str], name: list[str]) -> float:
    """The search against the closest run of as many words in one wording, less the words the
    wording has beyond it."""
    span = len(query)
    windows = [name[i : i + span] for i in range(max(1, len(name) - span + 1))]
    best = max(fuzz.ratio(" ".join(query), " ".join(w)) for w in windows)
    return best - EXTRA_WORD_COST * max(0, len(name) - span)


@dataclass(frozen=True)
class _Searched:
    """An entry's words as a search compares them (folded once)."""

    names: list[list[str]]  # each wording's words
    named: str
    named_words: set[str]
    explained: str
    explained_words: set[str]

    @classmethod
    def of(cls, entry: GlossaryEntry) -> _Searched:
        names = [fold(n) for n in (entry.term, *entry.aliases, *entry.everyday, *entry.english)]
        named, explained = " ".join(names), fold(entry.explanation)
        return cls(
            [words(n) for n in names], named, set(words(named)), explained, set(words(explained))
        )

    def score(self, query: list[str], wanted: list[str]) -> float | None:
        """How well the entry answers the search (0–100), None when a word is missing."""
        per_word = []
        for word in wanted:
            best = max(
                _word_score(word, self.named, self.named_words),
                EXPLANATION_WEIGHT * _word_score(word, self.explained, self.explained_words),
            )
            if best < WORD_MATCH:
                return None
            per_word.append(best)
        phrase = max(_phrase_score(query, name) for name in self.names)
        return 0.5 * phrase + 0.5 * sum(per_word) / len(per_word)


def load_glossary(path: Path) -> Glossary:
    """The glossary at `path`; an empty one when the file does not exist."""
    if not path.exists():
        return Glossary()
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return Glossary(entries=[GlossaryEntry.model_validate(e) for e in data.get("term", [])])
