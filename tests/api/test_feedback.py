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
