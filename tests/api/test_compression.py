"""Responses travel gzipped to a client that accepts it, from a size up; an answer's stream never
is, and leaves event by event."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import GZIP_MINIMUM_BYTES
from server.app import create_app

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
WHEN = "Quando è stato presentato il Piano?"


@pytest.mark.parametrize("path", ["/ui/", "/api/measures", "/openapi.json"])
def test_the_chat_page_and_large_json_come_gzipped_when_asked(client, path):
    zipped = client.get(path, headers=GZIP)
    plain = client.get(path, headers=PLAIN)

    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.content == plain.content  # httpx decodes what it downloaded
    assert len(plain.content) > GZIP_MINIMUM_BYTES
    assert zipped.num_bytes_downloaded < plain.num_bytes_downloaded / 2


def test_a_small_reply_is_not_worth_compressing(client):
    health = client.get("/api/health", headers=GZIP)

    assert len(health.content) < GZIP_MINIMUM_BYTES
    assert "content-encoding" not in health.headers


def test_the_answer_stream_leaves_event_by_event_and_uncompressed(corpus_settings, assistant):
    app = create_app(corpus_settings.updated(rate_limit_per_minute=0), assistant)
    sent: list[dict] = []

    async def recording(scope, receive, send):  # what the server would write, message by message
        async def record(message):
            if scope["type"] == "http" and scope["path"] == "/api/ask/stream":
                sent.append(message)
            await send(message)

        await app(scope, receive, record)

    with TestClient(recording) as client:
        reply = client.post("/api/ask/stream", json={"question": WHEN}, headers=GZIP)

    start, *bodies = sent
    assert reply.status_code == 200
    assert b"content-encoding" not in dict(start["headers"])
    events = [m["body"].decode() for m in bodies if m.get("body")]
    assert len(events) > 4
    assert all(e.startswith("event: ") and e.count("event: ") == 1 for e in events)
    assert all(e.endswith("\n\n") for e in events)
    assert "".join(events) == reply.text
