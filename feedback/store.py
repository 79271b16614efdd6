"""Feedback on answers (👍/👎 and an optional reason), in the feedback database."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from feedback import schema
from feedback.table import RetainedTable, utc_now

Rating = Literal["up", "down"]
Channel = Literal["api", "ui"]


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
    """Feedback rows; safe to share between threads, processes and replicas."""

    table = schema.feedback
    _insert = insert(schema.feedback)  # one statement object: compiled once, cached

    def add(
        self,
        question: str,
        answer: str,
        rating: Rating,
        reason: str | None = None,
        citations: list[str] | tuple[str, ...] = (),
        channel: Channel = "api",
    ) -> int:
        """Store one judgement; returns its id. Raises FeedbackUnavailable (disk full,
        database unreachable): the judgement is then not stored."""
        self._purge_if_due()
        row = {
            "created": utc_now(),
            "channel": channel,
            "question": question,
            "answer": answer,
            "rating": rating,
            "reason": reason or None,
            "citations": json.dumps(list(citations), ensure_ascii=False),
        }

        def add(db: Connection) -> int:
            key = db.execute(self._insert, row).inserted_primary_key
            assert key is not None
            return int(key[0])

        return self.database.run(add)

    def update(self, row_id: int, rating: Rating | None = None, reason: str | None = None) -> None:
        """Change the rating and/or the reason of a stored row (the UI's second thoughts)."""
        changes: dict[str, str | None] = {}
        if rating is not None:
            changes["rating"] = rating
        if reason is not None:
            changes["reason"] = reason or None
        if changes:
            statement = update(self.table).where(self.table.c.id == row_id).values(changes)
            self.database.run(lambda db: db.execute(statement))

    def all(self, since: str | None = None) -> list[FeedbackRecord]:
        """Every row (created at or after `since`, if given), oldest first."""
        query = select(self.table).order_by(self.table.c.id)
        if since is not None:
            query = query.where(self.table.c.created >= since)
        rows = self.database.run(lambda db: db.execute(query).mappings().all())
        return [FeedbackRecord(**{**r, "citations": json.loads(r["citations"])}) for r in rows]
