"""Questions about who took part, answered from the catalogue of organisations: "c'era la
Fondazione Alfa?", "quali sindacati hanno partecipato?", "quanti enti in tutto?".

Every line of such an answer is an item of the documents' own list, quoted and cited; a count
is the list's own numbering. The kinds a question can ask about are the corpus's
(`organisation_kinds.toml`); without them the bodies whose names share the question's word
("quante cooperative…?") are the kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant import templates
from assistant.answer.citations import citation
from assistant.question.analysed import Question
from core.italian import content_stems, fold, italian_frequency, italian_stopwords, words
from core.models import Citation
from indexer.knowledge.kinds import OrganisationKinds
from indexer.organisations import Organisation, OrganisationCatalogue
from indexer.stores import StoredChunk

# The question is about taking part, or about the list itself.
_TAKING_PART = re.compile(
    r"\b(partecipat\w*|partecipan\w*|partecipa|c'era|c'erano|presenti|"
    r"aderit\w*|preso parte|elenco|lista|compa(re|iono|rivano|riva)|figura(no)?|"
    r"tra gli enti|ringrazia\w*|took part|participat\w*)\b"
)
_COUNT = re.compile(r"\b(quant[ie]|numero|how many|in tutto|in totale|totale)\b")
_BODIES = re.compile(r"\b(enti|organizzazioni|soggetti|realta|organisations?|bodies)\b")
# A name's word this frequent in Italian is a common word, not a name ("memoria", "terra").
MAX_NAME_ZIPF = 3.9
# A word in this share of the list's names (and in 3 at least) names no body in particular:
# the territory ("Valdorno"), a legal form ("Srl").
FREQUENT_NAME_SHARE = 0.1
# Without the corpus's kinds, a question's word shared by this many names is a kind.
MIN_SHARED = 2


@dataclass
class MembershipAnswer:
    text: str
    citations: list[Citation]
    direct: str | None


class Membership:
    """Answers about the listed organisations, when a question is about them."""

    def __init__(
        self,
        catalogue: OrganisationCatalogue,
        chunks: dict[str, StoredChunk],
        kinds: OrganisationKinds | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.chunks = chunks
        self.kinds = kinds or OrganisationKinds()
        names = [o.name for o in catalogue.organisations]
        self._generic = (
            italian_stopwords()
            | {fold(w) for w in self.kinds.generic_name_words}
            | _frequent_words(names)
        )
        self._tokens = {id(o): self._distinctive(o.name) for o in catalogue.organisations}
        self._stems = {id(o): content_stems(o.name) for o in catalogue.organisations}

    def _distinctive(self, name: str) -> set[str]:
        acronyms = {fold(w) for w in re.findall(r"\b[A-Z][A-Z.]{1,}[A-Z]\b", name)}
        return {
            w
            for w in words(name)
            if len(w) >= 3
            and w not in self._generic
            and (w in acronyms or italian_frequency(w) <= MAX_NAME_ZIPF)
        }

    def named(self, question: Question, shared: Collection[str] = ()) -> list[Organisation]:
        """The listed organisations the question names ("la Fondazione Alfa", "l'ARCI"), by
        its words but the `shared` ones."""
        skip = self._generic | set(shared)
        asked = [w for w in words(question.spelled) if len(w) >= 3 and w not in skip]
        found = []
        for org in self.catalogue.organisations:
            tokens = self._tokens[id(org)]
            if any(w in tokens or _near(w, tokens) for w in asked):
                found.append(org)
        return found

    def answer(self, question: Question) -> MembershipAnswer | None:
        folded = fold(question.spelled)
        # A follow-up ("e la Fondazione Beta?") takes the taking-part context from the turn before.
        if not self.catalogue.organisations or not _TAKING_PART.search(fold(question.lexical)):
            return None
        if not self.kinds.kinds:
            return self._without_kinds(question, folded)
        asked = [(k.plural, self.catalogue.of_kind(k.label)) for k in self.kinds.asked(folded)]
        if asked:
            return self._kinds(asked)
        if _COUNT.search(folded) and _BODIES.search(folded):
            return self._count()
        named = self.named(question)
        return self._named(named) if named else None

    def _without_kinds(self, question: Question, folded: str) -> MembershipAnswer | None:
        """No kinds known: a body the question names ("la cooperativa Alfa"), else the bodies
        whose names share one of its words ("le cooperative"), else the count."""
        shared = self._sharing(question.spelled)
        named = self.named(question, {fold(word) for word, _ in shared})
        if named:
            return self._named(named)
        if shared:
            return self._kinds(shared)
        return self._count() if _COUNT.search(folded) and _BODIES.search(folded) else None

    def _sharing(self, text: str) -> list[tuple[str, list[Organisation]]]:
        """(the question's word, the bodies whose names have it) for each of its content words
        that at least MIN_SHARED names share ("cooperative" → every "Cooperativa …")."""
        groups = []
        for word in dict.fromkeys(re.findall(r"[^\W\d_]{4,}", text.lower())):
            folded = fold(word)
            if folded in italian_stopwords() or _TAKING_PART.search(folded):
                continue
            if _COUNT.search(folded) or _BODIES.search(folded):
                continue
            stems = content_stems(folded)
            members = [o for o in self.catalogue.organisations if stems & self._stems[id(o)]]
            if len(members) >= MIN_SHARED:
                groups.append((word, members))
        return groups

    # --- the three kinds of answer ------------------------------------------------------------
    def _named(self, named: list[Organisation]) -> MembershipAnswer:
        cited = _Cited(self.chunks)
        lines = [templates.bullet(o.line, cited.mark(o)) for o in named]
        direct = "; ".join(o.name for o in named)
        head = templates.MEMBERSHIP_FOUND
        return MembershipAnswer(f"{head}\n\n" + "\n".join(lines), cited.citations(), direct)

    def _kinds(self, groups: list[tuple[str, list[Organisation]]]) -> MembershipAnswer | None:
        """Each asked-for kind (its plural, its members) counted and listed."""
        cited = _Cited(self.chunks)
        parts, lines = [], []
        for plural, members in groups:
            if not members:
                continue
            parts.append(templates.membership_count(len(members), plural))
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


def _frequent_words(names: list[str]) -> set[str]:
    """Words in FREQUENT_NAME_SHARE of the names (and in three at least)."""
    counts = Counter(w for name in names for w in set(words(name)))
    floor = max(3.0, FREQUENT_NAME_SHARE * len(names))
    return {w for w, n in counts.items() if n >= floor}


def _near(word: str, tokens: set[str]) -> bool:
    """A misspelt or inflected name ("fondazzione Alfa", "alfesi" for "Alfese")."""
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
