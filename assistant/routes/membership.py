"""Questions about who took part, answered from the catalogue of organisations: "c'era il
Politecnico?", "quali sindacati hanno partecipato?", "quanti enti in tutto?".

Every line of such an answer is an item of the documents' own list, quoted and cited; a count
is the list's own numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant import templates
from assistant.answer.citations import citation
from assistant.question.analysed import Question
from assistant.question.spelling import italian_frequency
from core.italian import fold, words
from core.models import Citation
from indexer.organisations import PRIVATE_CITIZENS, Organisation, OrganisationCatalogue
from indexer.stores import StoredChunk

# The question is about taking part, or about the list itself.
_TAKING_PART = re.compile(
    r"\b(partecipat\w*|partecipan\w*|partecipa|c'era|c'erano|presenti|"
    r"aderit\w*|preso parte|elenco|lista|compa(re|iono|rivano|riva)|figura(no)?|"
    r"tra gli enti|ringrazia\w*|took part|participat\w*)\b"
)
_COUNT = re.compile(r"\b(quant[ie]|numero|how many|in tutto|in totale|totale)\b")
_BODIES = re.compile(r"\b(enti|organizzazioni|soggetti|realta|organisations?|bodies)\b")

# Words of a question → the kind of organisation it asks about.
KIND_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("comune", re.compile(r"\b(comuni|comune|municipi\w*|amministrazioni comunali)\b")),
    (
        "sindacato o associazione di categoria",
        re.compile(r"\b(sindacat\w*|associazioni di categoria|organizzazioni sindacali|unions?)\b"),
    ),
    (
        "ente pubblico",
        re.compile(
            r"\b(enti pubblici|ente pubblico|istituzioni pubbliche|ministeri|ministero|"
            r"regione|agenzie pubbliche)\b"
        ),
    ),
    (
        "banca o finanza",
        re.compile(r"\b(banche|banca|istitut\w* di credito|finanziatori|banks?)\b"),
    ),
    ("fondazione", re.compile(r"\b(fondazion\w*|foundations?)\b")),
    ("università", re.compile(r"\b(universita|atenei|ateneo|universit\w*)\b")),
    ("scuola", re.compile(r"\b(scuol\w*|licei|liceo|istituti scolastici|schools?)\b")),
    ("ente di formazione", re.compile(r"\b(enti di formazione|formazione professionale)\b")),
    (
        "cooperativa o impresa sociale",
        re.compile(r"\b(cooperativ\w*|coop|imprese sociali|impresa sociale|cooperatives?)\b"),
    ),
    (
        "associazione, APS o ETS",
        re.compile(r"\b(associazion\w*|aps|ets|onlus|volontariat\w*|terzo settore)\b"),
    ),
    (
        "ente religioso",
        re.compile(r"\b(enti religiosi|religios\w*|chiesa|diocesi|parrocchi\w*|caritas)\b"),
    ),
    ("sanità", re.compile(r"\b(sanita|sanitar\w*|asl|ospedal\w*)\b")),
    ("impresa", re.compile(r"\b(imprese|aziende|azienda|societa private|companies)\b")),
    (PRIVATE_CITIZENS, re.compile(r"\b(privati cittadini|cittadini privati|singoli cittadini)\b")),
]
KIND_LABELS = {
    "comune": "comuni",
    "sindacato o associazione di categoria": "sindacati e associazioni di categoria",
    "ente pubblico": "enti pubblici",
    "banca o finanza": "banche e soggetti della finanza",
    "fondazione": "fondazioni",
    "università": "università",
    "scuola": "scuole",
    "ente di formazione": "enti di formazione",
    "cooperativa o impresa sociale": "cooperative e imprese sociali",
    "associazione, APS o ETS": "associazioni, APS ed ETS",
    "ente religioso": "enti religiosi",
    "sanità": "enti della sanità",
    "impresa": "imprese",
    PRIVATE_CITIZENS: "privati cittadini",
}
# Words of a name that say nothing about which body it is.
_GENERIC = frozenset(
    """torino torinese piemonte italia italiana italiano di del della dei delle degli per e la il
    lo le in srl spa aps ets onlus scs sb associazione fondazione comune impresa sociale societa
    benefit cooperativa consorzio centro rete valle regionale provinciale citta metropolitana
    nazionale nord ovest group camera commercio ente enti studio istituto sociali social
    impact lavoro comunita energy innovation next off top lab hub land law firm council
    foundation banking consumer trust imprenditoria artigianato assistenziale didattica musicale
    sustainability enablers observatory""".split()
)
# A name's word this frequent in Italian is a common word, not a name ("memoria", "terra").
MAX_NAME_ZIPF = 3.9


@dataclass
class MembershipAnswer:
    text: str
    citations: list[Citation]
    direct: str | None


class Membership:
    """Answers about the listed organisations, when a question is about them."""

    def __init__(self, catalogue: OrganisationCatalogue, chunks: dict[str, StoredChunk]) -> None:
        self.catalogue = catalogue
        self.chunks = chunks
        self._tokens = {id(o): self._distinctive(o.name) for o in catalogue.organisations}

    @staticmethod
    def _distinctive(name: str) -> set[str]:
        acronyms = {fold(w) for w in re.findall(r"\b[A-Z][A-Z.]{1,}[A-Z]\b", name)}
        return {
            w
            for w in words(name)
            if len(w) >= 3
            and w not in _GENERIC
            and (w in acronyms or italian_frequency(w) <= MAX_NAME_ZIPF)
        }

    def named(self, question: Question) -> list[Organisation]:
        """The listed organisations the question names ("il Politecnico", "Legambiente")."""
        asked = [w for w in words(question.spelled) if len(w) >= 3 and w not in _GENERIC]
        found = []
        for org in self.catalogue.organisations:
            tokens = self._tokens[id(org)]
            if any(w in tokens or _near(w, tokens) for w in asked):
                found.append(org)
        return found

    def answer(self, question: Question) -> MembershipAnswer | None:
        folded = fold(question.spelled)
        # A follow-up ("e Confcooperative?") takes the taking-part context from the turn before.
        if not self.catalogue.organisations or not _TAKING_PART.search(fold(question.lexical)):
            return None
        kinds = [kind for kind, pattern in KIND_WORDS if pattern.search(folded)]
        if kinds:
            return self._kinds(kinds, counting=bool(_COUNT.search(folded)))
        if _COUNT.search(folded) and _BODIES.search(folded):
            return self._count()
        named = self.named(question)
        return self._named(named) if named else None

    # --- the three kinds of answer ------------------------------------------------------------
    def _named(self, named: list[Organisation]) -> MembershipAnswer:
        cited = _Cited(self.chunks)
        lines = [templates.bullet(o.line, cited.mark(o)) for o in named]
        direct = "; ".join(o.name for o in named)
        head = templates.MEMBERSHIP_FOUND
        return MembershipAnswer(f"{head}\n\n" + "\n".join(lines), cited.citations(), direct)

    def _kinds(self, kinds: list[str], counting: bool) -> MembershipAnswer | None:
        cited = _Cited(self.chunks)
        parts, lines = [], []
        for kind in kinds:
            members = (
                self.catalogue.notes if kind == PRIVATE_CITIZENS else self.catalogue.of_kind(kind)
            )
            members = [m for m in members if kind in m.kinds]
            if not members:
                continue
            parts.append(templates.membership_count(len(members), KIND_LABELS[kind]))
            lines += [templates.bullet(m.line, cited.mark(m)) for m in members]
        if not lines:
            return None
        direct = ", ".join(parts)
        head = templates.membership_kinds(direct)
        return MembershipAnswer(f"{head}\n\n" + "\n".join(lines), cited.citations(), direct)

    def _count(self) -> MembershipAnswer:
        cited = _Cited(self.chunks)
        numbered = [o for o in self.catalogue.organisations if o.number is not None]
        last = max(numbered, key=lambda o: o.number or 0) if numbered else None
        quotes = [
            templates.quoted(o.line, cited.mark(o)) for o in [last, *self.catalogue.notes] if o
        ]
        total = last.number if last and last.number else len(self.catalogue.organisations)
        direct = templates.membership_total(total, [n.name for n in self.catalogue.notes])
        head = templates.membership_kinds(direct)
        return MembershipAnswer(f"{head}\n\n" + "\n".join(quotes), cited.citations(), direct)


def _near(word: str, tokens: set[str]) -> bool:
    """A misspelt or inflected name ("legambinte", "politecnici")."""
    return len(word) >= 6 and any(len(t) >= 6 and fuzz.ratio(word, t) >= 88 for t in tokens)


class _Cited:
    """Markers by passage for list lines, and the lines each citation quotes."""

    def __init__(self, chunks: dict[str, StoredChunk]) -> None:
        self.chunks = chunks
        self.numbers: dict[str, int] = {}
        self.lines: dict[str, list[str]] = {}

    def mark(self, org: Organisation) -> int:
        self.numbers.setdefault(org.chunk_id, len(self.numbers) + 1)
        self.lines.setdefault(org.chunk_id, []).append(org.line)
        return self.numbers[org.chunk_id]

    def citations(self) -> list[Citation]:
        out = []
        for cid, n in self.numbers.items():
            c = citation(n, self.chunks[cid], 1.0, " ".join(self.lines[cid]))
            c.highlights = list(self.lines[cid])
            out.append(c)
        return out
