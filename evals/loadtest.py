"""`make load`: a bounded load test on loopback. A real uvicorn (`python -m assistant serve`) over a
copy of the index; N async httpx clients on /api/ask and /api/search until S seconds or M requests;
throughput, p50/p95/p99 and every status counted; writes evals/results/load.md.

Goal: no transport error and no 5xx. The per-IP rate limit is off in the served copy (all the load
comes from one address); with `--rate-limit N` it is on and its 429s are counted on their own.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np

from evals.servers import CLOSINGS, LOOPBACK, OPENINGS, Server, child_env, free_port

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "evals" / "results" / "load.md"
ENDPOINTS = ("/api/ask", "/api/search")


def serve(
    data_dir: Path,
    workdir: Path,
    env: dict[str, str] | None = None,
    timeout: float = 180,
    module: str = "assistant",
    port: int | None = None,
) -> Server:
    """`python -m assistant serve` over `data_dir` on a free loopback port (or `port`), logs in
    `workdir` (`module`: another command line that serves the same way, e.g. the tests' gated
    server).

    Ready as soon as /api/health answers at all: 200, or 503 for an index that cannot be served.
    """
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"serve-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "serve", "--host", LOOPBACK, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            start_new_session=True,
            env=child_env({"PIANO_DATA_DIR": str(data_dir), **(env or {})}),
        )
    server = Server(f"{module} serve", proc, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(server.url + "/api/health", timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server never answered:\n{log.read_text(errors='replace')[-3000:]}")


def copy_index(source: Path, target: Path) -> Path:
    """The served build of `source` (CURRENT + its directory), so the test writes nothing there."""
    build_id = (source / "CURRENT").read_text().strip()
    (target / "builds").mkdir(parents=True)
    shutil.copytree(source / "builds" / build_id, target / "builds" / build_id)
    shutil.copy(source / "CURRENT", target / "CURRENT")
    return target


def question_variants(seed: int = 0) -> list[str]:
    """The gold questions with openings and closings: thousands of distinct questions, so the
    server's query-embedding cache does not turn the test into a cache benchmark."""
    from evals.gold import load_gold

    questions = [g.question for g in load_gold() if not g.history]
    variants = [o + q + c for c in CLOSINGS for o in OPENINGS for q in questions]
    random.Random(seed).shuffle(variants)
    return variants


@dataclass
class Tally:
    """What happened to the requests of one endpoint."""

    statuses: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    stages_ms: dict[str, list[float]] = field(default_factory=dict)

    def add(self, status: str, ms: float, timings: dict[str, float] | None) -> None:
        self.statuses[status] += 1
        if status == "200":
            self.latencies_ms.append(ms)
        for stage, value in (timings or {}).items():
            self.stages_ms.setdefault(stage, []).append(value)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def count(self, predicate: str) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith(predicate))


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1) if values else 0.0


async def _client(
    http: httpx.AsyncClient,
    questions: list[str],
    budget: list[int],
    deadline: float,
    tallies: dict[str, Tally],
    rng: random.Random,
    ask_share: float,
) -> None:
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1  # one event loop: no lock needed
        question = questions[budget[0] % len(questions)]
        endpoint = "/api/ask" if rng.random() < ask_share else "/api/search"
        body = {"question": question} if endpoint == "/api/ask" else {"query": question}
        started = time.perf_counter()
        timings = None
        try:
            response = await http.post(endpoint, json=body)
            status = str(response.status_code)
            if response.status_code == 200:
                timings = response.json().get("timings_ms")
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        tallies[endpoint].add(status, (time.perf_counter() - started) * 1000, timings)


