"""The question log: which questions were asked and which were abstained on, for the gap report.

A row is the question's text, whether the assistant abstained, and when (UTC) — never who asked:
no IP address, user agent or session. It lives in the feedback database, next to the judgements.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    abstained INTEGER NOT NULL CHECK (abstained IN (0, 1))
)
"""
DAY_S = 86_400


class LoggedQuestion(BaseModel):
    id: int
    created: str
    question: str
    abstained: bool


class QuestionLog:
    """Questions in one SQLite table (WAL); rows past `retention_days` are deleted (0 = never)."""

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
        db = sqlite3.connect(self.path, timeout=30.0)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                yield db
        finally:
            db.close()

    def record(self, question: str, abstained: bool) -> None:
        """Log one asked question. Best effort: a full disk must not cost the user the answer."""
        try:
            if time.monotonic() - self._purged_at > DAY_S:
                self.purge()
            with self._connect() as db:
                db.execute(
                    "INSERT INTO questions (created, question, abstained) VALUES (?, ?, ?)",
                    (datetime.now(UTC).isoformat(timespec="seconds"), question, int(abstained)),
                )
        except sqlite3.Error:
            log.exception("question not logged")

    def purge(self) -> int:
        """Delete the rows older than the retention; returns how many went."""
        self._purged_at = time.monotonic()
        if not self.retention_days:
            return 0
        cutoff = (datetime.now(UTC) - timedelta(days=self.retention_days)).isoformat(
            timespec="seconds"
        )
        with self._connect() as db:
            return db.execute("DELETE FROM questions WHERE created < ?", (cutoff,)).rowcount

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

    def count(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM questions").fetchone()[0])
