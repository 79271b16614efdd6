"""`/metrics` in the Prometheus format (prometheus-fastapi-instrumentator): requests by route,
status and latency, plus the time each stage of an answer took (retrieve, compose, …)."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Histogram
from prometheus_fastapi_instrumentator import Instrumentator, metrics

STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def instrument(app: FastAPI) -> None:
    """Count and time every request; expose them at /metrics (not in the OpenAPI schema)."""
    # A registry per app: tests build many apps in one process, the global one would clash.
    registry = CollectorRegistry()
    stages = Histogram(
        "piano_answer_stage_seconds",
        "Time spent in each stage of an answer.",
        ["handler", "stage"],
        buckets=STAGE_BUCKETS,
        registry=registry,
    )

    def answer_stages(info: metrics.Info) -> None:
        # Routes leave Answer.timings_ms in the request state (see api.logs.RequestLog).
        timings = info.request.scope.get("state", {}).get("timings_ms") or {}
        for stage, ms in timings.items():
            if stage != "total":
                stages.labels(info.modified_handler, stage).observe(ms / 1000)

    instrumentator = Instrumentator(
        should_group_status_codes=False,  # a 429 or a 413 must not hide among the 4xx
        excluded_handlers=["/metrics"],
        registry=registry,
    )
    instrumentator.add(metrics.default(registry=registry), answer_stages)
    instrumentator.instrument(app).expose(app, include_in_schema=False)
