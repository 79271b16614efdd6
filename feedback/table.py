"""One table of the feedback database whose rows expire: the base of the feedback store and
the question log."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Table, delete, func, select

from feedback.database import FeedbackDatabase, FeedbackUnavailable

PURGE_EVERY_S = 24 * 3600


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RetainedTable:
    """Subclasses set `table`; rows older than `retention_days` (0 = keep forever) are deleted
    when the store opens and then at most once a day, on a write."""

    table: Table

    def __init__(self, database: FeedbackDatabase, retention_days: int = 0) -> None:
        self.database = database
        self.retention_days = retention_days
        self._purged_at = 0.0
        try:
            self.purge()
        except FeedbackUnavailable:  # down at start-up: the first write after it tries again
            self._purged_at = 0.0

    @property
    def path(self) -> Path | None:
        """The SQLite file, when the database is one."""
        return self.database.path

    def _purge_if_due(self) -> None:
        if time.monotonic() - self._purged_at > PURGE_EVERY_S:
            self.purge()

    def purge(self) -> int:
        """Delete the rows older than the retention; returns how many went."""
        if not self.retention_days:
            self._purged_at = time.monotonic()
            return 0
        cutoff = (datetime.now(UTC) - timedelta(days=self.retention_days)).isoformat(
            timespec="seconds"
        )

        def purge(db: Connection) -> int:
            return db.execute(delete(self.table).where(self.table.c.created < cutoff)).rowcount

        removed = self.database.run(purge)
        self._purged_at = time.monotonic()
        return removed

    def count(self) -> int:
        return self.database.run(
            lambda db: int(db.execute(select(func.count()).select_from(self.table)).scalar_one())
        )
