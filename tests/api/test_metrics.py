"""/metrics: Prometheus text with statuses and answer stages."""

from __future__ import annotations

import re

QUESTION = {"question": "Quante interviste sono state fatte?"}


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
