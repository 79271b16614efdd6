"""The feedback store: WAL, updates, concurrent writers lose nothing."""

from __future__ import annotations

import sqlite3
import threading

from feedback.store import FeedbackStore

QUESTION = "Quando è stato presentato il Piano?"

ANSWER = "Secondo la stampa, sulla data: «Lunedì 30 giugno 2025 è stato presentato il Piano.» [1]"


def test_store_uses_wal(store):
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_update_changes_rating_and_reason(store):
    row_id = store.add(QUESTION, ANSWER, "up", channel="ui")
    store.update(row_id, rating="down", reason="Citazione fuori tema.")
    [row] = store.all()
    assert (row.rating, row.reason, row.channel) == ("down", "Citazione fuori tema.", "ui")


def test_concurrent_writers_lose_nothing(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    threads, per_thread = 8, 200
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
