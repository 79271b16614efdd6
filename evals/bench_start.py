"""The bench's cold start: a new server process, timed from its spawn to /api/health answering
200 and to its first answer, with the CPU time it used until then (what a busy machine does not
change) and its memory (model loaded, chat UI not yet built)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

QUESTION = "Quando è stato presentato il Piano?"
POLL_S = 0.01
GIVE_UP_S = 180.0


def cold_start(workdir: Path, env: dict[str, str], runs: int = 3) -> dict[str, Any]:
    """Medians over `runs` starts (the page cache warm after the first), and each run."""
    from evals.servers import spawn_api

    rows = []
    for run in range(runs):
        started = time.perf_counter()
        server = spawn_api(workdir / f"start-{run}", env)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                healthy = _until_healthy(http, server, started)
                answer = http.post("/api/ask", json={"question": QUESTION, "history": []})
                answered = time.perf_counter() - started
                answer.raise_for_status()
            rows.append(
                {
                    "healthy_s": round(healthy, 2),
                    "first_answer_s": round(answered, 2),
                    "cpu_s": round(cpu_seconds(server.proc.pid), 2),
                    "rss_mb": server.rss_mb(),
                }
            )
        finally:
            server.stop()
    return {
        "runs": rows,
        "healthy_s": statistics.median(r["healthy_s"] for r in rows),
        "first_answer_s": statistics.median(r["first_answer_s"] for r in rows),
        "cpu_s": statistics.median(r["cpu_s"] for r in rows),
    }


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until_healthy(http: httpx.Client, server: Any, started: float) -> float:
    while time.perf_counter() - started < GIVE_UP_S:
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log.read_text()[-2000:]}")
        try:
            if http.get("/api/health").status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(POLL_S)
    raise RuntimeError(f"no healthy server in {GIVE_UP_S:.0f} s")
