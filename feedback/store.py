"""Feedback on answers (👍/👎 and an optional reason), in the feedback database.

A rating stored with a token (`add_signed`) can be revised later by whoever holds the token
(`revise`): the chat's second thoughts, another 👍/👎 or a reason, change that row and no other.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from feedback import schema
from feedback.table import RetainedTable, utc_now
from feedback.tokens import database_key, fits, sign

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


class SignedRating(BaseModel):
    """A stored rating's id and the token that lets its sender revise it."""

    id: int
    token: str


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
        row = self._row(question, answer, rating, reason, citations, channel)
        return self.database.run(lambda db: self._insert_row(db, row))

    def add_signed(
        self,
        question: str,
        answer: str,
        rating: Rating,
        reason: str | None = None,
        citations: list[str] | tuple[str, ...] = (),
        channel: Channel = "api",
    ) -> SignedRating:
        """Like `add`, with the token that lets the sender `revise` this row later."""
        row = self._row(question, answer, rating, reason, citations, channel)
        created = str(row["created"])

        def add(db: Connection) -> SignedRating:
            row_id = self._insert_row(db, row)
            return SignedRating(id=row_id, token=sign(database_key(db), row_id, created, question))

        return self.database.run(add)

    def revise(
        self, row_id: int, token: str, rating: Rating | None = None, reason: str | None = None
    ) -> bool:
        """Change the rating and/or reason of the row `token` was given for; False (nothing
        changed) when the token does not fit that row: a forged one, or one from before the
        database was reset or restored."""
        changes: dict[str, str | None] = {}
        if rating is not None:
            changes["rating"] = rating
        if reason is not None:
            changes["reason"] = reason or None
        t = self.table

        def revise(db: Connection) -> bool:
            row = db.execute(select(t.c.created, t.c.question).where(t.c.id == row_id)).first()
            if row is None or not fits(token, database_key(db), row_id, *row):
                return False
            if changes:
                db.execute(update(t).where(t.c.id == row_id).values(changes))
            return True

        return self.database.run(revise)

    def _row(
        self,
        question: str,
        answer: str,
        rating: Rating,
        reason: str | None,
        citations: list[str] | tuple[str, ...],
        channel: Channel,
    ) -> dict[str, str | None]:
        self._purge_if_due()
        return {
            "created": utc_now(),
            "channel": channel,
            "question": question,
            "answer": answer,
            "rating": rating,
            "reason": reason or None,
            "citations": json.dumps(list(citations), ensure_ascii=False),
        }

    def _insert_row(self, db: Connection, row: dict[str, str | None]) -> int:
        key = db.execute(self._insert, row).inserted_primary_key
        assert key is not None
        return int(key[0])

    def all(self, since: str | None = None) -> list[FeedbackRecord]:
        """Every row (created at or after `since`, if given), oldest first."""
        query = select(self.table).order_by(self.table.c.id)
        if since is not None:
            query = query.where(self.table.c.created >= since)
        rows = self.database.run(lambda db: db.execute(query).mappings().all())
        return [FeedbackRecord(**{**r, "citations": json.loads(r["citations"])}) for r in rows]
