"""Feedback on answers (👍/👎 and an optional reason): a small SQLite store and its API route."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.sqlite_table import RetainedTable

MAX_REASON_CHARS = 1000
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 20

Rating = Literal["up", "down"]
Channel = Literal["api", "ui"]

# No IP address, user agent or session id: a row says what was asked, answered and judged.
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'ui')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason TEXT,
    citations TEXT NOT NULL DEFAULT '[]'
)
"""


class FeedbackRecord(BaseModel):
    """One stored judgement of one answer."""

    id: int
    created: str = Field(description="UTC time, ISO 8601.")
    channel: Channel
    question: str
    answer: str
    rating: Rating
    reason: str | None = None
    citations: list[str] = Field(default_factory=list)


class FeedbackStore(RetainedTable):
    """Feedback rows in one SQLite file (WAL); safe to share between threads and processes."""

    table = "feedback"
    schema = SCHEMA

    def add(
        self,
        question: str,
        answer: str,
        rating: Rating,
        reason: str | None = None,
        citations: list[str] | tuple[str, ...] = (),
        channel: Channel = "api",
    ) -> int:
        """Store one judgement; returns its id."""
        self._purge_if_due()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created, channel, question, answer, rating, reason, citations)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    channel,
                    question,
                    answer,
                    rating,
                    reason or None,
                    json.dumps(list(citations), ensure_ascii=False),
                ),
            )
            row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def update(self, row_id: int, rating: Rating | None = None, reason: str | None = None) -> None:
        """Change the rating and/or the reason of a stored row (the UI's second thoughts)."""
        with self._connect() as db:
            if rating is not None:
                db.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, row_id))
            if reason is not None:
                db.execute("UPDATE feedback SET reason = ? WHERE id = ?", (reason or None, row_id))

    def all(self) -> list[FeedbackRecord]:
        """Every row, oldest first."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [
            FeedbackRecord(**{**dict(r), "citations": json.loads(r["citations"])}) for r in rows
        ]


# --- API -------------------------------------------------------------------------------------


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

    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        description="La domanda a cui si riferisce la valutazione.",
    )
    answer: str = Field(
        max_length=MAX_ANSWER_CHARS, description="Il testo della risposta valutata."
    )
    rating: Rating = Field(description="'up' (utile) oppure 'down' (non utile).")
    reason: str | None = Field(
        None,
        max_length=MAX_REASON_CHARS,
        description=f"Motivo facoltativo (max {MAX_REASON_CHARS} caratteri).",
    )
    citations: list[str] = Field(
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


def feedback_router(get_store: Callable[[], FeedbackStore]) -> APIRouter:
    """The `POST /api/feedback` route over the store that `get_store` returns at request time."""
    router = APIRouter()

    @router.post("/api/feedback", status_code=201, response_model=FeedbackCreated)
    def add_feedback(
        body: FeedbackRequest,
        store: FeedbackStore = Depends(get_store),  # noqa: B008
    ) -> FeedbackCreated:
        """Registra una valutazione (👍 'up' / 👎 'down') di una risposta, con un motivo facoltativo.

        Non si memorizzano indirizzi IP né altri dati di chi invia: solo domanda, risposta,
        valutazione, motivo e le fonti citate. Risponde 201 con l'`id` della valutazione.
        """
        reason = (body.reason or "").strip() or None
        return FeedbackCreated(
            id=store.add(
                body.question, body.answer, body.rating, reason, body.citations, channel="api"
            )
        )

    return router
