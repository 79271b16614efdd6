"""How users name the sources (`sources.toml`, and the documents' own metadata): per kind of
source its lead-in ("Secondo la stampa") and the words that name it ("giornale", "articolo");
from each document the rare words of its title, publisher and publication ("Gazzettino Orniano"),
when they name documents of one kind only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from core.italian import fold, italian_frequency
from indexer.knowledge.files import read_toml, words_pattern
from indexer.loaders import DocumentMeta

# Rarer than this in Italian (wordfreq's Zipf scale: 4 = ten per million words), a word of a
# document's metadata names it; more common ones ("piano", "città") name everything.
RARE_ZIPF = 4.0
_WORD = re.compile(r"[^\W\d_]{4,}")


class SourceKind(BaseModel):
    type: str = Field(description="A source_type of the documents (piano, stampa…).")
    lead_in: str | None = Field(None, description="How an answer from this kind opens.")
    words: list[str] = Field(default_factory=list, description="Words users name it with.")


@dataclass
class SourceNames:
    """The lead-ins and, per kind of source, what in a question names it."""

    lead_ins: dict[str, str] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._patterns = {kind: words_pattern(ws) for kind, ws in self.names.items()}

    def mentioned(self, folded: str) -> set[str]:
        """The kinds of source a (folded) question names."""
        return {kind for kind, pattern in self._patterns.items() if pattern.search(folded)}


def metadata_names(documents: Iterable[DocumentMeta]) -> dict[str, list[str]]:
    """Per kind of source, the words of its documents' metadata that name it: rare in Italian
    and in the metadata of no other kind; a publication's whole name too."""
    docs = list(documents)
    kinds_of_word: dict[str, set[str]] = {}
    for doc in docs:
        for w in _WORD.findall(f"{doc.title} {doc.publisher} {doc.publication}".lower()):
            kinds_of_word.setdefault(w, set()).add(doc.source_type)
    names: dict[str, list[str]] = {}
    for w, kinds in kinds_of_word.items():
        if len(kinds) == 1 and italian_frequency(w) < RARE_ZIPF:
            names.setdefault(next(iter(kinds)), []).append(fold(w))
    for doc in docs:
        if doc.publication:
            names.setdefault(doc.source_type, []).append(fold(doc.publication))
    return names


def load_sources(path: Path, documents: Iterable[DocumentMeta]) -> SourceNames:
    """`sources.toml` and the names the documents' metadata give."""
    kinds = [SourceKind.model_validate(k) for k in read_toml(path).get("source", [])]
    names = metadata_names(documents)
    for kind in kinds:
        names[kind.type] = list(dict.fromkeys(kind.words + names.get(kind.type, [])))
    lead_ins = {k.type: k.lead_in for k in kinds if k.lead_in}
    return SourceNames(lead_ins, names)
