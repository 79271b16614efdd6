"""Follow-up questions: resolved against the last user turn of the history the client sends.

A bare follow-up carries almost no topic of its own ("E per i giovani?", "Con quale atto?") and
is fused with the previous user question. An elliptical one has some topic but points back
("E per gli enti promotori chi ha parlato?", "Dopo la consultazione hanno aggiunto qualcosa su
questo?"): fused with a weight of its own (`PIANO_ELLIPTICAL_WEIGHT`, chosen by CV on dev). A
question that says it changes topic is never fused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.italian import content_stems, fold
from core.models import Turn

MAX_OWN_STEMS = 2
_POINTS_BACK = re.compile(
    r"^(e|ed|ma|anche|invece|allora|quindi|poi)\b"
    r"|\b(questo|questa|questi|queste|quello|quella|quelli|quelle|quell'\w*|lui|lei|loro|"
    r"esso|essa|suo|sua|suoi|sue|ne parla|a riguardo|in merito|su questo|dopo|prima|poi|"
    r"stesso|stessa|it|they|that|this|he|she)\b"
)
_CHANGES_TOPIC = re.compile(
    r"\b(diverso tema|altro tema|altro argomento|altra domanda|cambiando argomento|"
    r"cambio argomento|un'altra cosa|nuova domanda|different topic|another question)\b"
)

FollowUp = Literal["bare", "elliptical"]


@dataclass
class ResolvedQuestion:
    question: str  # the user's own words, shown and answered
    previous: str | None  # the earlier user question it was fused with, if any
    kind: FollowUp | None = None


def resolve_followup(question: str, history: list[Turn]) -> ResolvedQuestion:
    previous = next((t.content for t in reversed(history) if t.role == "user"), None)
    folded = fold(question).strip()
    if previous is None or _CHANGES_TOPIC.search(folded):
        return ResolvedQuestion(question, None)
    if len(content_stems(question)) <= MAX_OWN_STEMS:
        return ResolvedQuestion(question, previous, "bare")
    if _POINTS_BACK.search(folded):
        return ResolvedQuestion(question, previous, "elliptical")
    return ResolvedQuestion(question, None)
