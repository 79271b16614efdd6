"""POST /api/feedback through the real app: stored rows, Italian errors, no client address."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from server.app import create_app

QUESTION = "Quando è stato presentato il Piano?"

ANSWER = "Secondo la stampa, sulla data: «Lunedì 30 giugno 2025 è stato presentato il Piano.» [1]"


@pytest.fixture
def api(corpus_settings, assistant, store, tmp_path):
    settings = corpus_settings.updated(**{"data_dir": tmp_path / "data"})
    with TestClient(create_app(settings, assistant)) as client:
        yield client


def test_feedback_is_stored_and_its_id_returned(api, store):
    body = {
        "question": QUESTION,
        "answer": ANSWER,
        "rating": "down",
        "reason": "Mancava il luogo della presentazione.",
        "citations": ["legacoop-presentazione-piano:16014dc8ae22"],
    }
    response = api.post("/api/feedback", json=body)

    assert response.status_code == 201, response.text
    row_id = response.json()["id"]
    [row] = store.all()
    assert row.id == row_id
    assert (row.question, row.answer, row.rating, row.reason) == (
        QUESTION,
        ANSWER,
        "down",
        "Mancava il luogo della presentazione.",
    )
    assert row.citations == ["legacoop-presentazione-piano:16014dc8ae22"]
    assert row.channel == "api"


def test_reason_and_citations_are_optional(api, store):
    response = api.post(
        "/api/feedback", json={"question": QUESTION, "answer": ANSWER, "rating": "up"}
    )
    assert response.status_code == 201, response.text
    [row] = store.all()
    assert (row.rating, row.reason, row.citations) == ("up", None, [])


@pytest.mark.parametrize("rating", ["meh", "UP", "", 1, None])
def test_unknown_rating_is_refused_in_italian(api, store, rating):
    response = api.post(
        "/api/feedback", json={"question": QUESTION, "answer": ANSWER, "rating": rating}
    )
    assert response.status_code == 422
    assert "'up' oppure 'down'" in response.json()["detail"]
    assert store.count() == 0


def test_reason_longer_than_1000_chars_is_refused(api, store):
    ok = api.post(
        "/api/feedback",
        json={"question": QUESTION, "answer": ANSWER, "rating": "down", "reason": "a" * 1000},
    )
    too_long = api.post(
        "/api/feedback",
        json={"question": QUESTION, "answer": ANSWER, "rating": "down", "reason": "a" * 1001},
    )
    assert ok.status_code == 201
    assert too_long.status_code == 422
    assert "troppo lungo" in too_long.json()["detail"]
    assert store.count() == 1


def test_no_client_address_is_stored(api, store):
    api.post(
        "/api/feedback",
        json={"question": QUESTION, "answer": ANSWER, "rating": "up"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    with sqlite3.connect(store.path) as db:
        columns = [c[1] for c in db.execute("PRAGMA table_info(feedback)")]
        dump = "\n".join(db.iterdump())
    assert not {"ip", "client", "address", "user_agent", "session"} & set(columns)
    assert "203.0.113.7" not in dump and "testclient" not in dump


CHAT = {"X-Piano-Source": "chat"}
RATED = {"question": QUESTION, "answer": ANSWER, "citations": ["legacoop-presentazione-piano:1"]}


def test_a_second_thought_with_its_token_changes_that_row_and_no_other(api, store):
    first = api.post("/api/feedback", json={**RATED, "rating": "down"}, headers=CHAT)
    assert first.status_code == 201 and first.json()["revised"] is False
    row = {"id": first.json()["id"], "token": first.json()["token"]}
    again = api.post(
        "/api/feedback",
        json={**RATED, "rating": "up", "reason": "Chiara", "row": row},
        headers=CHAT,
    )
    assert again.status_code == 200 and again.json() == {**row, "revised": True}
    [stored] = store.all()
    assert (stored.rating, stored.reason, stored.channel) == ("up", "Chiara", "ui")

    forged = {"id": row["id"], "token": "0" * 64}
    other = api.post("/api/feedback", json={**RATED, "rating": "down", "row": forged})
    assert other.status_code == 201 and other.json()["id"] != row["id"]
    assert other.json()["revised"] is False
    assert [(r.rating, r.reason, r.channel) for r in store.all()] == [
        ("up", "Chiara", "ui"),
        ("down", None, "api"),
    ]
    bad = api.post("/api/feedback", json={**RATED, "rating": "up", "row": {"id": 1, "token": "x"}})
    assert bad.status_code == 422


def _reset(store) -> None:  # noqa: ANN001
    """The feedback file removed, as the README's recovery says: ids start again at 1."""
    for suffix in ("", "-wal", "-shm"):
        store.path.with_name(store.path.name + suffix).unlink(missing_ok=True)


def test_after_the_archive_is_reset_an_old_token_touches_no_row_and_says_so(api, store):
    """Issue 24 item 2, reproduced first on the code before the fix (ui/ratings.py signed the
    row id only): after the reset the old token flipped another user's rating and wrote its
    reason into it, and with fewer rows the page said "Motivo registrato" with nothing stored."""
    mine = api.post("/api/feedback", json={**RATED, "rating": "down"}, headers=CHAT).json()
    _reset(store)
    theirs = api.post(
        "/api/feedback",
        json={**RATED, "question": "Chi ha scritto il Piano?", "rating": "up"},
        headers=CHAT,
    ).json()
    assert theirs["id"] == mine["id"], "the reset database gives the same id again"

    row = {"id": mine["id"], "token": mine["token"]}
    late = api.post(
        "/api/feedback",
        json={**RATED, "rating": "down", "reason": "Il mio motivo", "row": row},
        headers=CHAT,
    )

    assert late.status_code == 201 and late.json()["revised"] is False
    rows = {r.id: r for r in store.all()}
    assert (rows[theirs["id"]].rating, rows[theirs["id"]].reason) == ("up", None)
    assert rows[late.json()["id"]].reason == "Il mio motivo"  # stored anew, and said so


def test_an_old_token_on_an_empty_reset_archive_stores_anew(api, store):
    mine = api.post("/api/feedback", json={**RATED, "rating": "down"}, headers=CHAT).json()
    _reset(store)
    row = {"id": mine["id"], "token": mine["token"]}
    late = api.post(
        "/api/feedback", json={**RATED, "rating": "up", "reason": "Dopo", "row": row}, headers=CHAT
    )
    assert late.json()["revised"] is False
    assert [(r.rating, r.reason) for r in store.all()] == [("up", "Dopo")]
