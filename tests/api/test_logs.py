"""Request ids and JSON logs, and the last-resort Italian 500 that names the id instead of a stack trace."""

from __future__ import annotations

import json
import logging
import re

from api.logs import JsonFormatter
from tests.support.waiting import wait_for

QUESTION = {"question": "Quante interviste sono state fatte?"}


def test_an_internal_error_is_an_italian_500_with_the_request_id(make_client, tmp_path, caplog):
    import sqlite3

    client = make_client(rate_limit_per_minute=0)
    # The feedback table remade by hand, wrongly, under a running server: nothing to recover.
    with sqlite3.connect(tmp_path / "data" / "feedback.sqlite") as db:
        db.executescript("DROP TABLE feedback; CREATE TABLE feedback (nota TEXT);")
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


def test_the_server_logs_json_lines_with_request_ids_and_no_addresses(live):
    import httpx

    httpx.post(live.url + "/api/ask", json=QUESTION, headers={"X-Request-ID": "dal-test-live"})

    def logged() -> list[dict]:  # the line may be written just after the response is sent
        lines = [json.loads(x) for x in live.log.read_text().splitlines() if x.startswith("{")]
        return [line for line in lines if line.get("request_id") == "dal-test-live"]

    wait_for(lambda: bool(logged()), "the request was not logged")
    [mine] = logged()
    assert mine["path"] == "/api/ask" and mine["status"] == 200 and "retrieve" in mine["timings_ms"]
    assert "127.0.0.1:" not in live.log.read_text().replace(f"127.0.0.1:{live.port}", "")
