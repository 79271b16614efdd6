"""The organisations a document lists (a consultation's "Elenco degli enti partecipanti"), read as
data: each name with its number, the passage it sits in, and its kinds, typed by the corpus's
kinds (`organisation_kinds.toml`: `indexer.knowledge.kinds`) from the words of the name.

Any numbered or bulleted list under a heading that names a list of bodies ("elenco/lista degli
enti", "partecipanti", "organizzazioni", "soggetti") is read the same way, so a document a user
adds with such a list is catalogued too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel

from core.italian import fold
from core.limits import LIST_ITEM_START, section_leaf
from indexer.knowledge.kinds import OrganisationKinds
from indexer.stores import StoredChunk

# The headings of a list of bodies (generic Italian: any corpus's lists are found by them).
_LIST_HEADING = re.compile(
    r"\b(lista|elenco)\b.*\b(enti|soggetti|organizzazioni|partecipanti|aderenti)\b"
    r"|\b(enti|organizzazioni|soggetti) (partecipanti|aderenti|coinvolti)\b"
)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.+?)\s*$")
# "135-146: alla lista degli enti si aggiungono dodici privati cittadini"
_RANGE_NOTE = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*:\s*(.+?)\s*$")


class Organisation(BaseModel):
    number: int | None  # its number in the list, when the list is numbered
    name: str  # as the list writes it
    line: str  # the whole list line, verbatim in the passage ("12. Fondazione Alfa")
    kinds: list[str]
    chunk_id: str


class OrganisationCatalogue(BaseModel):
    organisations: list[Organisation]
    notes: list[Organisation] = []  # lines like "135-146: … dodici privati cittadini"

    def of_kind(self, kind: str) -> list[Organisation]:
        """The listed bodies and notes of a kind, in list order."""
        return [o for o in self.organisations + self.notes if kind in o.kinds]


def extract_organisations(
    chunks: Iterable[StoredChunk], kinds: OrganisationKinds
) -> OrganisationCatalogue:
    """Every item of every list of bodies in the passages, in document order."""
    organisations: list[Organisation] = []
    notes: list[Organisation] = []
    for chunk in chunks:
        if not _LIST_HEADING.search(fold(section_leaf(chunk.meta.section))):
            continue
        for line in chunk.text.splitlines():
            if note := _RANGE_NOTE.match(line):
                notes.append(
                    Organisation(
                        number=int(note.group(2)),
                        name=note.group(3),
                        line=line.strip(),
                        kinds=kinds.of(note.group(3), untyped=None),
                        chunk_id=chunk.chunk_id,
                    )
                )
                continue
            numbered = _NUMBERED.match(line)
            if numbered is None and not LIST_ITEM_START.match(line):
                continue
            name = numbered.group(2) if numbered else LIST_ITEM_START.sub("", line).strip()
            organisations.append(
                Organisation(
                    number=int(numbered.group(1)) if numbered else None,
                    name=name,
                    line=line.strip(),
                    kinds=kinds.of(name),
                    chunk_id=chunk.chunk_id,
                )
            )
    return OrganisationCatalogue(organisations=organisations, notes=notes)
