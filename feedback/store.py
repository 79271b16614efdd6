"""Feedback on answers (👍/👎 and an optional reason): a small SQLite store."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from feedback.table import RetainedTable

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
