"""The plan's vocabulary as data (corpus/glossary.toml): each term of the plan with its everyday
Italian and English wordings, a plain explanation and the passage it comes from.

It is reviewed like a document; the assistant expands questions with it and users read it
(`GET /api/glossary`, the "Glossario" view).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field


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


def load_glossary(path: Path) -> Glossary:
    """The glossary at `path`; an empty one when the file does not exist."""
    if not path.exists():
        return Glossary()
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return Glossary(entries=[GlossaryEntry.model_validate(e) for e in data.get("term", [])])
