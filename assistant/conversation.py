"""Follow-up questions: resolved against the last user turn of the history the client sends."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Turn
from indexer.italian import content_stems, fold

# A question that leans on what came before: opens with a conjunction, points back, or is bare.
_LEANS_BACK = re.compile(
    r"^(e|ed|ma|invece|anche|allora|quindi|and|but|what about|how about)\b"
    r"|\b(lui|lei|loro|questo|questa|questi|queste|quello|quella|quelli|quelle|esso|essa|"
    r"ne|dopo|prima|stesso|stessa|it|they|them|that|this|those)\b",
    re.IGNORECASE,
)
MAX_OWN_STEMS = 3


@dataclass
class ResolvedQuestion:
    question: str  # the user's own words, shown and answered
    previous: str | None  # the earlier user question it was fused with, if any


def resolve_followup(question: str, history: list[Turn]) -> ResolvedQuestion:
    previous = next((t.content for t in reversed(history) if t.role == "user"), None)
    if previous is None:
        return ResolvedQuestion(question, None)
    leans_back = bool(_LEANS_BACK.search(fold(question).strip()))
    bare = len(content_stems(question)) <= MAX_OWN_STEMS
    return ResolvedQuestion(question, previous if (leans_back or bare) else None)
