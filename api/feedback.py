"""`POST /api/feedback`: a 👍/👎 on an answer, with an optional reason, into the feedback store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.errors import BODY_ROUTE, error_responses
from api.requests import FilledText, PlainText
from api.state import Services, services
from core.limits import (
    MAX_ANSWER_CHARS,
    MAX_CHUNK_ID_CHARS,
    MAX_CITATIONS,
    MAX_QUESTION_CHARS,
    MAX_REASON_CHARS,
)
from feedback.store import Rating

router = APIRouter(responses=error_responses(*BODY_ROUTE))


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "question": "Quando è stato presentato il Piano?",
                    "answer": "Secondo la stampa, sulla data: «Lunedì 30 giugno 2025…» [1]",
                    "rating": "down",
                    "reason": "Mi serviva anche il luogo.",
                    "citations": ["legacoop-presentazione-piano:16014dc8ae22"],
                },
            ]
        },
    )

    question: FilledText = Field(
        max_length=MAX_QUESTION_CHARS,
        description="La domanda a cui si riferisce la valutazione.",
    )
    answer: FilledText = Field(
        max_length=MAX_ANSWER_CHARS, description="Il testo della risposta valutata."
    )
    rating: Rating = Field(description="'up' (utile) oppure 'down' (non utile).")
    reason: PlainText | None = Field(
        None,
        max_length=MAX_REASON_CHARS,
        description=f"Motivo facoltativo (max {MAX_REASON_CHARS} caratteri).",
    )
    citations: list[Annotated[FilledText, Field(max_length=MAX_CHUNK_ID_CHARS)]] = Field(
        default_factory=list,
        max_length=MAX_CITATIONS,
        description="I `chunk_id` delle fonti citate nella risposta.",
    )

    @field_validator("rating", mode="before")
    @classmethod
    def _known_rating(cls, value: Any) -> Any:
        # Checked before the Literal so the error message is ours, in Italian.
        if value not in ("up", "down"):
            raise ValueError("la valutazione deve essere 'up' oppure 'down'")
        return value


class FeedbackCreated(BaseModel):
    id: int


@router.post(
    "/api/feedback",
    status_code=201,
    response_model=FeedbackCreated,
    responses=error_responses(503, 507),
)
def add_feedback(
    body: FeedbackRequest, state: Annotated[Services, Depends(services)]
) -> FeedbackCreated:
    """Registra una valutazione (👍 'up' / 👎 'down') di una risposta, con un motivo facoltativo.

    Non si memorizzano indirizzi IP né altri dati di chi invia: solo domanda, risposta,
    valutazione, motivo e le fonti citate. Risponde 201 con l'`id` della valutazione; 507 se lo
    spazio su disco è esaurito, 503 se l'archivio non è raggiungibile (la valutazione non è
    salvata, le risposte continuano a funzionare).
    """
    reason = (body.reason or "").strip() or None
    return FeedbackCreated(
        id=state.feedback.add(
            body.question, body.answer, body.rating, reason, body.citations, channel="api"
        )
    )
