"""The question log: which questions were asked and which were abstained on, for the gap report.

A row is the question's text, whether the assistant abstained, and when (UTC) — never who asked:
no IP address, user agent or session. It lives in the feedback database, next to the judgements.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from pydantic import BaseModel

from feedback.table import RetainedTable

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    abstained INTEGER NOT NULL CHECK (abstained IN (0, 1))
)
"""


class LoggedQuestion(BaseModel):
    id: int
    created: str
    question: str
    abstained: bool


class QuestionLog(RetainedTable):
    """Questions in one SQLite table (WAL); rows past `retention_days` are deleted (0 = never)."""

    table = "questions"
    schema = SCHEMA

    def record(self, question: str, abstained: bool) -> None:
        """Log one asked question. Best effort: a full disk must not cost the user the answer."""
        try:
            self._purge_if_due()
            with self._connect() as db:
                db.execute(
                    "INSERT INTO questions (created, question, abstained) VALUES (?, ?, ?)",
                    (datetime.now(UTC).isoformat(timespec="seconds"), question, int(abstained)),
                )
        except sqlite3.Error:
            log.exception("question not logged")

    def all(self, abstained_only: bool = False) -> list[LoggedQuestion]:
        """The logged questions, oldest first."""
        where = " WHERE abstained = 1" if abstained_only else ""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT id, created, question, abstained FROM questions{where} ORDER BY id"
            ).fetchall()
        return [
            LoggedQuestion(id=r[0], created=r[1], question=r[2], abstained=bool(r[3])) for r in rows
        ]