async def run_load(
    url: str, clients: int, seconds: float, max_requests: int, ask_share: float = 0.6, seed: int = 0
) -> tuple[dict[str, Tally], float]:
    """`clients` closed-loop clients until `seconds` pass or `max_requests` are sent."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError("the load test only targets 127.0.0.1")
    questions = question_variants(seed)
    tallies = {e: Tally() for e in ENDPOINTS}
    budget = [max_requests]
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        # Warm-up outside the figures: the first answer loads lazily initialised parts.
        await http.post("/api/ask", json={"question": "Quando è stato presentato il Piano?"})
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _client(
                    http, questions, budget, deadline, tallies, random.Random(seed + n), ask_share
                )
                for n in range(clients)
            )
        )
        elapsed = time.perf_counter() - started
    return tallies, elapsed


def report(
    tallies: dict[str, Tally],
    elapsed: float,
    clients: int,
    seconds: float,
    max_requests: int,
    rate_limit: int,
) -> str:
    total = sum(t.total for t in tallies.values())
    rows = []
    for endpoint, t in tallies.items():
        other = t.total - t.count("2") - t.count("429") - t.count("5")
        rows.append(
            f"| `{endpoint}` | {t.total} | {t.count('2')} | {t.count('429')} | {t.count('5')} | "
            f"{other} | {t.total / elapsed:.1f} | {pct(t.latencies_ms, 50)} | "
            f"{pct(t.latencies_ms, 95)} | {pct(t.latencies_ms, 99)} | "
            f"{round(max(t.latencies_ms), 1) if t.latencies_ms else 0} |"
        )
    stages = []
    for endpoint, t in tallies.items():
        for stage, values in t.stages_ms.items():
            stages.append(f"| `{endpoint}` | {stage} | {pct(values, 50)} | {pct(values, 95)} |")
    statuses = Counter[str]()
    for t in tallies.values():
        statuses.update(t.statuses)
    limit = f"{rate_limit}/min per IP (429s counted apart)" if rate_limit else "off (0)"
    return "\n".join(
        [
            "# Load test",
            "",
            f"`python -m evals.loadtest` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {clients} "
            f"concurrent async clients (httpx, closed loop) against a real uvicorn "
            f"(`python -m assistant serve`, 1 process) on 127.0.0.1, for {seconds:.0f} s or "
            f"{max_requests} requests, whichever came first; ~60% `/api/ask`, ~40% `/api/search`; "
            f"{len(question_variants())} distinct questions (gold set × openings/closings), so "
            f"the query-embedding cache rarely helps. Rate limit: {limit}. Questions logged. "
            f"Machine: {_cores()} cores.",
            "",
            f"**{total} requests in {elapsed:.1f} s = {total / elapsed:.1f} req/s; "
            f"{sum(t.count('5') for t in tallies.values())} 5xx; transport errors: "
            f"{sum(n for s, n in statuses.items() if not s.isdigit())}.** "
            f"Statuses: {dict(sorted(statuses.items()))}.",
            "",
            "| endpoint | requests | 2xx | 429 | 5xx | other | req/s | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Latency is measured by the client (queueing included). Server-side stage timings "
            "(`timings_ms` of each answer):",
            "",
            "| endpoint | stage | p50 ms | p95 ms |",
            "|---|---|---|---|",
            *stages,
            "",
        ]
    )


def _cores() -> int:
    import os

    return os.cpu_count() or 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.loadtest", description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=0,
        help="PIANO_RATE_LIMIT_PER_MINUTE of the server (0 = off)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="index to copy (default: PIANO_DATA_DIR, built there if missing)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from core.offline import go_offline
    from core.settings import Settings

    go_offline()
    source = args.data_dir or Settings().data_dir
    if not (source / "CURRENT").exists():
        subprocess.run(
            [sys.executable, "-m", "indexer", "build", "--quiet"],
            check=True,
            env=child_env({"PIANO_DATA_DIR": str(source)}),
            cwd=REPO,
        )
    with tempfile.TemporaryDirectory(prefix="piano-load-") as tmp:
        data_dir = copy_index(source, Path(tmp) / "data")
        server = serve(data_dir, Path(tmp), {"PIANO_RATE_LIMIT_PER_MINUTE": str(args.rate_limit)})
        try:
            tallies, elapsed = asyncio.run(
                run_load(server.url, args.clients, args.seconds, args.max_requests)
            )
        finally:
            server.stop()
    text = report(tallies, elapsed, args.clients, args.seconds, args.max_requests, args.rate_limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    failures = sum(t.total - t.count("2") - t.count("429") for t in tallies.values())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
