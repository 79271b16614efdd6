"""Abuse: the per-IP rate limit, the body size limit (chunked too, over real HTTP), CORS closed by
default, no stack trace to clients, request ids and JSON logs, /metrics, and the admin key."""

from __future__ import annotations

import json
import logging
import re
import socket
import time

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant.api import create_app
from assistant.logs import JsonFormatter
from assistant.middleware import RateLimiter

KEY = "una-chiave-lunga-e-segreta"
QUESTION = {"question": "Quante interviste sono state fatte?"}


@pytest.fixture
def make_client(corpus_settings, assistant, tmp_path):
    """A TestClient over the session index with settings overrides; data in tmp_path."""
    opened = []

    def make(client_ip: str = "203.0.113.9", served=None, **overrides):
        if isinstance(overrides.get("admin_key"), str):
            overrides["admin_key"] = SecretStr(overrides["admin_key"])
        settings = corpus_settings.model_copy(update={"data_dir": tmp_path / "data", **overrides})
        c = TestClient(create_app(settings, served or assistant), client=(client_ip, 40000))
        opened.append(c.__enter__())
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)


# --- rate limit -----------------------------------------------------------------------------------


def test_rate_limit_answers_429_in_italian_with_retry_after(make_client):
    client = make_client(rate_limit_per_minute=3)
    statuses = [
        client.post("/api/search", json={"query": "interviste"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 200]
    r = client.post("/api/ask", json=QUESTION)  # one budget for all the answer endpoints
    assert r.status_code == 429
    assert "Troppe richieste" in r.json()["detail"] and "3 al minuto" in r.json()["detail"]
    assert 1 <= int(r.headers["retry-after"]) <= 20
    assert client.get("/api/health").status_code == 200  # health and docs are never limited
    assert client.get("/api/documents").status_code == 200


def test_rate_limit_is_per_client_ip_and_can_be_switched_off(
    make_client, corpus_settings, assistant, tmp_path
):
    first = make_client(rate_limit_per_minute=1)
    assert first.post("/api/search", json={"query": "interviste"}).status_code == 200
    assert first.post("/api/search", json={"query": "interviste"}).status_code == 429
    # Another address through the same app has its own budget.
    other = TestClient(first.app, client=("198.51.100.7", 40000))
    assert other.post("/api/search", json={"query": "interviste"}).status_code == 200

    unlimited = make_client(rate_limit_per_minute=0)
    assert all(
        unlimited.post("/api/search", json={"query": "piano"}).status_code == 200 for _ in range(70)
    )


def test_rate_limiter_refills_evenly_and_forgets_old_clients():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, max_clients=3, clock=lambda: now[0])
    assert all(limiter.take("a") == 0 for _ in range(60))
    wait = limiter.take("a")
    assert 0 < wait <= 1.0  # one token a second
    now[0] += 1.0
    assert limiter.take("a") == 0
    for ip in ("b", "c", "d"):
        limiter.take(ip)
    assert len(limiter) == 3  # "a", least recently seen, was dropped: memory stays bounded


def test_client_addresses_are_neither_logged_nor_stored(make_client, caplog, tmp_path):
    client = make_client(client_ip="203.0.113.77", rate_limit_per_minute=2)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            client.post("/api/ask", json=QUESTION)
        client.post("/api/feedback", json={"question": "q", "answer": "a", "rating": "up"})
    assert "203.0.113.77" not in caplog.text
    assert all("203.0.113.77" not in json.dumps(vars(r), default=str) for r in caplog.records)
    dump = (tmp_path / "data" / "feedback.sqlite").read_bytes()
    assert b"203.0.113.77" not in dump


# --- body size --------------------------------------------------------------------------------------


def test_body_limit_counts_bytes_not_promises(make_client):
    client = make_client(max_body_bytes=2048, rate_limit_per_minute=0)
    at_limit = b'{"question": "' + b"a" * (2048 - 16) + b'"}'
    assert len(at_limit) == 2048
    r = client.post("/api/ask", content=at_limit, headers={"content-type": "application/json"})
    assert r.status_code == 422  # within the body limit: the question's own limit speaks
    over = at_limit[:-2] + b'a"}'
    r = client.post("/api/ask", content=over, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"] == (
        "La richiesta è troppo grande: al massimo 2 kB."
    )
    r = client.post(
        "/api/ask",
        content=b"{}",
        headers={"content-length": "dieci", "content-type": "application/json"},
    )
    assert r.status_code == 400


# --- CORS -----------------------------------------------------------------------------------------


def test_cors_is_closed_by_default(make_client):
    client = make_client()
    origin = {"Origin": "https://evil.example"}
    r = client.get("/api/health", headers=origin)
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]
    preflight = client.options(
        "/api/ask", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]


def test_cors_opens_only_to_the_configured_origins(make_client):
    client = make_client(cors_origins="https://piano.example, https://comune.example")
    ok = client.options(
        "/api/ask",
        headers={"Origin": "https://piano.example", "Access-Control-Request-Method": "POST"},
    )
    assert ok.headers["access-control-allow-origin"] == "https://piano.example"
    other = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


# --- errors: no stack trace, a request id ---------------------------------------------------------


