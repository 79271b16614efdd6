"""Which measures of the plan fit a person or organisation: profiles, matching, and the cited answer.

A free description is read for roles and topics (`assistant.routes.roles`); a role no measure is aimed
at (a journalist) gets "nessuna misura è rivolta specificamente a te" rather than the nearest
profile's measures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from assistant import templates
from assistant.answer.citations import citation
from assistant.routes.roles import Reading, read_description, speaks_of, without_workplace
from core.italian import fold
from core.models import Answer, Citation
from indexer.catalogue import Catalogue, Measure, targets_of
from indexer.stores import StoredChunk


class Profile(BaseModel):
    id: str
    label: str
    description: str
    targets: list[str]


PROFILES = [
    Profile(
        id="giovane",
        label="Giovane under 35 che vuole avviare un'impresa sociale",
        description="Sono un giovane sotto i 35 anni e voglio avviare una nuova impresa sociale",
        targets=["giovani"],
    ),
    Profile(
        id="cooperativa",
        label="Cooperativa o impresa sociale",
        description="Siamo una cooperativa sociale, un'impresa sociale dell'economia sociale",
        targets=["imprese_sociali"],
    ),
    Profile(
        id="terzo_settore",
        label="Ente del Terzo settore o associazione",
        description="Siamo un ente del Terzo settore, un'associazione di volontariato",
        targets=["terzo_settore"],
    ),
    Profile(
        id="impresa_profit",
        label="Impresa profit",
        description="Siamo un'impresa privata profit che vuole collaborare con l'economia sociale",
        targets=["imprese_profit"],
    ),
    Profile(
        id="ente_pubblico",
        label="Comune o ente pubblico",
        description="Lavoro in un comune, un ente pubblico, una pubblica amministrazione",
        targets=["pubblica_amministrazione"],
    ),
    Profile(
        id="finanziatore",
        label="Banca o finanziatore",
        description="Siamo una banca, una fondazione o un investitore che finanzia progetti",
        targets=["finanza"],
    ),
    Profile(
        id="formazione",
        label="Scuola, università o ente di formazione",
        description="Siamo una scuola, un'università o un ente di formazione",
        targets=["formazione"],
    ),
    Profile(
        id="lavoro",
        label="Persona in cerca di lavoro o con disabilità",
        description="Cerco lavoro, sono una persona con disabilità o fragile",
        targets=["lavoro_inclusione"],
    ),
    Profile(
        id="territori",
        label="Chi vive o lavora in territori rurali e montani",
        description="Vivo o lavoro in un paese di montagna, in un territorio rurale o in un'area interna",
        targets=["territori_rurali"],
    ),
]
PROFILE_BY_ID = {p.id: p for p in PROFILES}
TARGET_LABELS = {
    "giovani": "i giovani",
    "imprese_sociali": "le imprese sociali e le cooperative",
    "terzo_settore": "il Terzo settore",
    "imprese_profit": "le imprese profit",
    "pubblica_amministrazione": "gli enti pubblici",
    "finanza": "la finanza e il credito",
    "formazione": "la formazione",
    "lavoro_inclusione": "il lavoro e l'inclusione",
    "territori_rurali": "i territori rurali e montani",
    "digitale": "il digitale",
}
# Said in the chat when the description names only roles no measure is aimed at. (Answer texts
# otherwise live in assistant/templates.py.)
NO_MEASURE = (
    "Nessuna misura del Piano è rivolta specificamente a te ({roles}). Le misure del Piano "
    "si rivolgono a: {targets}."
)
TOPIC_BONUS = 0.1  # a measure that speaks of what the description is after comes first
MEASURES_QUESTION = re.compile(
    r"(cosa c.e per me|c.e qualcosa per me|fa per me|fanno per me|quali misure|"
    r"misur[ae] (per|adatt)|per me nel piano|"
    r"cosa (offre|prevede) il piano (per|a) (me|noi|una|un|chi)|what is there for me|"
    r"which measures)",
    re.IGNORECASE,
)


class MeasureMatch(BaseModel):
    measure: Measure
    score: float = Field(description="Similarity of the profile to the measure (higher is better).")
    reason: str = Field(description="Why it applies, in Italian.")


@dataclass
class ProfileMatcher:
    catalogue: Catalogue
    vector_of: Callable[[str], np.ndarray | None]  # passage vector of a measure's text
    embed_query: Callable[[str], np.ndarray]
    max_results: int = 8

    def targets_for(self, profile: str | None, description: str | None) -> list[str]:
        targets = list(PROFILE_BY_ID[profile].targets) if profile in PROFILE_BY_ID else []
        if description:
            reading = read_description(description)
            if reading.roles:
                targets += reading.targets
            else:
                targets += targets_of(without_workplace(description))
                if not targets:  # nothing explicit: the closest profile by meaning
                    targets += self._nearest_profile(description).targets
        return list(dict.fromkeys(targets))

    def _nearest_profile(self, description: str) -> Profile:
        vector = self.embed_query(description)
        return max(PROFILES, key=lambda p: float(vector @ self.embed_query(p.description)))

    def match(
        self, profile: str | None = None, description: str | None = None
    ) -> list[MeasureMatch]:
        targets = self.targets_for(profile, description)
        query = " ".join(
            filter(
                None,
                [
                    PROFILE_BY_ID[profile].description if profile in PROFILE_BY_ID else None,
                    description,
                ],
            )
        )
        vector = self.embed_query(query) if query else None
        topics = read_description(description).topics if description else ()
        out = []
        for m in self.catalogue.measures:
            shared = [t for t in targets if t in m.targets]
            if not shared:
                continue
            mv = self.vector_of(m.text)
            score = float(vector @ mv) if vector is not None and mv is not None else 0.0
            if any(speaks_of(topic, f"{m.area} {m.text}") for topic in topics):
                score += TOPIC_BONUS
            reason = "Riguarda " + ", ".join(TARGET_LABELS.get(t, t) for t in shared)
            reason += f" (area «{m.area}»)"
            if m.integrations:
                reason += "; rafforzata dopo la consultazione"
            out.append(
                MeasureMatch(
                    measure=m, score=round(score + 0.02 * len(shared), 4), reason=reason + "."
                )
            )
        out.sort(key=lambda x: x.score, reverse=True)
        return out[: self.max_results]

    def answer_for(self, question: str, chunk_of: Callable[[str], StoredChunk]) -> Answer | None:
        """A "what is there for me?" question answered with the measures that fit, or with
        "no measure is aimed at you" for a role none is; None for any other question."""
        if not is_measures_question(question):
            return None
        matches = self.match(description=question)
        if matches:
            text, citations = compose_measures_answer(matches, chunk_of)
            return Answer(question=question, answer=text, abstained=False, citations=citations)
        reading = read_description(question)
        if reading.unserved:
            return Answer(question=question, answer=no_measure(reading), abstained=True)
        return None


def no_measure(reading: Reading) -> str:
    roles = ", ".join(r.label for r in reading.roles)
    return NO_MEASURE.format(roles=roles, targets=", ".join(TARGET_LABELS.values()))


def is_measures_question(question: str) -> bool:
    return bool(MEASURES_QUESTION.search(fold(question)))


def compose_measures_answer(
    matches: list[MeasureMatch], chunk_of: Callable[[str], StoredChunk]
) -> tuple[str, list[Citation]]:
    """The matching measures as a bullet list, each item quoted verbatim and cited; the
    consultation's integrations follow the measure they changed."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    lines: list[str] = []

    def cite(chunk_id: str, text: str) -> str:
        numbers.setdefault(chunk_id, len(numbers) + 1)
        quotes.setdefault(chunk_id, []).append(text)
        return templates.bullet(text, numbers[chunk_id])

    for match in matches:
        lines.append(cite(match.measure.chunk_id, match.measure.text))
        for integration in match.measure.integrations:
            lines.append(cite(integration.chunk_id, integration.text))
    citations = [
        citation(n, chunk_of(cid), 1.0, " ".join(quotes[cid])) for cid, n in numbers.items()
    ]
    return templates.MEASURES_LEAD_IN + "\n\n" + "\n".join(lines), citations
