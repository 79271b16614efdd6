"""A question from the chat page, checked on the server, and the reply the page shows.

The conversation lives in the browser (localStorage); with each question the page sends its last
few turns, which are bounded here again whatever the page sends. Nothing is kept on the server.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.service import Assistant
from core.limits import (
    CONTROL_CHARS,
    MAX_QUESTION_CHARS,
    MAX_UI_HISTORY_TURNS,
    MAX_UI_TURN_CHARS,
)
from core.models import Answer, Turn
from ui import labels
from ui.turn import turn_html, turn_markdown

log = logging.getLogger(__name__)

TURN_ID = r"^t[0-9a-z]{1,16}$"


class SentTurn(BaseModel):
    """An earlier turn as the page sends it; its text is cut, never refused for its length."""

    model_config = ConfigDict(extra="ignore")

    role: str
    content: str = Field(max_length=200_000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(max_length=200_000)
    history: list[SentTurn] = Field(default_factory=list, max_length=1000)
    turn: str = Field(pattern=TURN_ID)
    number: int = Field(1, ge=1, le=1_000_000)


def clean_text(text: str | None) -> str:
    return CONTROL_CHARS.sub(" ", text or "").strip()


def question_error(question: str) -> str | None:
    """Why a question cannot be asked, in Italian; None when it can."""
    if not question.strip():
        return labels.EMPTY
    if CONTROL_CHARS.search(question):
        return labels.CONTROL
    if len(question) > MAX_QUESTION_CHARS:
        return labels.TOO_LONG.format(n=MAX_QUESTION_CHARS, over=len(question) - MAX_QUESTION_CHARS)
    return None


def bounded_history(sent: list[SentTurn]) -> list[Turn]:
    """The last few well-formed turns, each cut to a bound, control characters blanked."""
    turns = [
        Turn(role=t.role, content=clean_text(t.content)[:MAX_UI_TURN_CHARS])  # type: ignore[arg-type]
        for t in sent
        if t.role in ("user", "assistant") and t.content.strip()
    ]
    return turns[-MAX_UI_HISTORY_TURNS:]


def reply(answer: Answer, turn: str, number: int) -> dict[str, Any]:
    """What the page stores and shows for one answer."""
    return {
        "turn": turn,
        "question": answer.question,
        "answer": answer.answer,
        "citations": [c.chunk_id for c in answer.citations],
        "html": turn_html(answer, turn, number),
        "markdown": turn_markdown(answer),
        "timings_ms": answer.timings_ms,
    }


def ask(payload: Any, assistant: Assistant | None) -> dict[str, Any]:
    """The page's question → {"html", "markdown", …} or {"error": message in Italian}."""
    try:
        request = AskRequest.model_validate(payload)
    except ValidationError:
        return {"error": labels.BAD_REQUEST}
    error = question_error(request.question)
    if error:
        return {"error": error}
    if assistant is None:
        return {"error": labels.UNAVAILABLE}
    question = request.question.strip()
    try:
        answer = assistant.ask(question, bounded_history(request.history))
    except Exception:  # the page must stay usable; the log has the details
        log.exception("answering %r failed", question)
        return {"error": labels.UNEXPECTED}
    return reply(answer, request.turn, request.number)
