"""Where a corpus's knowledge files live and how they are read: TOML files beside the documents
folder (`corpus/<name>.toml`), reviewed like documents, each optional.

Word lists in them are written as people write words, not as regular expressions: a phrase
matches whole words of the folded text ("camera di commercio"), `*` ends a word with any ending
("sindacat*"), `^` ties a phrase to the start ("^comune di").
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.italian import fold

# The knowledge files a corpus may have beside its documents (the glossary has its own setting).
KNOWLEDGE_FILES = ("about", "acronyms", "sources", "organisation_kinds", "profiles")
NEVER = re.compile(r"(?!)")


class SourcePassage(BaseModel):
    """Where a piece of knowledge comes from: a document and its verbatim words."""

    doc_id: str
    phrase: str = Field(description="Verbatim words of the document.")


def knowledge_path(corpus_dir: Path, name: str) -> Path:
    """`<name>.toml` beside the documents folder."""
    return corpus_dir.parent / f"{name}.toml"


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables; an empty dict when there is no such file."""
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


def knowledge_digest(corpus_dir: Path) -> str:
    """What the knowledge files hold, for a build's fingerprint: a change rebuilds."""
    h = hashlib.sha256()
    for name in KNOWLEDGE_FILES:
        path = knowledge_path(corpus_dir, name)
        h.update(name.encode())
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:16]


def _phrase_regex(phrase: str) -> str:
    phrase = fold(phrase).strip()
    anchored = phrase.startswith("^")
    parts = []
    for word in phrase.lstrip("^").split():
        wild = word.endswith("*")
        parts.append(re.escape(word.rstrip("*")) + (r"\w*" if wild else ""))
    body = r"\s+".join(parts)
    return (r"^" if anchored else r"\b") + body + (r"" if phrase.endswith("*") else r"\b")


def words_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern (on folded text) matching any of the phrases; never matches when empty."""
    regexes = [_phrase_regex(p) for p in phrases if p.strip()]
    return re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else NEVER
