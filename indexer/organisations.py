"""The organisations a document lists (the consultation's "Lista integrale degli enti"), read as
data: each name with its number, the passage it sits in, and its kinds, typed by rules on the name.

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
from indexer.stores import StoredChunk

_LIST_HEADING = re.compile(
    r"\b(lista|elenco)\b.*\b(enti|soggetti|organizzazioni|partecipanti|aderenti)\b"
    r"|\b(enti|organizzazioni|soggetti) (partecipanti|aderenti|coinvolti)\b"
)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.+?)\s*$")
# "135-146: alla lista degli enti si aggiungono dodici privati cittadini"
_RANGE_NOTE = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*:\s*(.+?)\s*$")

# Kinds by words of the (folded) name, most specific first; a name can have several kinds.
KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("comune", re.compile(r"^comune di\b")),
    (
        "sindacato o associazione di categoria",
        re.compile(
            r"\b(cgil|cisl|uil|ugl|confcooperative|legacoop|agci|cna|coldiretti|confindustria|"
            r"confartigianato|confcommercio|ascom|unione industriali|api torino|"
            r"compagnia delle opere|ordine dei)\b"
        ),
    ),
    (
        "ente pubblico",
        re.compile(
            r"\b(citta metropolitana|camera di commercio|regione|ministero|agenzia|"
            r"consorzio intercomunale|con\.i\.s\.a|comitato per l'imprenditoria|gal)\b"
        ),
    ),
    (
        "banca o finanza",
        re.compile(
            r"\b(banca|banco|bper|unicredit|intesa|credito|permicro|finpiemonte|"
            r"impact banking|finanza)\b"
        ),
    ),
    ("fondazione", re.compile(r"\b(fondazione|foundation)\b")),
    ("università", re.compile(r"\b(universita|politecnico|ateneo)\b")),
    ("scuola", re.compile(r"\b(liceo|istituto di istruzione|scuola|cpia)\b")),
    ("ente di formazione", re.compile(r"\b(formazione|engim|assocam)\b")),
    (
        "cooperativa o impresa sociale",
        re.compile(
            r"\b(cooperativa|coop|s\.?c\.?s\.?|impresa sociale|consorzio sociale|"
            r"cooperazione)\b"
        ),
    ),
    (
        "associazione, APS o ETS",
        re.compile(
            r"\b(associazione|aps|ets|odv|onlus|arci|forum terzo settore|volontariato|"
            r"rete delle portinerie|legambiente|labsus)\b"
        ),
    ),
    (
        "ente religioso",
        re.compile(r"\b(diocesi|arcidiocesi|caritas|oratorio|parrocchia|pastorale)\b"),
    ),
    ("sanità", re.compile(r"\b(asl|ospedale|sanitari\w*)\b")),
    (
        "impresa",
        re.compile(
            r"\b(srl|s\.r\.l|spa|s\.p\.a|societa benefit|sb|scarl|stp|studio|law firm|"
            r"srl is|impact hub|seed)\b"
        ),
    ),
]
PRIVATE_CITIZENS = "privati cittadini"


class Organisation(BaseModel):
    number: int | None  # its number in the list, when the list is numbered
    name: str  # as the list writes it
    line: str  # the whole list line, verbatim in the passage ("104. Politecnico di Torino")
    kinds: list[str]
    chunk_id: str


class OrganisationCatalogue(BaseModel):
    organisations: list[Organisation]
    notes: list[Organisation] = []  # lines like "135-146: … dodici privati cittadini"

    def of_kind(self, kind: str) -> list[Organisation]:
        return [o for o in self.organisations if kind in o.kinds]

    @property
    def kinds(self) -> list[str]:
        return [k for k, _ in KIND_RULES] + [PRIVATE_CITIZENS]


def kinds_of(name: str) -> list[str]:
    folded = fold(name)
    found = [kind for kind, pattern in KIND_RULES if pattern.search(folded)]
    if "impresa" in found and "cooperativa o impresa sociale" in found:
        found.remove("impresa")  # "Srl Impresa Sociale" is a social enterprise
    if "ente pubblico" in found and "sindacato o associazione di categoria" in found:
        found.remove("ente pubblico")  # unions' representative *in* the Chamber's council
    return found or ["altro"]


def extract_organisations(chunks: Iterable[StoredChunk]) -> OrganisationCatalogue:
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
                        kinds=[PRIVATE_CITIZENS] if PRIVATE_CITIZENS in fold(line) else [],
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
                    kinds=kinds_of(name),
                    chunk_id=chunk.chunk_id,
                )
            )
    return OrganisationCatalogue(organisations=organisations, notes=notes)
