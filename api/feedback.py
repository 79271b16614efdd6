"""`POST /api/feedback`: a 👍/👎 on an answer, with an optional reason, into the feedback store.

The one way to rate, for API clients and the chat page alike. Each stored rating comes back with
a token; sent again with the token (`row`), a rating or a reason changes that row instead of
adding one — if the token still fits it (see feedback.tokens), else a new row is stored and
`revised` says so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.asking import request_source
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
from core.paths import FEEDBACK
from feedback.question_log import Source
from feedback.store import Channel, Rating

router = APIRouter(responses=error_responses(*BODY_ROUTE))
TOKEN_PATTERN = r"^[0-9a-f]{64}$"


class RatedRow(BaseModel):
    """A rating stored before, as its response named it."""

    model_config = ConfigDict(extra="forbid")

    id: int = Field(ge=1, le=2**53 - 1)  # exact as a JSON number in any client
    token: str = Field(pattern=TOKEN_PATTERN, description="Il `token` ricevuto con quell'`id`.")


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
    row: RatedRow | None = Field(
        None,
        description="Per cambiare idea (un'altra valutazione, un motivo): la valutazione già "
        "registrata, con il suo token.",
    )

    @field_validator("rating", mode="before")
    @classmethod
    def _known_rating(cls, value: Any) -> Any:
        # Checked before the Literal so the error message is ours, in Italian.
        if value not in ("up", "down"):
            raise ValueError("la valutazione deve essere 'up' oppure 'down'")
        return value


class FeedbackStored(BaseModel):
    id: int = Field(description="La valutazione registrata.")
    token: str = Field(description="Da rimandare in `row` per cambiare questa valutazione.")
    revised: bool = Field(
        False,
        description="true: è stata cambiata la valutazione indicata in `row`; false: è stata "
        "registrata una valutazione nuova (anche quando `row` non corrisponde più a nulla, "
        "per esempio dopo che l'archivio è stato azzerato).",
    )


@router.post(
    FEEDBACK,
    status_code=201,
    response_model=FeedbackStored,
    responses={200: {"model": FeedbackStored}, **error_responses(503, 507)},
)
def add_feedback(
    body: FeedbackRequest,
    response: Response,
    state: Annotated[Services, Depends(services)],
    source: Annotated[Source, Depends(request_source)],
) -> FeedbackStored:
    """Registra una valutazione (👍 'up' / 👎 'down') di una risposta, con un motivo facoltativo.

    Non si memorizzano indirizzi IP né altri dati di chi invia: solo domanda, risposta,
    valutazione, motivo e le fonti citate. Risponde 201 con l'`id` e il `token` della
    valutazione; con `row` (id e token di una valutazione già inviata) la cambia e risponde 200
    con `revised` true. 507 se lo spazio su disco è esaurito, 503 se l'archivio non è
    raggiungibile (la valutazione non è salvata, le risposte continuano a funzionare).
    """
    reason = (body.reason or "").strip()
    if body.row and state.feedback.revise(body.row.id, body.row.token, body.rating, reason):
        response.status_code = 200
        return FeedbackStored(id=body.row.id, token=body.row.token, revised=True)
    channel: Channel = "ui" if source == "chat" else "api"
    stored = state.feedback.add_signed(
        body.question, body.answer, body.rating, reason or None, body.citations, channel=channel
    )
    return FeedbackStored(id=stored.id, token=stored.token)
