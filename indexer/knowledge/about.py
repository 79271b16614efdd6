"""What the plan is and who stands behind it (`about.toml`): its title, the bodies that promote
it and whom to contact, each with the passage it comes from.

Without the file (or a part of it) the documents say it: the title is the `piano` document's
own, the promoters its publishers, and whom to ask are the promoters.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from indexer.knowledge.files import SourcePassage, read_toml
from indexer.loaders import DocumentMeta

# "Piano … 2030 — la visione, il percorso, le priorità": the title without its subtitle.
_SUBTITLE = " — "


class Promoter(BaseModel):
    name: str
    source: SourcePassage | None = None


class Contact(BaseModel):
    name: str = Field(description="Whom to contact: an office or a body, never a private person.")
    how: str = Field("", description="As the documents give it: a web page, an office's e-mail.")
    source: SourcePassage


class About(BaseModel):
    plan: str = Field("", description="The plan's title.")
    plan_source: SourcePassage | None = None
    promoters: list[Promoter] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)

    def whom_to_ask(self) -> str | None:
        """Whom a "not covered" answer sends the user to: the contacts, else the promoters."""
        if self.contacts:
            return ", ".join(f"{c.name} ({c.how})" if c.how else c.name for c in self.contacts)
        return ", ".join(p.name for p in self.promoters) or None


def load_about(path: Path, documents: Iterable[DocumentMeta]) -> About:
    """`about.toml`, completed from the documents' metadata where it says nothing."""
    data = read_toml(path)
    about = About(
        plan=data.get("plan", ""),
        plan_source=data.get("plan_source"),
        promoters=[Promoter.model_validate(p) for p in data.get("promoter", [])],
        contacts=[Contact.model_validate(c) for c in data.get("contact", [])],
    )
    plans = [d for d in documents if d.source_type == "piano"]
    if not about.plan and plans:
        about.plan = plans[0].title.split(_SUBTITLE)[0].strip()
    if not about.promoters:
        names = [p.strip() for d in plans for p in d.publisher.split(";") if p.strip()]
        about.promoters = [Promoter(name=n) for n in dict.fromkeys(names)]
    return about
