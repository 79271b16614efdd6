"""One SQLite table in WAL mode whose rows expire: the base of the feedback store and question log."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

PURGE_EVERY_S = 24 * 3600


class RetainedTable:
    """Subclasses set `table` and `schema`; rows older than `retention_days` (0 = keep forever)
    are deleted when the store opens and then at most once a day, on a write."""

    table = ""
    schema = ""

    def __init__(self, path: Path, retention_days: int = 0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.retention_days = retention_days
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(self.schema)
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

    def _purge_if_due(self) -> None:
        if time.monotonic() - self._purged_at > PURGE_EVERY_S:
            self.purge()

    def purge(self) -> int:
        """Delete the rows older than the retention; returns how many went."""
        self._purged_at = time.monotonic()
        if not self.retention_days:
            return 0
        cutoff = (datetime.now(UTC) - timedelta(days=self.retention_days)).isoformat(
            timespec="seconds"
        )
        with self._connect() as db:
            return db.execute(f"DELETE FROM {self.table} WHERE created < ?", (cutoff,)).rowcount

    def count(self) -> int:
        with self._connect() as db:
            return int(db.execute(f"SELECT COUNT(*) FROM {self.table}").fetchone()[0])
