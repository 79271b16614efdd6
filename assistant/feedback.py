"""Feedback on answers (👍/👎 and an optional reason): a small SQLite store and its API route."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_REASON_CHARS = 1000
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 20

PURGE_EVERY_S = 86_400

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


class FeedbackStore:
    """Feedback rows in one SQLite file (WAL); safe to share between threads and processes.

    Rows older than `retention_days` (0 = keep forever) are deleted when the store opens and
    then at most once a day, on a write.
    """

    def __init__(self, path: Path, retention_days: int = 0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.retention_days = retention_days
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)
        self._purged_at = 0.0
        self.purge()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: nothing to share across threads, and a
        # writer waits (busy timeout) instead of failing while another one commits.
        db = sqlite3.connect(self.path, timeout=30.0)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                yield db
        finally:
            db.close()

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
        if time.monotonic() - self._purged_at > PURGE_EVERY_S:
            self.purge()
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

    def purge(self) -> int:
        """Delete the rows older than the retention; returns how many went."""
        self._purged_at = time.monotonic()
        if not self.retention_days:
            return 0
        cutoff = (datetime.now(UTC) - timedelta(days=self.retention_days)).isoformat(
            timespec="seconds"
        )
        with self._connect() as db:
            return db.execute("DELETE FROM feedback WHERE created < ?", (cutoff,)).rowcount

    def count(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

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
