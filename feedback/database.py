"""The feedback database, opened here and nowhere else: a pooled SQLAlchemy engine over SQLite (the
embedded default, a file in the data directory) or PostgreSQL (PIANO_DATABASE_URL), its schema
brought to the latest Alembic migration, and the faults it survives at run time.

SQLite is a file, and a file can be deleted, replaced or overwritten while the server runs. The
pool would keep writing into a deleted file (rows lost without a word), so every operation first
checks that the file is still the one that was opened, and reopens it if not; a file that is no
longer a database is moved aside, kept for whoever wants to recover it, and a new one started.
A full disk, or a PostgreSQL that cannot be reached, becomes `FeedbackUnavailable`: the API says
so in Italian, and answering questions does not depend on it.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeVar

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url

log = logging.getLogger(__name__)

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works: every process that migrates this database takes the same lock.
_MIGRATION_LOCK_KEY = 0x50_49_41_4E_4F  # "PIANO"
Fault = Literal["full", "unreachable"]


class FeedbackUnavailable(RuntimeError):
    """The database cannot take the operation now: the disk is `full`, or it is `unreachable`."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault)
        self.fault: Fault = fault


def engine_url(url: str | Path) -> URL:
    """The SQLAlchemy URL of a database: a path is a SQLite file; `postgresql://` means psycopg 3."""
    if isinstance(url, Path):
        return URL.create("sqlite", database=str(url))
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _fault_of(error: exc.DBAPIError) -> str | None:
    """What went wrong, in the terms this module acts on: full, unreachable, damaged, moved."""
    orig = error.orig
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "")
        if name == "SQLITE_FULL" or "disk is full" in str(orig):
            return "full"
        if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "malformed" in str(orig):
            return "damaged"
        if name == "SQLITE_READONLY_DBMOVED" or "no such table" in str(orig):
            return "moved"
        if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_BUSY")):
            return "unreachable"
        return None
    if getattr(orig, "sqlstate", None) == "53100":  # PostgreSQL's disk_full
        return "full"
    if isinstance(error, exc.OperationalError | exc.InterfaceError) or error.connection_invalidated:
        return "unreachable"
    return None


def _unavailable(error: exc.DBAPIError | OSError) -> FeedbackUnavailable | None:
    if isinstance(error, OSError):
        return FeedbackUnavailable("full" if error.errno == errno.ENOSPC else "unreachable")
    fault = _fault_of(error)
    if fault == "full":
        return FeedbackUnavailable("full")
    return FeedbackUnavailable("unreachable") if fault == "unreachable" else None


class FeedbackDatabase:
    """One pooled engine; `run(work)` runs `work(connection)` in a transaction.

    Safe to share between threads; several processes may open the same database (uvicorn
    workers on one SQLite file, replicas on one PostgreSQL): the migrations take a lock.
    """

    def __init__(self, url: str | Path, pool_size: int = 5) -> None:
        self.url = engine_url(url)
        self.pool_size = pool_size
        self.path = Path(self.url.database or "") if self.url.drivername == "sqlite" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._identity: tuple[int, int] | None = None
        self._ready = False
        self.engine = self._new_engine()
        try:
            self._open()
        except (exc.DBAPIError, OSError) as error:
            damaged = isinstance(error, exc.DBAPIError) and _fault_of(error) == "damaged"
            if self.path is not None and damaged:
                self._recover(damaged=True)  # found at start-up: the same remedy as later
            elif _unavailable(error) is None:
                raise
            else:  # not fatal: answers do not need this database; the next use tries again
                log.error("feedback database unavailable at start-up: %s", error)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _new_engine(self) -> Engine:
        pool = {"pool_size": self.pool_size, "max_overflow": 2 * self.pool_size}
        if self.path is None:
            # pre_ping: a PostgreSQL restart must not cost the first requests after it;
            # connect_timeout: a database host that drops packets fails in seconds, not minutes.
            return create_engine(
                self.url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **pool
            )
        # timeout: a writer waits for another one to commit instead of failing at once.
        engine = create_engine(self.url, connect_args={"timeout": 30.0}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _open(self) -> None:
        """Bring the schema to the latest migration (once per process and per file)."""
        self.migrate()
        self._ready = True
        if self.path is not None:
            self._identity = _identity(self.path)

    def migrate(self) -> None:
        """`alembic upgrade head`, under a lock that other processes take too."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if self.path is not None:
            with FileLock(str(self.path) + ".lock", timeout=60), self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            return
        with self.engine.begin() as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def run(self, work: Callable[[Connection], T], durable: bool = True) -> T:
        """`work(connection)` in one transaction, committed if it returns.

        `durable=False`: on PostgreSQL the commit does not wait for the write-ahead log to
        reach the disk (a crash of the database server may lose the last fraction of a second;
        the database stays consistent). SQLite in WAL mode never waits for the disk on commit.
        A SQLite file deleted, replaced or damaged under the server is reopened (moved aside
        if damaged) and `work` runs once more on the new file. A full disk or an unreachable
        server raises FeedbackUnavailable.
        """
        for attempt in (1, 2):
            try:
                self._ensure_current()
                with self.engine.begin() as connection:
                    if not durable and self.path is None:
                        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                    return work(connection)
            except (exc.DBAPIError, OSError) as error:
                if (unavailable := _unavailable(error)) is not None:
                    raise unavailable from error
                assert isinstance(error, exc.DBAPIError)
                fault = _fault_of(error)
                if attempt == 2 or self.path is None or fault not in ("damaged", "moved"):
                    raise
                self._recover(damaged=fault == "damaged")
        raise AssertionError("unreachable")

    def _ensure_current(self) -> None:
        """Reopen when the SQLite file is not the one opened, or when opening failed before."""
        if self._ready and (self.path is None or _identity(self.path) == self._identity):
            return
        with self._lock:
            if not self._ready or (self.path and _identity(self.path) != self._identity):
                if self._ready:
                    log.warning("feedback database %s deleted or replaced: reopened", self.path)
                self._reopen()

    def _reopen(self) -> None:
        self.engine.dispose()
        self.engine = self._new_engine()
        self._open()

    def _recover(self, damaged: bool) -> None:
        """Move a damaged file aside (unless another process already did) and start anew."""
        assert self.path is not None
        with self._lock:
            with FileLock(str(self.path) + ".lock", timeout=60):
                if damaged and self.path.exists() and not _readable(self.path):
                    _move_aside(self.path)
            self._reopen()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(connection: sqlite3.Connection, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint, fast commits
    cursor.close()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def _readable(path: Path) -> bool:
    """Whether the file at `path` still opens as a SQLite database with a readable schema."""
    try:
        with sqlite3.connect(path, timeout=5) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def _move_aside(path: Path) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%f")  # two in one second stay apart
    for suffix in ("", "-wal", "-shm"):
        damaged = path.with_name(path.name + suffix)
        if damaged.exists():
            os.replace(damaged, path.with_name(f"{path.name}.damaged-{stamp}{suffix}"))
    log.error(
        "feedback database unreadable: moved aside as %s.damaged-%s, new one started",
        path.name,
        stamp,
    )
