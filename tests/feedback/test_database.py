"""The feedback database: Alembic brings SQLite and PostgreSQL to the same schema, adopts a file
made before the migrations, and lets several processes open one database at once."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from evals.servers import free_port
from feedback.database import MIGRATIONS, FeedbackDatabase, FeedbackUnavailable, engine_url
from feedback.question_log import QuestionLog
from feedback.schema import metadata
from feedback.store import FeedbackStore

# The schema of the first releases, before Alembic: CREATE TABLE IF NOT EXISTS at every start.
PRE_ALEMBIC = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'ui')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason TEXT,
    citations TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    abstained INTEGER NOT NULL CHECK (abstained IN (0, 1))
);
INSERT INTO feedback (created, channel, question, answer, rating, reason, citations)
VALUES ('2025-07-01T10:00:00+00:00', 'ui', 'Chi ha scritto il Piano?', '…', 'down',
        'Non risponde', '["piano:abc"]');
INSERT INTO questions (created, question, abstained)
VALUES ('2025-07-01T10:00:01+00:00', 'Quanto costa il tram a Napoli?', 1);
"""


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head() or ""


def test_the_migrations_build_exactly_the_declared_schema(feedback_db):
    with feedback_db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == _head()
        # No difference between the migrated tables and feedback/schema.py: a schema change
        # without its migration fails here.
        assert compare_metadata(context, metadata) == []
        indexes = {i["name"] for i in inspect(connection).get_indexes("feedback")}
    assert "ix_feedback_created" in indexes


def test_a_database_made_before_the_migrations_is_adopted_with_its_rows(tmp_path):
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(PRE_ALEMBIC)

    database = FeedbackDatabase(path)
    [row] = FeedbackStore(database).all()
    assert (row.question, row.reason, row.citations) == (
        "Chi ha scritto il Piano?",
        "Non risponde",
        ["piano:abc"],
    )
    assert [q.question for q in QuestionLog(database).all(abstained_only=True)] == [
        "Quanto costa il tram a Napoli?"
    ]
    FeedbackStore(database).add("Dopo la migrazione?", "…", "up")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == _head()
        assert db.execute("SELECT max(id) FROM feedback").fetchone()[0] == 2


def test_many_processes_opening_one_new_database_at_once_all_succeed(database_url):
    """Replicas start together: one migrates, the others wait for it and find it done."""
    opened: list[FeedbackDatabase] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            opened.append(FeedbackDatabase(database_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(opened) == 4
    ids = [FeedbackStore(d).add(f"replica {n}", "…", "up") for n, d in enumerate(opened)]
    assert len(set(ids)) == 4
    for d in opened:
        d.close()


def test_a_postgresql_url_uses_psycopg_3():
    assert engine_url("postgresql://piano:segreta@db:5432/piano").drivername == (
        "postgresql+psycopg"
    )
    assert engine_url("postgres://piano@db/piano").drivername == "postgresql+psycopg"
    assert engine_url("sqlite:////srv/piano/feedback.sqlite").drivername == "sqlite"


def test_a_database_unreachable_at_start_up_is_not_fatal_and_says_so_when_used():
    """Answers do not need this database: a replica starts even when PostgreSQL does not answer."""
    nowhere = f"postgresql://piano:segreta@127.0.0.1:{free_port()}/piano"  # nothing listens
    database = FeedbackDatabase(nowhere)
    with pytest.raises(FeedbackUnavailable) as raised:
        FeedbackStore(database).add("Chi ha scritto il Piano?", "…", "up")
    assert raised.value.fault == "unreachable"
    QuestionLog(database).record("Chi ha scritto il Piano?", False)  # best effort: no raise
