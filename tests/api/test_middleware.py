"""The protection in front of the routes: the per-IP rate limit, the body limit (chunked too, over real HTTP), CORS closed by default, no client address kept."""

from __future__ import annotations

import json
import logging
import socket

from fastapi.testclient import TestClient

from api.middleware import RateLimiter
from tests.support.budgets import Budget, assert_spent, until_refused

QUESTION = {"question": "Quante interviste sono state fatte?"}


def test_rate_limit_answers_429_in_italian_with_retry_after(make_client):
    client = make_client(rate_limit_per_minute=3)
    budget = Budget(3)
    searches = until_refused(
        lambda: client.post("/api/search", json={"query": "interviste"}), most=30
    )
    assert_spent(searches, budget)
    # One budget for all the answer endpoints: what the searches spent, /api/ask cannot spend.
    asks = until_refused(lambda: client.post("/api/ask", json=QUESTION), most=3)
    r = asks[-1]
    assert r.status_code == 429 and len(searches) + len(asks) - 2 <= budget.most_accepted()
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


def _raw_chunked(port: int, chunks: list[bytes]) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
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
