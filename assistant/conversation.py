"""Follow-up questions: resolved against the last user turn of the history the client sends."""

from __future__ import annotations

from dataclasses import dataclass

from core.italian import content_stems
from core.models import Turn

# A follow-up is recognised by how little topic it carries of its own ("E per i giovani?", "Con
# quale atto?"). Measured on the gold set (evals): also fusing questions that open with a
# conjunction or contain pronouns ("questo", "dopo") gained nothing on follow-ups and cost
# standalone questions 1-2 points of hit@5 when sent after an unrelated turn.
MAX_OWN_STEMS = 2


@dataclass
class ResolvedQuestion:
    question: str  # the user's own words, shown and answered
    previous: str | None  # the earlier user question it was fused with, if any


def resolve_followup(question: str, history: list[Turn]) -> ResolvedQuestion:
    previous = next((t.content for t in reversed(history) if t.role == "user"), None)
    if previous is None:
        return ResolvedQuestion(question, None)
    bare = len(content_stems(question)) <= MAX_OWN_STEMS
    return ResolvedQuestion(question, previous if bare else None)
