"""One routing for what the product knows beside the passages: each route proposes an answer
with a score, and the best proposal above its route's floor answers; none, and the passages do.

- measures for a role: "cosa c'è per me?", "che ruolo hanno i comuni nel piano?", and the
  follow-up "e per i giovani?" after one of them (the Misure logic, `routes/profiles.py`);
- who took part: the list of organisations read as data (`routes/membership.py`);
- "cos'è X?": the glossary's explanation and its passage (`routes/definitions.py`);
- a heading named in «…» (the suggested next questions): that section's words
  (`routes/headings.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.question.analysed import Question
from assistant.question.answer_types import SPAN_TYPES
from assistant.routes.definitions import Definitions
from assistant.routes.headings import Headings
from assistant.routes.membership import Membership
from assistant.routes.profiles import ProfileMatcher, compose_measures_answer
from core.italian import fold
from core.models import Answer
from indexer.stores import StoredChunk

# Words that ask what the plan does for someone or about something (generic Italian, any plan):
# with a role or a topic of the measures named, the measures for it answer.
_PROVISION = re.compile(
    r"\b(prevede|prevedono|previst\w*|offre|offrono|ruolo|misure|fa per|fanno per|"
    r"c'e per|cosa c'e)\b"
)
DEFINITION_FLOOR = 0.75
EXPLICIT, MEMBERSHIP, ROLE = 1.0, 0.9, 0.7


@dataclass(frozen=True)
class Proposal:
    route: str
    answer: Answer
    score: float


class Router:
    def __init__(
        self,
        profiles: ProfileMatcher,
        membership: Membership,
        definitions: Definitions,
        headings: Headings,
        chunk_of: Callable[[str], StoredChunk],
        names_unknown: Callable[[Question], bool] = lambda q: False,
    ) -> None:
        self.profiles = profiles
        # The question names something no document names ("il piano di Napoli"): the plan's
        # measures are not an answer about it.
        self.names_unknown = names_unknown
        self.membership = membership
        self.definitions = definitions
        self.headings = headings
        self.chunk_of = chunk_of

    def proposals(self, question: Question) -> list[Proposal]:
        out: list[Proposal] = []
        if (measures := self._measures(question)) is not None:
            out.append(measures)
        found = self.membership.answer(question)
        if found is not None:
            answer = Answer(
                question=question.asked,
                answer=found.text,
                abstained=False,
                citations=found.citations,
                direct=found.direct,
            )
            out.append(Proposal("membership", answer, MEMBERSHIP))
        defined = self.definitions.propose(question)
        if defined is not None and defined[1] >= DEFINITION_FLOOR:
            out.append(Proposal("definition", defined[0], defined[1]))
        section = self.headings.propose(question)
        if section is not None:
            out.append(Proposal("heading", *section))
        return out

    def route(self, question: Question) -> Answer | None:
        proposals = self.proposals(question)
        return max(proposals, key=lambda p: p.score).answer if proposals else None

    def _measures(self, question: Question) -> Proposal | None:
        if self.names_unknown(question):
            return None
        asked = question.asked
        asks_for_measures = self.profiles.plan.asks_for_measures
        if asks_for_measures(asked):
            answer = self.profiles.answer_for(asked, self.chunk_of)
            return Proposal("measures", answer, EXPLICIT) if answer is not None else None
        if question.asks in SPAN_TYPES:
            return None
        # A role named with what the plan does for it, or a bare follow-up of such a question.
        after_measures = (
            question.followup == "bare"
            and question.previous is not None
            and (asks_for_measures(question.previous) or self._asks_for_role(question.previous))
        )
        if not (self._asks_for_role(asked) or after_measures):
            return None
        matches = self.profiles.match(description=asked)
        if not matches:
            return None
        text, citations = compose_measures_answer(matches, self.chunk_of)
        answer = Answer(question=asked, answer=text, abstained=False, citations=citations)
        return Proposal("measures", answer, ROLE)

    def _asks_for_role(self, text: str) -> bool:
        """A role the measures serve ("i comuni", "un giovane") or a topic they speak of
        ("appalti"), with words that ask what the plan provides."""
        reading = self.profiles.read(text)
        return bool(reading.targets or reading.topics) and bool(_PROVISION.search(fold(text)))
