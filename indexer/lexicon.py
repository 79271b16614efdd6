"""The words of a build's passages, counted once when the build is written: the stems the corpus
knows (coverage and answerability) and how often each word occurs (the speller's choices).

Reading 100,000 passages word by word took a server half a minute at every start; the counts
are the same whichever process makes them, so the build keeps them (lexicon.json).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.italian import content_stems, expand_acronyms, words

LEXICON_FILE = "lexicon.json"


def passage_text(title: str, section: str, text: str) -> str:
    """A passage as the assistant reads the corpus: its title and heading path, then its text."""
    return f"{title} {section} {text}"


@dataclass(frozen=True)
class Lexicon:
    stems: frozenset[str]  # content stems, acronyms expanded both ways
    words: dict[str, int]  # folded word -> occurrences, most frequent first (ties: first met)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Lexicon:
        stems: set[str] = set()
        counts: Counter[str] = Counter()
        for text in texts:
            stems |= content_stems(expand_acronyms(text))
            counts.update(words(text))
        return cls(frozenset(stems), dict(counts.most_common()))

    def save(self, path: Path) -> None:
        data = {"stems": sorted(self.stems), "words": self.words}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(frozenset(data["stems"]), data["words"])
