"""Which measures of the plan fit a person or organisation: profiles, matching, and the cited answer.

The profiles, targets and roles are the plan's (`profiles.toml` beside the corpus). A free
description is read for roles and topics (`assistant.routes.roles`); a role no measure is aimed
at (a journalist) gets "nessuna misura è rivolta specificamente a te" rather than the nearest
profile's measures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from assistant import templates
from assistant.answer.citations import citation
from assistant.routes.roles import Reading, read_description, speaks_of, without_workplace
from core.models import Answer, Citation
from indexer.catalogue import Catalogue, Measure
from indexer.knowledge.profiles import PlanProfiles, Profile
from indexer.stores import OpenIndex, StoredChunk

__all__ = ["MeasureMatch", "Profile", "ProfileMatcher", "compose_measures_answer"]


# Said in the chat when the description names only roles no measure is aimed at. (Answer texts
# otherwise live in assistant/templates.py.)
NO_MEASURE = (
    "Nessuna misura del Piano è rivolta specificamente a te ({roles}). Le misure del Piano "
    "si rivolgono a: {targets}."
)
TOPIC_BONUS = 0.1  # a measure that speaks of what the description is after comes first


class MeasureMatch(BaseModel):
    measure: Measure
    score: float = Field(description="Similarity of the profile to the measure (higher is better).")
    reason: str = Field(description="Why it applies, in Italian.")


@dataclass
class ProfileMatcher:
    catalogue: Catalogue
    vector_of: Callable[[str], np.ndarray | None]  # passage vector of a measure's text
    embed_query: Callable[[str], np.ndarray]
    plan: PlanProfiles = field(default_factory=PlanProfiles)
    max_results: int = 8

    @property
    def profiles(self) -> list[Profile]:
        return self.plan.profiles

    def read(self, description: str) -> Reading:
        return read_description(description, self.plan)

    def targets_for(self, profile: str | None, description: str | None) -> list[str]:
        chosen = self.plan.profile(profile)
        targets = list(chosen.targets) if chosen else []
        if description:
            reading = self.read(description)
            if reading.roles:
                targets += reading.targets
            else:
                targets += self.plan.targets_of(without_workplace(description))
                if not targets and self.plan.profiles:  # the closest profile by meaning
                    targets += self._nearest_profile(description).targets
        return list(dict.fromkeys(targets))

    def _nearest_profile(self, description: str) -> Profile:
        vector = self.embed_query(description)
        return max(self.profiles, key=lambda p: float(vector @ self.embed_query(p.description)))

    def match(
        self, profile: str | None = None, description: str | None = None
    ) -> list[MeasureMatch]:
        targets = self.targets_for(profile, description)
        chosen = self.plan.profile(profile)
        query = " ".join(filter(None, [chosen.description if chosen else None, description]))
        vector = self.embed_query(query) if query else None
        topics = self.read(description).topics if description else ()
        out = []
        for m in self.catalogue.measures:
            shared = [t for t in targets if t in m.targets]
            if not shared:
                continue
            mv = self.vector_of(m.text)
            score = float(vector @ mv) if vector is not None and mv is not None else 0.0
            if any(speaks_of(topic, f"{m.area} {m.text}") for topic in topics):
                score += TOPIC_BONUS
            reason = "Riguarda " + ", ".join(self.plan.target_label(t) for t in shared)
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
        if not self.plan.asks_for_measures(question):
            return None
        matches = self.match(description=question)
        if matches:
            text, citations = compose_measures_answer(matches, chunk_of)
            return Answer(question=question, answer=text, abstained=False, citations=citations)
        reading = self.read(question)
        if reading.unserved:
            return Answer(question=question, answer=self.no_measure(reading), abstained=True)
        return None

    def no_measure(self, reading: Reading) -> str:
        roles = ", ".join(r.label for r in reading.roles)
        targets = ", ".join(t.label for t in self.plan.targets)
        return NO_MEASURE.format(roles=roles, targets=targets)


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


def measure_vectors(index: OpenIndex, catalogue: Catalogue) -> Callable[[str], np.ndarray | None]:
    """A measure's passage vector (its text is one of the sentences), read from the measures'
    rows only (a view of every row costs 2 s at 350,000 sentences)."""
    measures = {m.text for m in catalogue.measures}
    rows = {
        sentence: chunk.sentence_start + i
        for chunk in index.chunks.values()
        for i, sentence in enumerate(chunk.sentences)
        if sentence in measures
    }

    def vector_of(sentence: str) -> np.ndarray | None:
        row = rows.get(sentence)
        return None if row is None else index.sentence_vectors[row]

    return vector_of