def test_an_internal_error_is_an_italian_500_with_the_request_id(make_client, tmp_path, caplog):
    import shutil

    client = make_client(rate_limit_per_minute=0)
    shutil.rmtree(tmp_path / "data")  # the data directory vanishes under a running server
    with caplog.at_level(logging.ERROR):
        r = client.post(
            "/api/feedback",
            json={"question": "q", "answer": "a", "rating": "up"},
            headers={"X-Request-ID": "caso-500"},
        )
    assert r.status_code == 500
    body = r.json()
    assert body["request_id"] == r.headers["x-request-id"] == "caso-500"
    assert "Errore interno" in body["detail"] and "caso-500" in body["detail"]
    assert "Traceback" not in r.text and "sqlite" not in r.text.lower() and "/tmp" not in r.text
    assert "Traceback" in caplog.text  # the trace goes to the log, tagged with the id
    assert any(
        getattr(rec, "request_id", None) == "caso-500" and rec.exc_info for rec in caplog.records
    )


def test_request_log_is_json_with_the_id_and_stage_timings(make_client, caplog):
    client = make_client(rate_limit_per_minute=0)
    with caplog.at_level(logging.INFO, logger="assistant.requests"):
        r = client.post("/api/ask", json=QUESTION, headers={"X-Request-ID": "richiesta-1"})
    assert r.headers["x-request-id"] == "richiesta-1"
    [record] = [rec for rec in caplog.records if getattr(rec, "path", "") == "/api/ask"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "richiesta-1" and line["status"] == 200
    assert set(line["timings_ms"]) >= {"retrieve", "compose", "total"}
    assert line["duration_ms"] >= line["timings_ms"]["total"]
    fresh = client.get("/api/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)


def test_metrics_are_prometheus_text_with_statuses_and_stages(make_client):
    client = make_client(rate_limit_per_minute=1)
    client.post("/api/ask", json=QUESTION)
    client.post("/api/ask", json=QUESTION)  # 429
    text = client.get("/metrics").text
    assert 'http_requests_total{handler="/api/ask",method="POST",status="200"} 1.0' in text
    assert 'http_requests_total{handler="/api/ask",method="POST",status="429"} 1.0' in text
    assert re.search(
        r'piano_answer_stage_seconds_count\{handler="/api/ask",stage="retrieve"\} 1', text
    )
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


# --- admin ----------------------------------------------------------------------------------------


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


SPORTELLO = """---
doc_id: "sportello-economia-sociale"
title: "Lo sportello per l'economia sociale"
source_type: "istituzionale"
---

# Lo sportello per l'economia sociale

Lo sportello riceve il martedì e il giovedì dalle nove alle tredici, su appuntamento.
"""

BANDO = """---
doc_id: "bando-giovani"
title: "Il bando per le imprese sociali giovanili"
source_type: "piano"
---

# Il bando per le imprese sociali giovanili

Il bando per le imprese sociali giovanili scade il 15 ottobre 2025 e finanzia fino a dodici progetti.
"""


def _wait_reindex(client, timeout: float = 120) -> dict:
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
        assert before.json()["abstained"] is True
        (settings.corpus_dir / "bando.md").write_text(BANDO, encoding="utf-8")
        client.post("/api/admin/reindex", headers={"Authorization": f"Bearer {KEY}"})
        second = _wait_reindex(client)
        assert second["state"] == "done" and second["served_build"] != first["served_build"]
        after = client.post("/api/ask", json={"question": "Quando scade il bando giovani?"})
        assert after.json()["abstained"] is False and "15 ottobre 2025" in after.json()["answer"]
        client.app.state.reindexer.wait(30)


# --- over real HTTP: chunked bodies and the server's log ------------------------------------------


@pytest.fixture(scope="module")
def live(corpus_settings, corpus_index, tmp_path_factory):
    from evals.loadtest import copy_index, serve

    work = tmp_path_factory.mktemp("abuse-live")
    server = serve(
        copy_index(corpus_settings.data_dir, work / "data"), work, {"PIANO_MAX_BODY_BYTES": "4096"}
    )
    yield server
    server.stop()


def _raw_chunked(port: int, chunks: list[bytes]) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for chunk in chunks:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the end: what we want
        received = b""
        while b"\r\n\r\n" not in received:
            data = s.recv(65536)
            if not data:
                break
            received += data
        return received


def test_a_chunked_body_over_the_limit_is_refused_over_real_http(live):
    reply = _raw_chunked(live.port, [b'{"question": "'] + [b"a" * 1000] * 50 + [b'"}'])
    assert reply.startswith(b"HTTP/1.1 413")
    small = _raw_chunked(live.port, [b'{"question": ', b'"Quante interviste sono state fatte?"}'])
    assert small.startswith(b"HTTP/1.1 200")


def test_the_server_logs_json_lines_with_request_ids_and_no_addresses(live):
    import httpx

    httpx.post(live.url + "/api/ask", json=QUESTION, headers={"X-Request-ID": "dal-test-live"})
    time.sleep(0.3)
    lines = [json.loads(line) for line in live.log.read_text().splitlines() if line.startswith("{")]
    [mine] = [line for line in lines if line.get("request_id") == "dal-test-live"]
    assert mine["path"] == "/api/ask" and mine["status"] == 200 and "retrieve" in mine["timings_ms"]
    assert "127.0.0.1:" not in live.log.read_text().replace(f"127.0.0.1:{live.port}", "")
