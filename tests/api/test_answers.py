"""The HTTP API through the real FastAPI app: shapes, and every bad input as a clear Italian 4xx."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.limits import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS
from server.app import create_app


def test_ask_returns_a_cited_answer(client):
    r = client.post(
        "/api/ask", json={"question": "Quante interviste sono state fatte nella fase di ascolto?"}
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"answer", "abstained", "mode", "citations", "timings_ms"}
    assert body["mode"] == "extractive" and body["abstained"] is False
    assert "30 interviste" in body["answer"]
    c = body["citations"][0]
    assert set(c) >= {
        "n",
        "doc_id",
        "title",
        "source_type",
        "section",
        "page",
        "url",
        "text",
        "quote",
        "score",
    }
    assert c["quote"] and c["quote"] in c["text"]
    assert set(body["timings_ms"]) == {"retrieve", "compose", "total"}


def test_ask_with_history_and_top_k(client):
    r = client.post(
        "/api/ask",
        json={
            "question": "E chi è intervenuto per la Camera di commercio?",
            "history": [
                {"role": "user", "content": "Quando è stato presentato il Piano?"},
                {"role": "assistant", "content": "Il 30 giugno 2025."},
            ],
            "top_k": 2,
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert "Bolatto" in body["answer"]
    assert len(body["citations"]) <= 2


def test_search_ranks_passages_with_citation_fields(client):
    r = client.post("/api/search", json={"query": "Avventura Urbana", "top_k": 3})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [p["n"] for p in results] == [1, 2, 3]
    assert "Avventura Urbana" in results[0]["text"]
    assert results[0]["score"] >= results[-1]["score"]


def test_documents_and_health(client):
    docs = client.get("/api/documents").json()
    assert {d["meta"]["doc_id"] for d in docs} == {
        "legacoop-presentazione-piano",
        "cmto-pagina-piano",
        "resoconto-ascolto",
        "piano-sintesi",
        "cronache-verso-il-piano",
    }
    assert all(d["chunks"] > 0 for d in docs)
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["documents"] == 5
    assert health["chunks"] == sum(d["chunks"] for d in docs)
    assert health["embedding_model"].startswith("onnx/")
    assert client.get("/docs").status_code == 200
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]


BAD_REQUESTS = [
    ("empty question", {"question": ""}, 422, "vuota"),
    ("blank question", {"question": "   \n\t "}, 422, "vuota"),
    ("too long", {"question": "a" * (MAX_QUESTION_CHARS + 1)}, 422, "troppo lungo"),
    ("missing question", {}, 422, "Manca il campo"),
    ("wrong type", {"question": 42}, 422, "tipo non valido"),
    ("history not a list", {"question": "ciao", "history": "no"}, 422, "tipo non valido"),
    (
        "history too long",
        {
            "question": "ciao",
            "history": [{"role": "user", "content": "x"}] * (MAX_HISTORY_TURNS + 1),
        },
        422,
        "troppo lungo",
    ),
    (
        "bad role",
        {"question": "ciao", "history": [{"role": "system", "content": "x"}]},
        422,
        "'user' oppure 'assistant'",
    ),
    ("NUL", {"question": "ciao\u0000mondo"}, 422, "caratteri di controllo"),
    ("control chars", {"question": "ciao\u001b[31m"}, 422, "caratteri di controllo"),
    ("top_k zero", {"question": "ciao", "top_k": 0}, 422, "fuori intervallo"),
    ("top_k huge", {"question": "ciao", "top_k": 1000}, 422, "fuori intervallo"),
    ("top_k string", {"question": "ciao", "top_k": "tanti"}, 422, "tipo non valido"),
]


@pytest.mark.parametrize("name,body,status,message", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_input_gets_an_italian_4xx(client, name, body, status, message):
    r = client.post("/api/ask", json=body)
    assert r.status_code == status
    assert message in r.json()["detail"]


@pytest.mark.parametrize(
    "raw",
    [b'{"question": "ciao"', b"not json", b'{"question": "ciao\xff"}'],
    ids=["truncated", "not json", "invalid utf-8"],
)
def test_malformed_bodies_get_an_italian_400(client, raw):
    r = client.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)
    assert "JSON" in r.json()["detail"] or "UTF-8" in r.json()["detail"]


def test_search_rejects_blank_query(client):
    r = client.post("/api/search", json={"query": " "})
    assert r.status_code == 422 and "vuota" in r.json()["detail"]


def test_history_within_the_limit_is_trimmed_not_refused(client):
    history = [{"role": "user", "content": f"domanda {i}"} for i in range(MAX_HISTORY_TURNS)]
    r = client.post("/api/ask", json={"question": "Quante interviste?", "history": history})
    assert r.status_code == 200


def test_without_an_index_the_server_says_how_to_build_one(make_settings):
    settings = make_settings()
    with TestClient(create_app(settings)) as c:
        health = c.get("/api/health")
        assert health.status_code == 503
        assert "python -m indexer build" in health.json()["message"]
        r = c.post("/api/ask", json={"question": "Quando è stato presentato il Piano?"})
        assert r.status_code == 503
        assert "indexer build" in r.json()["detail"]
