"""Whom the plan's measures are for (`profiles.toml`): its target groups and the words that show
one in a measure, the profiles users pick, the roles a free description is read for, the topics
it may be after, and how a question asks "what is there for me?". Patterns are regular
expressions on folded text (lowercase, no accents).

Without the file the measures are still catalogued, for nobody in particular: no profile, no
role, and the chat does not route "what is there for me?" questions.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from core.italian import fold
from indexer.knowledge.files import NEVER, read_toml


class Target(BaseModel):
    id: str
    label: str = Field(description="As a reason says it: «i giovani».")
    pattern: str = Field(description="How a measure's words show it (folded text).")


class Profile(BaseModel):
    id: str
    label: str
    description: str
    targets: list[str]


class Role(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    label: str = Field(description="As in «Ti abbiamo riconosciuto come: …».")
    pattern: str = Field(description="How a description says it (folded text).")
    targets: tuple[str, ...] = Field(
        description="Measure targets; none: no measure is aimed at it."
    )
    max_age: int | None = Field(None, description="«Ho 26 anni» up to this age reads as it.")


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    asked: str = Field(description="How a description says it is after it.")
    shown: str = Field(description="How a measure's words show it.")


class PlanProfiles(BaseModel):
    targets: list[Target] = Field(default_factory=list)
    profiles: list[Profile] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    measures_question: str = Field("", description="A question asking what the plan offers.")

    def targets_of(self, text: str) -> list[str]:
        """The targets whose pattern the (unfolded) text shows."""
        folded = fold(text)
        return [t.id for t in self.targets if re.search(t.pattern, folded)]

    def asks_for_measures(self, question: str) -> bool:
        pattern = (
            re.compile(self.measures_question, re.IGNORECASE) if self.measures_question else NEVER
        )
        return bool(pattern.search(fold(question)))

    def profile(self, profile_id: str | None) -> Profile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)

    def target_label(self, target_id: str) -> str:
        return next((t.label for t in self.targets if t.id == target_id), target_id)


def load_profiles(path: Path) -> PlanProfiles:
    """The plan's targets, profiles, roles and topics (none without the file)."""
    data = read_toml(path)
    return PlanProfiles(
        targets=[Target.model_validate(t) for t in data.get("target", [])],
        profiles=[Profile.model_validate(p) for p in data.get("profile", [])],
        roles=[Role.model_validate(r) for r in data.get("role", [])],
        topics=[Topic.model_validate(t) for t in data.get("topic", [])],
        measures_question=data.get("measures", {}).get("question", ""),
    )
