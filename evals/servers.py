"""What the bench drives: servers it starts on 127.0.0.1 (uvicorn, `chroma run`) and bounded load.

Every server is a child process on a free loopback port, stopped by its own pid; every load run
is bounded in requests and in seconds and stops by itself. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"

# Ways a user opens or closes a question: combined with the gold questions they give thousands
# of distinct questions, so a "cold" request never hits the query-embedding cache.
OPENINGS = [
    "",
    "Scusa, ",
    "Vorrei sapere: ",
    "Una domanda: ",
    "Secondo i documenti, ",
    "In breve, ",
    "Per favore, ",
    "Mi chiedevo: ",
    "Buongiorno! ",
    "Sul Piano: ",
]
CLOSINGS = ["", " Grazie.", " Rispondi in breve."]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (uvicorn workers), in MiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 2)


@dataclass
class Server:
    """A child process serving on 127.0.0.1:`port`."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def wait_ready(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        raise RuntimeError(f"{self.name} did not become ready on {self.url}{path}:\n{tail}")

    def stop(self) -> None:
        """SIGTERM (uvicorn stops its workers), SIGKILL if it lingers."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _spawn(
    name: str, cmd: list[str], env: dict[str, str], workdir: Path
) -> tuple[subprocess.Popen[bytes], Path]:
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{name}.log"
    with open(log, "wb") as out:  # the child keeps its own handle
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, cwd=workdir, env=env, start_new_session=True
        )
    return proc, log


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The bench's environment for a child: this checkout first on the path, offline, no limits."""
    from core.offline import OFFLINE_ENV

    env = {k: v for k, v in os.environ.items() if not k.startswith("PIANO_")}
    env.update(OFFLINE_ENV)
    env["PYTHONPATH"] = str(REPO)
    # One client IP sends all the load: a per-IP rate limit would measure the limiter.
    env["PIANO_RATE_LIMIT_PER_MINUTE"] = "0"
    env["PIANO_PAGE_RATE_LIMIT_PER_MINUTE"] = "0"
    env.update(extra)
    return env


def start_api(workdir: Path, env: dict[str, str], workers: int = 1, timeout: float = 180) -> Server:
    """`uvicorn --factory server.app:create_app`: the deployment's command, on a free port,
    once it answers /api/health."""
    server = spawn_api(workdir, env, workers)
    server.wait_ready("/api/health", timeout)
    if workers > 1:
        time.sleep(3)  # health answered by one worker; let the others load their index too
    return server


def spawn_api(workdir: Path, env: dict[str, str], workers: int = 1) -> Server:
    """The same command, returned as soon as the process runs."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "server.app:create_app",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--no-proxy-headers",  # as README's command: no proxy in front, none believed
    ]
    proc, log = _spawn(f"api-{port}", cmd, child_env(env), workdir)
    return Server(f"API ({workers} worker)", proc, port, log)


def start_chroma(workdir: Path, timeout: float = 60) -> Server:
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    cmd = [
        str(chroma),
        "run",
        "--path",
        str(workdir / "chroma-db"),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
    ]
    proc, log = _spawn(f"chroma-{port}", cmd, child_env({}), workdir)
    server = Server("chroma run", proc, port, log)
    server.wait_ready("/api/v2/heartbeat", timeout)
    return server


class QuestionPool:
    """Questions to send, thread-safe; `distinct` ones are never repeated (cold embedding cache)."""

    def __init__(self, questions: list[str], distinct: bool, seed: int = 0) -> None:
        rng = random.Random(seed)
        if distinct:
            variants = [o + q + c for c in CLOSINGS for o in OPENINGS for q in questions]
            rng.shuffle(variants)
            self._items = variants
        else:
            self._items = list(questions)
        self._distinct = distinct
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            if self._distinct and self._next >= len(self._items):
                raise RuntimeError("question pool exhausted: a cold figure would be warm")
            item = self._items[self._next % len(self._items)]
            self._next += 1
            return item

    @property
    def left(self) -> int:
        return len(self._items) - self._next if self._distinct else sys.maxsize


@dataclass
class LoadResult:
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def answers_per_s(self) -> float:
        return round(len(self.latencies_ms) / self.seconds, 1) if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return round(float(np.percentile(self.latencies_ms, q)), 1) if self.latencies_ms else 0.0

    def summary(self) -> dict[str, float | int]:
        return {
            "clients": self.clients,
            "answers": len(self.latencies_ms),
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "answers_per_s": self.answers_per_s,
            "p50_ms": self.percentile(50),
            "p95_ms": self.percentile(95),
            "max_ms": round(max(self.latencies_ms), 1) if self.latencies_ms else 0.0,
        }


def run_load(
    urls: Iterable[str],
    pool: QuestionPool,
    clients: int,
    max_requests: int,
    max_seconds: float,
    path: str = "/api/ask",
    body: Callable[[str], dict[str, object]] | None = None,
    ok_status: int = 200,
) -> LoadResult:
    """`clients` threads each send one request at a time (closed loop) until either bound.

    Each request's JSON is `body(question)` (by default a question without history); a request
    counts as answered when it gets `ok_status`."""
    make_body = body or (lambda question: {"question": question, "history": []})
    targets = list(urls)
    assert all(u.startswith(f"http://{LOOPBACK}:") for u in targets), "loopback only"
    lock = threading.Lock()
    result = LoadResult(clients, 0.0)
    sent = [0]
    deadline = time.perf_counter() + max_seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=targets[n % len(targets)], timeout=30) as http:
            while time.perf_counter() < deadline:
                with lock:
                    if sent[0] >= max_requests:
                        return
                    sent[0] += 1
                question = pool.take()
                started = time.perf_counter()
                try:
                    ok = http.post(path, json=make_body(question)).status_code == ok_status
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        result.latencies_ms.append(elapsed)
                    else:
                        result.errors += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + 60)
    result.seconds = time.perf_counter() - started
    return result
