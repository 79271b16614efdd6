"""The feedback store on SQLite and on PostgreSQL: updates, concurrent writers lose nothing, the
pool reuses its connections; WAL on SQLite."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading

from sqlalchemy import event

from feedback.database import FeedbackDatabase
from feedback.export import feedback_csv
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore

QUESTION = "Quando è stato presentato il Piano?"

ANSWER = "Secondo la stampa, sulla data: «Lunedì 30 giugno 2025 è stato presentato il Piano.» [1]"


def test_store_uses_wal(store):
    with sqlite3.connect(store.database.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_add_revise_and_read_back(feedback_db):
    store = FeedbackStore(feedback_db)
    signed = store.add_signed(QUESTION, ANSWER, "up", citations=["doc:1", "doc:2"], channel="ui")
    assert store.revise(signed.id, signed.token, rating="down", reason="Citazione fuori tema.")
    [row] = store.all()
    assert (row.id, row.rating, row.reason, row.channel) == (
        signed.id,
        "down",
        "Citazione fuori tema.",
        "ui",
    )
    assert (row.question, row.answer, row.citations) == (QUESTION, ANSWER, ["doc:1", "doc:2"])
    assert store.revise(signed.id, signed.token, reason="")  # an emptied reason is no reason
    assert store.all()[0].reason is None


def test_a_token_revises_its_own_row_only(feedback_db):
    store = FeedbackStore(feedback_db)
    mine = store.add_signed(QUESTION, ANSWER, "up")
    other = store.add_signed("Un'altra domanda?", ANSWER, "up")
    assert not store.revise(other.id, mine.token, rating="down")  # my token, their row
    assert not store.revise(mine.id, "0" * 64, rating="down")  # forged
    assert not store.revise(mine.id + 99, mine.token, rating="down")  # no such row
    assert [r.rating for r in store.all()] == ["up", "up"]


def test_concurrent_writers_lose_nothing(feedback_db):
    store = FeedbackStore(feedback_db)
    threads, per_thread = 8, 100
    errors: list[BaseException] = []

    def write(t: int) -> None:
        try:
            for i in range(per_thread):
                store.add(f"domanda {t}-{i}", "risposta", "up" if i % 2 else "down")
        except BaseException as exc:  # surfaced below: a thread's exception is otherwise lost
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert not errors
    assert store.count() == threads * per_thread
    rows = store.all()
    assert {r.question for r in rows} == {
        f"domanda {t}-{i}" for t in range(threads) for i in range(per_thread)
    }
    assert len({r.id for r in rows}) == threads * per_thread


def test_the_question_log_reuses_pooled_connections(database_url):
    """Before the pool, every logged question opened (and closed) a connection of its own."""
    database = FeedbackDatabase(database_url, pool_size=2)
    log = QuestionLog(database)
    opened = []
    event.listen(database.engine, "connect", lambda *_: opened.append(1))
    for n in range(50):
        log.record(f"domanda {n}?", abstained=n % 2 == 0)
    assert len(log.all()) == 50
    assert len(opened) <= 2
    database.close()


def test_the_csv_export_reads_back_what_was_stored(feedback_db):
    store = FeedbackStore(feedback_db)
    store.add('=HYPERLINK("http://evil.example")', ANSWER, "down", "Fuori tema", ["doc:1", "doc:2"])
    store.add(QUESTION, ANSWER, "up", channel="ui")
    header, first, second = csv.reader(io.StringIO(feedback_csv(store.all())))
    assert header[:4] == ["id", "created", "channel", "rating"] and header[-1] == "citations"
    assert first[2:] == [
        "api",
        "down",
        '\'=HYPERLINK("http://evil.example")',
        ANSWER,
        "Fuori tema",
        "doc:1 doc:2",
    ]
    assert second[2:5] == ["ui", "up", QUESTION] and second[6] == ""


def test_a_restored_file_keeps_its_key_but_a_reused_id_holds_other_content(tmp_path):
    import shutil

    path = tmp_path / "feedback.sqlite"
    database = FeedbackDatabase(path)
    store = FeedbackStore(database)
    store.add_signed("Prima?", ANSWER, "up")
    database.close()
    shutil.copy(path, tmp_path / "copia.sqlite")  # a backup, taken here
    database = FeedbackDatabase(path)
    store = FeedbackStore(database)
    mine = store.add_signed(QUESTION, ANSWER, "down")
    database.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copy(tmp_path / "copia.sqlite", path)  # ... and restored: my row is gone
    store = FeedbackStore(FeedbackDatabase(path))
    theirs = store.add_signed("Un'altra domanda?", ANSWER, "up")
    assert theirs.id == mine.id
    assert not store.revise(mine.id, mine.token, rating="down", reason="mio")
    assert [(r.question, r.rating, r.reason) for r in store.all()][-1] == (
        "Un'altra domanda?",
        "up",
        None,
    )
