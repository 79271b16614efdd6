"""The admin endpoints behind the key, and a reindex that swaps the served index."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from tests.support.documents import SPORTELLO
from tests.support.waiting import WAIT_S

KEY = "una-chiave-lunga-e-segreta"


BANDO = """---
doc_id: "bando-giovani"
title: "Il bando per le imprese sociali giovanili"
source_type: "piano"
---

# Il bando per le imprese sociali giovanili

Il bando per le imprese sociali giovanili scade il 15 ottobre 2025 e finanzia fino a dodici progetti.
"""


def test_without_a_key_there_are_no_admin_endpoints(make_client):
    client = make_client()
    for method, path in [
        ("POST", "/api/admin/reindex"),
        ("GET", "/api/admin/feedback.csv"),
        ("GET", "/api/admin/gap-report"),
    ]:
        r = client.request(method, path, headers={"X-Admin-Key": ""})
        assert r.status_code == 404, path
    assert not [p for p in client.get("/openapi.json").json()["paths"] if "admin" in p]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Admin-Key": "sbagliata"},
        {"Authorization": f"Basic {KEY}"},
        {"Authorization": "Bearer "},
        {"X-Admin-Key": KEY[:-1]},
    ],
    ids=["none", "wrong", "basic", "empty-bearer", "prefix"],
)
def test_admin_refuses_a_missing_or_wrong_key_in_italian(make_client, headers):
    client = make_client(admin_key=KEY, rate_limit_per_minute=0)
    r = client.get("/api/admin/feedback.csv", headers=headers)
    assert r.status_code == 401
    assert "Chiave di amministrazione" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_admin_accepts_the_key_as_header_or_bearer(make_client):
    client = make_client(admin_key=KEY, rate_limit_per_minute=0)
    client.post(
        "/api/feedback",
        json={
            "question": "Quando?",
            "answer": "Il 30 giugno.",
            "rating": "down",
            "reason": "Manca il luogo.",
        },
    )
    by_header = client.get("/api/admin/feedback.csv", headers={"X-Admin-Key": KEY})
    by_bearer = client.get("/api/admin/feedback.csv", headers={"Authorization": f"Bearer {KEY}"})
    assert by_header.status_code == by_bearer.status_code == 200
    assert by_header.headers["content-type"].startswith("text/csv")
    lines = by_header.text.splitlines()
    assert lines[0] == "id,created,channel,rating,question,answer,reason,citations"
    assert lines[1].endswith(",api,down,Quando?,Il 30 giugno.,Manca il luogo.,")


def _wait_reindex(client, timeout: float = WAIT_S) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get("/api/admin/reindex", headers={"X-Admin-Key": KEY}).json()
        if status["state"] != "running":
            return status
        time.sleep(0.2)
    raise AssertionError("the reindex did not finish")


def test_reindex_builds_in_the_background_and_swaps_the_index(make_settings, embedder):
    settings = make_settings(admin_key=KEY, rate_limit_per_minute=0)
    (settings.corpus_dir / "sportello.md").write_text(SPORTELLO, encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/health").status_code == 503  # no index yet
        r = client.post("/api/admin/reindex", headers={"X-Admin-Key": KEY})
        assert r.status_code == 202 and r.json()["state"] == "running"
        busy = client.post("/api/admin/reindex", headers={"X-Admin-Key": KEY})
        assert busy.status_code == 409 and "già in corso" in busy.json()["detail"]
        first = _wait_reindex(client)
        assert first["state"] == "done" and first["served_build"]
        assert client.get("/api/health").json()["documents"] == 1

        before = client.post("/api/ask", json={"question": "Quando scade il bando giovani?"})
        assert before.json()["outcome"] == "not_covered"
        (settings.corpus_dir / "bando.md").write_text(BANDO, encoding="utf-8")
        client.post("/api/admin/reindex", headers={"Authorization": f"Bearer {KEY}"})
        second = _wait_reindex(client)
        assert second["state"] == "done" and second["served_build"] != first["served_build"]
        after = client.post("/api/ask", json={"question": "Quando scade il bando giovani?"})
        assert (
            after.json()["outcome"] != "not_covered" and "15 ottobre 2025" in after.json()["answer"]
        )
        client.app.state.reindexer.wait(30)
