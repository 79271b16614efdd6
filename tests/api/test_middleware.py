"""The protection in front of the routes: the per-IP rate limit, the body limit (chunked too, over real HTTP), CORS closed by default, no client address kept."""

from __future__ import annotations

import json
import logging
import socket

from fastapi.testclient import TestClient

from tests.support.budgets import Budget, assert_spent, until_refused
from tests.support.live_server import ui_event

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
    assert 1 <= int(r.headers["retry-after"]) <= 60  # when the minute window turns
    assert client.get("/api/health").status_code == 200  # reads have a budget of their own
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


def test_every_door_of_the_apps_list_is_refused_past_its_budget(make_client):
    client = make_client(rate_limit_per_minute=2, page_rate_limit_per_minute=3, admin_key="k")
    doors = client.app.state.doors
    spend = {"work": ("POST", "/api/feedback"), "page": ("GET", "/api/health")}
    for kind, budget in (("work", 2), ("page", 3)):
        method, path = spend[kind]
        assert [client.request(method, path).status_code != 429 for _ in range(budget)] == [
            True
        ] * budget
        for door in doors.of_kind(kind):
            method = "POST" if "POST" in door.methods else "GET"
            # A sliding window: at most one more may pass as the minute turns.
            statuses = [client.request(method, door.sample()).status_code for _ in range(2)]
            assert 429 in statuses, (door.path, statuses)
        r = client.request(method, door.sample())
        assert f"al massimo {budget} al minuto" in r.json()["detail"]
        assert 1 <= int(r.headers["retry-after"]) <= 60


def test_the_chat_ui_counts_in_the_same_budgets(make_client):
    client = make_client(rate_limit_per_minute=1, page_rate_limit_per_minute=1)
    page = client.get("/ui/")
    assert page.status_code == 200
    assert client.get("/ui/theme.css").status_code == 429  # the page's files: one budget
    assert client.get("/ui/gradio_api/info").status_code == 429  # a closed door is counted too
    event = ui_event(page.text, "documenti", "s1")
    assert client.post("/ui/gradio_api/run/predict", json=event).status_code == 200
    assert client.post("/api/ask", json=QUESTION).status_code == 429  # one budget with the API


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
