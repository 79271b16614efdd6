"""Who a free description says its writer is ("Lavoro in un comune", "Sono un giornalista") and
what they are after ("appalti con clausole sociali"), read with the plan's role and topic
patterns (`profiles.toml` beside the corpus) on folded text.

A role names the measure targets it stands for; a role with none (a journalist, a retired
person) is recognised so that the answer can say plainly that no measure is aimed at them,
instead of guessing the nearest profile. Checked on `evals/roles_gold.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.italian import fold
from indexer.knowledge.profiles import PlanProfiles, Role, Topic

# "Lavoro in un comune" is where someone works, not a search for work: the job-seeker words of
# the measure targets ("lavor…") must not read it as one.
WORKPLACE = re.compile(r"\blavor\w* (in|presso|per|all|al|nel|nella|con) ")
AGE = re.compile(r"\b(\d{2})\s*anni\b")


@dataclass(frozen=True)
class Reading:
    """What a description says: the roles recognised and the topics asked about."""

    roles: tuple[Role, ...]
    topics: tuple[Topic, ...]

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(t for r in self.roles for t in r.targets))

    @property
    def unserved(self) -> bool:
        """Roles were recognised, and no measure is aimed at any of them."""
        return bool(self.roles) and not self.targets


def read_description(description: str, plan: PlanProfiles) -> Reading:
    folded = fold(description)
    roles = [r for r in plan.roles if re.search(r.pattern, folded)]
    if age := AGE.search(folded):
        years = int(age.group(1))
        roles += [r for r in plan.roles if r.max_age and years <= r.max_age and r not in roles]
    topics = [t for t in plan.topics if re.search(t.asked, folded)]
    return Reading(tuple(roles), tuple(topics))


def without_workplace(description: str) -> str:
    """The description without "lavoro in/presso …" (a workplace, not a job search)."""
    return WORKPLACE.sub(" ", fold(description))


def speaks_of(topic: Topic, text: str) -> bool:
    return bool(re.search(topic.shown, fold(text)))
