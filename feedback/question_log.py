"""The question log: which questions were asked and which were abstained on, for the gap report.

A row is the question's text, whether the assistant abstained, when (UTC) and through which door
it came (the chat page, the HTTP API, the OpenAI-compatible /v1) — never who asked: no IP address,
user agent or session. It lives in the feedback database, next to the judgements.
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

from feedback import schema
from feedback.database import FeedbackUnavailable
from feedback.table import RetainedTable, utc_now

log = logging.getLogger(__name__)

Source = Literal["chat", "api", "v1"]


class LoggedQuestion(BaseModel):
    id: int
    created: str
    question: str
    abstained: bool
    source: Source = "api"


class QuestionLog(RetainedTable):
    """Asked questions; rows past `retention_days` are deleted (0 = never)."""

    table = schema.questions
    _insert = insert(schema.questions)  # one statement object: compiled once, cached

    def record(self, question: str, abstained: bool, source: Source = "api") -> None:
        """Log one asked question. Best effort: a full disk must not cost the user the answer."""
        row = {"created": utc_now(), "question": question, "abstained": abstained, "source": source}
        try:
            self._purge_if_due()
            # Not durable on PostgreSQL: a log line need not wait for the disk (see run()).
            self.database.run(lambda db: db.execute(self._insert, row), durable=False)
        except FeedbackUnavailable as unavailable:
            log.warning("question not logged: feedback database %s", unavailable.fault)
        except SQLAlchemyError:
            log.exception("question not logged")

    def all(self, abstained_only: bool = False, since: str | None = None) -> list[LoggedQuestion]:
        """The logged questions (created at or after `since`, if given), oldest first."""
        query = select(self.table).order_by(self.table.c.id)
        if abstained_only:
            query = query.where(self.table.c.abstained.is_(True))
        if since is not None:
            query = query.where(self.table.c.created >= since)
        rows = self.database.run(lambda db: db.execute(query).mappings().all())
        return [LoggedQuestion(**r) for r in rows]
