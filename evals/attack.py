"""`make load-attack`: ordinary users next to attackers, on loopback, against a real server with
its default protections (`python -m assistant serve`, rate limit 60/min, no trusted proxy).
The ordinary users first run alone for 15 s, so that their latency under attack reads against
their latency on the same machine at the same time (this one is shared).

30 clients for 30 s (bounded in time and requests), each from its own address in 127.0.0.0/8 so
each has its own rate-limit budget, as distinct users would: ordinary users ask questions (some
follow-ups) and rate one answer in three, pausing as a reader does; attackers loop without pause
on long histories (a pasted page as an earlier turn), Gradio `/run` floods, file uploads to the
UI, spoofed `X-Forwarded-For`/`X-Forwarded-Host` and admin-key guesses. Goal: ordinary questions'
p95 ≤ 2 s and every rating acknowledged with 201 found in the admin export afterwards. Writes
evals/results/load-attack.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from evals.loadtest import copy_index, pct, question_variants, serve

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "evals" / "results" / "load-attack.md"
ADMIN_KEY = "chiave-del-carico"
PAGE = "Il Piano metropolitano per l'economia sociale di Torino prevede molte azioni. " * 240
# How the 30 clients split: ordinary users, then each kind of attacker.
MIX = {
    "ordinary": 8,
    "long history": 6,
    "gradio /run flood": 6,
    "upload": 3,
    "spoofed headers": 4,
    "admin-key guesses": 3,
}

Step = Callable[[httpx.AsyncClient, int], Awaitable[tuple[str, httpx.Response]]]


class Tally:
    def __init__(self) -> None:
        self.statuses: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.latencies_ms: defaultdict[str, list[float]] = defaultdict(list)
        self.acknowledged: list[int] = []  # ids of ratings answered 201


async def ordinary(http: httpx.AsyncClient, n: int, questions: list[str], tally: Tally) -> None:
    question = questions[n % len(questions)]
    history = []
    if n % 4 == 3:  # a follow-up after an earlier exchange
        history = [
            {"role": "user", "content": questions[(n + 1) % len(questions)]},
            {"role": "assistant", "content": "Secondo il Piano…"},
        ]
        question = "E per i giovani?"
    started = time.perf_counter()
    try:
        r = await http.post("/api/ask", json={"question": question, "history": history})
        status = str(r.status_code)
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    # Every attempt counts: a time-out is a slow answer, not a missing one.
    tally.latencies_ms["ordinary /api/ask"].append((time.perf_counter() - started) * 1000)
    tally.statuses["ordinary /api/ask"][status] += 1
    if status == "200":
        if n % 3 == 0:
            body = {"question": question, "answer": r.json()["answer"][:2000], "rating": "up"}
            fb = await http.post("/api/feedback", json=body)
            tally.statuses["ordinary /api/feedback"][str(fb.status_code)] += 1
            if fb.status_code == 201:
                tally.acknowledged.append(fb.json()["id"])


def attacks(questions: list[str]) -> dict[str, Step]:
    async def long_history(http: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        turn = {"role": "user", "content": f"{random.random()} {PAGE}"[:19_000]}
        body = {"question": "E per i giovani?", "history": [turn] * 3}
        return "/api/ask", await http.post("/api/ask", json=body)

    async def gradio_flood(http: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        body = {"data": [questions[n % len(questions)], None]}
        return "/ui/gradio_api/run/chiedi", await http.post("/ui/gradio_api/run/chiedi", json=body)

    async def upload(http: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        files = {"files": (f"carico-{n}.bin", os.urandom(60_000))}
        return "/ui/gradio_api/upload", await http.post("/ui/gradio_api/upload", files=files)

    async def spoofed(http: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        headers = {"X-Forwarded-For": f"198.51.100.{n % 250}", "X-Forwarded-Host": "evil.example"}
        body = {"query": questions[n % len(questions)]}
        return "/api/search", await http.post("/api/search", json=body, headers=headers)

    async def guesses(http: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        headers = {"X-Admin-Key": f"tentativo-{n}", "X-Forwarded-For": f"203.0.113.{n % 250}"}
        return "/api/admin/feedback.csv", await http.get("/api/admin/feedback.csv", headers=headers)

    return {
        "long history": long_history,
        "gradio /run flood": gradio_flood,
        "upload": upload,
        "spoofed headers": spoofed,
        "admin-key guesses": guesses,
    }


async def _client(
    url: str, address: str, kind: str, step: Step | None, questions: list[str], tally: Tally,
    deadline: float, budget: list[int], seed: int,
) -> None:  # fmt: skip
    rng = random.Random(seed)
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=url, timeout=30, transport=transport) as http:
        n = seed
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            n += len(MIX) * 7
            try:
                if step is None:
                    await ordinary(http, n, questions, tally)
                    await asyncio.sleep(rng.uniform(0.5, 1.5))  # reading the answer
                    continue
                path, r = await step(http, n)
                tally.statuses[f"{kind}: {path}"][str(r.status_code)] += 1
            except httpx.HTTPError as exc:
                tally.statuses[f"{kind}: (no answer)"][type(exc).__name__] += 1


async def run_mix(
    url: str,
    seconds: float,
    max_requests: int,
    attackers: bool,
    phase: int,
    spoof_from: str = "127.0.0.1",
) -> tuple[Tally, float]:
    """The mix (or its ordinary users alone) for `seconds`; each phase from its own addresses;
    the spoofers from `spoof_from` (a server alone: 127.0.0.1, the address uvicorn's own default
    believes; behind nginx, which does not count 127.0.0.1, an address from outside)."""
    questions = question_variants(1)
    steps = attacks(questions)
    tally = Tally()
    budget = [max_requests]
    started = time.perf_counter()
    clients = []
    for k, (kind, count) in enumerate(MIX.items()):
        if kind != "ordinary" and not attackers:
            continue
        for i in range(count):
            # Spoofers connect from 127.0.0.1, the address uvicorn's own default believes.
            spoofing = kind in ("spoofed headers", "admin-key guesses")
            address = spoof_from if spoofing else f"127.0.{3 + phase}.{10 * k + i + 1}"
            step = steps.get(kind)
            clients.append(
                _client(url, address, kind, step, questions, tally, started + seconds, budget, k * 100 + i)
            )  # fmt: skip
    await asyncio.gather(*clients)
    return tally, time.perf_counter() - started


def exported_ids(url: str) -> set[int]:
    transport = httpx.HTTPTransport(local_address="127.0.9.1")  # the admin's own address
    with httpx.Client(base_url=url, timeout=60, transport=transport) as http:
        r = http.get("/api/admin/feedback.csv", headers={"X-Admin-Key": ADMIN_KEY})
        r.raise_for_status()
    return {int(row["id"]) for row in csv.DictReader(io.StringIO(r.text))}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(
    alone: Tally,
    tally: Tally,
    elapsed: float,
    exported: set[int],
    kept_files: int,
    load: str,
    cpu: float,
    setup: str = "",
) -> str:
    """The report; `setup` replaces the description of a server alone (evals/attack_replicated)."""
    lat = tally.latencies_ms["ordinary /api/ask"]
    calm = alone.latencies_ms["ordinary /api/ask"]
    answered = tally.statuses["ordinary /api/ask"]["200"]
    lost = sorted(set(tally.acknowledged + alone.acknowledged) - exported)
    rows = [
        f"| {name} | {sum(c.values())} | "
        + ", ".join(f"{s}: {n}" for s, n in sorted(c.items()))
        + " |"
        for name, c in sorted(tally.statuses.items())
    ]
    p95 = pct(lat, 95)
    head = setup or (
        f"`python -m evals.attack` (`make load-attack`) on {datetime.now(UTC):%Y-%m-%d %H:%M} "
        f"UTC: {sum(MIX.values())} clients for {elapsed:.0f} s against a real uvicorn "
        "(`python -m assistant serve`, 1 process, default protections: 60 requests/min per "
        "client address on the doors that work, 600 on the others, no trusted proxy) on "
        "127.0.0.1, each client from its own loopback address (the spoofers from 127.0.0.1, "
        "which uvicorn's own default trusts)."
    )
    return "\n".join(
        [
            "# Attack mix",
            "",
            head + f" Mix: {', '.join(f'{n} {k}' for k, n in MIX.items())}. Ordinary users "
            "pause 0.5–1.5 s between questions and rate one answer in three; attackers never "
            f"pause. Machine: {os.cpu_count()} cores, load before the run: {load}.",
            "",
            f"**Ordinary questions: {len(lat)} asked, {answered} answered (200); over all of "
            f"them p50 {pct(lat, 50)} ms, p95 {p95} ms, p99 {pct(lat, 99)} ms, max "
            f"{round(max(lat), 1) if lat else 0} ms (target p95 ≤ 2000 ms with every one "
            f"answered: {'met' if lat and p95 <= 2000 and answered == len(lat) else 'NOT met'}).** "
            f"The same users alone just before, on the same machine: {len(calm)} questions, p50 "
            f"{pct(calm, 50)} ms, p95 {pct(calm, 95)} ms, so the attack multiplies their p95 by "
            f"{p95 / max(pct(calm, 95), 1):.1f}. Ratings acknowledged (201): "
            f"{len(tally.acknowledged) + len(alone.acknowledged)}; found in the admin export "
            f"afterwards: {len(tally.acknowledged) + len(alone.acknowledged) - len(lost)}; "
            f"lost: {len(lost)}. Uploaded "
            f"files kept in the data directory: {kept_files}. Server CPU during the run: "
            f"{cpu:.1f} s in {elapsed:.0f} s.",
            "",
            "| client: endpoint | requests | statuses |",
            "|---|---|---|",
            *rows,
            "",
            "Latency is measured by the client (queueing included). 429: the per-address rate "
            "limit; 503: long texts beyond the 4 that may wait to be embedded; 403: uploads "
            "refused; 401: wrong admin key; ReadTimeout: no answer within 30 s.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.attack", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0, help="the attack mix")
    parser.add_argument(
        "--calm-seconds", type=float, default=15.0, help="the ordinary users alone, before"
    )
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--data-dir", type=Path, default=None, help="index to copy")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from core.offline import go_offline
    from core.settings import Settings

    go_offline()
    source = args.data_dir or Settings().data_dir
    if not (source / "CURRENT").exists():
        print(f"Nessun indice in {source}: esegui `make index`.", file=sys.stderr)
        return 2
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="piano-attack-") as tmp:
        data_dir = copy_index(source, Path(tmp) / "data")
        server = serve(
            data_dir,
            Path(tmp),
            {
                "PIANO_RATE_LIMIT_PER_MINUTE": "60",
                "PIANO_PAGE_RATE_LIMIT_PER_MINUTE": "600",
                "PIANO_ADMIN_KEY": ADMIN_KEY,
            },
        )
        try:
            alone, _ = asyncio.run(
                run_mix(server.url, args.calm_seconds, args.max_requests, False, 0)
            )
            cpu = cpu_seconds(server.proc.pid)
            tally, elapsed = asyncio.run(
                run_mix(server.url, args.seconds, args.max_requests, True, 1)
            )
            cpu = cpu_seconds(server.proc.pid) - cpu
            exported = exported_ids(server.url)
        finally:
            server.stop()
        kept = sum(1 for p in (data_dir / "gradio_tmp").rglob("carico-*") if p.is_file())
    text = report(alone, tally, elapsed, exported, kept, load, cpu)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    lost = set(tally.acknowledged + alone.acknowledged) - exported
    return 1 if lost or kept else 0


if __name__ == "__main__":
    sys.exit(main())
