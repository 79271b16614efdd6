"""The words of a build's passages, counted once when the build is written: the stems the corpus
knows (coverage and answerability), in how many passages each stem occurs (its rarity weighs
word overlaps) and how often each word occurs (the speller's choices).

Reading 100,000 passages word by word took a server half a minute at every start; the counts
are the same whichever process makes them, so the build keeps them (lexicon.json).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.italian import Acronyms, content_stems, words

LEXICON_FILE = "lexicon.json"


def passage_text(title: str, section: str, text: str) -> str:
    """A passage as the assistant reads the corpus: its title and heading path, then its text."""
    return f"{title} {section} {text}"


@dataclass(frozen=True)
class Lexicon:
    stems: frozenset[str]  # content stems, acronyms expanded both ways
    words: dict[str, int]  # folded word -> occurrences, most frequent first (ties: first met)
    passage_counts: dict[str, int] = field(default_factory=dict)  # stem -> passages holding it
    passages: int = 0

    @classmethod
    def of(cls, texts: Iterable[str], acronyms: Acronyms) -> Lexicon:
        """`texts`: one per passage (`passage_text`)."""
        stems: Counter[str] = Counter()
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            stems.update(content_stems(acronyms.expand(text)))
            counts.update(words(text))
            n += 1
        return cls(frozenset(stems), dict(counts.most_common()), dict(stems), n)

    def save(self, path: Path) -> None:
        data = {
            "stems": sorted(self.stems),
            "words": self.words,
            "passage_counts": self.passage_counts,
            "passages": self.passages,
        }
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            frozenset(data["stems"]),
            data["words"],
            data.get("passage_counts", {}),
            data.get("passages", 0),
        )
