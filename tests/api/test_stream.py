"""POST /api/ask/stream (Server-Sent Events) through the real app (the UI's streaming: tests/ui)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from tests.support.fake_llm_server import Reply, number_of

WHEN = "Quando è stato presentato il Piano?"
GOOD = (
    "Il Piano è stato presentato ufficialmente lunedì 30 giugno 2025 nella Sala Panoramica "
    "della Città metropolitana di Torino [{n}]."
)


def _client(corpus_settings, assistant):
    settings = corpus_settings.updated(**{"rate_limit_per_minute": 0})
    return TestClient(create_app(settings, assistant))


@pytest.fixture(scope="module")
def extractive_client(corpus_settings, assistant):
    with _client(corpus_settings, assistant) as c:
        yield c


@pytest.fixture(scope="module")
def llm_client(corpus_settings, llm_assistant):
    with _client(corpus_settings, llm_assistant) as c:
        yield c


def _events(client, body):
    with client.stream("POST", "/api/ask/stream", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = r.read().decode()
    events = []
    for block in raw.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        assert name.startswith("event: ") and data.startswith("data: ")
        events.append((name[len("event: ") :], json.loads(data[len("data: ") :])))
    return events


def test_the_extractive_answer_streams_line_by_line(extractive_client, assistant):
    events = _events(extractive_client, {"question": WHEN})
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"delta"}
    assert len(names) > 4
    done = events[-1][1]
    expected = assistant.ask(WHEN)
    assert "".join(d["text"] for name, d in events if name == "delta") == done["answer"]
    assert done["answer"] == expected.answer and done["mode"] == "extractive"
    assert events[-2][1] == done["citations"]
    assert [c["chunk_id"] for c in done["citations"]] == [c.chunk_id for c in expected.citations]


def test_an_llm_answer_streams_its_verified_sentences(llm_client, llm):
    def reply(request):
        n = number_of(request, "Lunedì 30 giugno 2025")
        return Reply(
            GOOD.format(n=n) + f" Il Piano stanzia 50 milioni [{n}]. "
            f"La presentazione si è tenuta il 30 giugno 2025 [{n}].",
            pieces=7,
        )

    llm.script(reply)
    events = _events(llm_client, {"question": WHEN})
    deltas = [d["text"] for name, d in events if name == "delta"]
    done = events[-1][1]
    assert done["mode"] == "llm"
    assert deltas == [GOOD.format(n=1), " La presentazione si è tenuta il 30 giugno 2025 [1]."]
    assert "".join(deltas) == done["answer"]
    assert len(done["citations"]) == 1


def test_a_failing_llm_streams_the_extractive_answer(llm_client, llm, assistant):
    llm.script(Reply(status=500))
    events = _events(llm_client, {"question": WHEN})
    done = events[-1][1]
    assert done["mode"] == "extractive" and done["answer"] == assistant.ask(WHEN).answer
    assert "".join(d["text"] for name, d in events if name == "delta") == done["answer"]


def test_bad_input_is_refused_before_streaming(extractive_client):
    r = extractive_client.post("/api/ask/stream", json={"question": " "})
    assert r.status_code == 422 and "vuota" in r.json()["detail"]
    assert "/api/ask/stream" in extractive_client.get("/openapi.json").json()["paths"]


def test_sentences_reach_the_client_as_they_are_verified(corpus_settings, llm_assistant, llm):
    """Through the real server and its middlewares: the first sentence arrives while the LLM is
    still writing the second, so nothing on the way buffers the stream."""
    import httpx

    from tests.support.live_server import LiveServer

    def reply(request):
        first = GOOD.format(n=number_of(request, "Lunedì 30 giugno 2025")) + " "
        # Silent after the first sentence and a little of the second, until the test has seen
        # the first sentence arrive.
        return Reply(
            first + "La presentazione si è tenuta il 30 giugno 2025 [1].",
            pieces=4,
            hold_after=len(first) // 4 + 2,
        )

    llm.script(reply)
    settings = corpus_settings.updated(**{"rate_limit_per_minute": 0})
    arrivals = []  # (event, chunks the LLM had written when it arrived)
    with LiveServer(create_app(settings, llm_assistant)) as server:
        try:
            with httpx.stream(
                "POST", f"{server.url}/api/ask/stream", json={"question": WHEN}, timeout=60
            ) as r:
                for line in r.iter_lines():
                    if line.startswith("event: "):
                        arrivals.append((line[len("event: ") :], llm.streamed))
                        if arrivals[-1][0] == "delta":
                            llm.release()
        finally:
            llm.release()
    assert not llm.expired
    (first, written_then), (last, written) = arrivals[0], arrivals[-1]
    assert (first, last) == ("delta", "done")
    assert written_then < written  # the first sentence came before the LLM wrote the rest
