"""The feedback database fails under a running server (a real uvicorn): a full disk, the SQLite file
deleted or overwritten, PostgreSQL stopped. Feedback gets an Italian 507/503 or is stored in a
new file, never a 500; answers go on; and when the fault is gone, feedback works again without a
restart."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

from evals.loadtest import serve
from evals.postgres import postgres_bin, start_postgres
from feedback.database import FeedbackDatabase
from feedback.store import FeedbackStore
from tests.support.disks import fill, mounted_small_disk
from tests.support.indexes import ABSTAINED, ANSWERED, small_index
from tests.support.waiting import WAIT_S

RATING = {"question": ANSWERED, "answer": "Il martedì e il giovedì.", "rating": "down"}


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    return small_index(tmp_path_factory.mktemp("feedback-faults"), embedder)


def _data_copy(index, target: Path) -> Path:
    shutil.copytree(index.data_dir, target, ignore=shutil.ignore_patterns("feedback.sqlite*"))
    return target


def _rate(url: str, question: str) -> httpx.Response:
    return httpx.post(url + "/api/feedback", json={**RATING, "question": question}, timeout=30)


def _answers(url: str) -> None:
    for question, declined in ((ANSWERED, False), (ABSTAINED, True)):
        r = httpx.post(url + "/api/ask", json={"question": question}, timeout=30)
        assert r.status_code == 200, r.text
        assert (r.json()["outcome"] == "not_covered") is declined


def _questions(path: Path | str) -> list[str]:
    database = FeedbackDatabase(path)
    try:
        return [r.question for r in FeedbackStore(database).all()]
    finally:
        database.close()


# --- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    yield from mounted_small_disk(tmp_path / "disk")


def test_a_full_disk_refuses_feedback_in_italian_and_answers_go_on(index, small_disk, tmp_path):
    data = _data_copy(index, small_disk / "data")
    server = serve(data, tmp_path / "work")
    try:
        assert _rate(server.url, "prima").status_code == 201
        filler = fill(small_disk)

        refused = [_rate(server.url, f"a disco pieno {n}") for n in range(5)]
        assert {r.status_code for r in refused} == {507}
        assert all("spazio su disco" in r.json()["detail"] for r in refused)
        assert all(r.headers["retry-after"] for r in refused)
        _answers(server.url)  # the question log cannot write either: the answers do not care
        assert httpx.get(server.url + "/api/health").status_code == 200

        filler.unlink()
        assert _rate(server.url, "dopo").status_code == 201  # no restart needed
    finally:
        server.stop()
    assert _questions(data / "feedback.sqlite") == ["prima", "dopo"]


# --- the SQLite file deleted or overwritten ------------------------------------------------------


def test_a_feedback_database_deleted_under_the_server_is_started_again(index, tmp_path):
    data = _data_copy(index, tmp_path / "data")
    server = serve(data, tmp_path / "work")
    try:
        assert _rate(server.url, "prima").status_code == 201
        for suffix in ("", "-wal", "-shm"):
            (data / f"feedback.sqlite{suffix}").unlink(missing_ok=True)

        after = [_rate(server.url, f"dopo {n}") for n in range(3)]
        assert [r.status_code for r in after] == [201] * 3
        _answers(server.url)
    finally:
        server.stop()
    # Before, the pool would have gone on writing into the deleted file: rows lost silently.
    assert _questions(data / "feedback.sqlite") == ["dopo 0", "dopo 1", "dopo 2"]


def test_a_feedback_database_overwritten_under_the_server_is_moved_aside(index, tmp_path):
    data = _data_copy(index, tmp_path / "data")
    database = FeedbackDatabase(data / "feedback.sqlite")
    store = FeedbackStore(database)
    for n in range(300):  # big enough that the server reads pages from the file, not its WAL
        store.add(f"vecchia {n}", "…" * 200, "up")
    database.close()
    server = serve(data, tmp_path / "work")
    try:
        _answers(server.url)
        damaged = b"questo non e' piu' un database SQLite " * 200
        (data / "feedback.sqlite").write_bytes(damaged)

        after = [_rate(server.url, f"dopo {n}") for n in range(3)]
        assert [r.status_code for r in after] == [201] * 3
        _answers(server.url)
    finally:
        server.stop()
    [aside] = data.glob("feedback.sqlite.damaged-*[0-9]")
    assert aside.read_bytes() == damaged  # kept for whoever wants to recover it
    assert _questions(data / "feedback.sqlite") == ["dopo 0", "dopo 1", "dopo 2"]
    with sqlite3.connect(data / "feedback.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- PostgreSQL stopped and started again --------------------------------------------------------


def test_a_stopped_postgresql_refuses_feedback_in_italian_until_it_is_back(index, tmp_path):
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed: `make install-test` installs it")
    postgres = start_postgres(durable=False, timeout=WAIT_S)
    try:
        url = postgres.create_database("piano")
        server = serve(
            _data_copy(index, tmp_path / "data"), tmp_path / "work", {"PIANO_DATABASE_URL": url}
        )
        try:
            assert _rate(server.url, "prima").status_code == 201
            postgres.halt()

            refused = _rate(server.url, "durante")
            assert refused.status_code == 503
            assert "non è raggiungibile" in refused.json()["detail"]
            _answers(server.url)

            postgres.resume()
            assert _rate(server.url, "dopo").status_code == 201  # the pool reconnects by itself
        finally:
            server.stop()
        assert _questions(url) == ["prima", "dopo"]
        assert not list((tmp_path / "data").glob("feedback.sqlite*"))  # nothing went to SQLite
    finally:
        postgres.stop()
