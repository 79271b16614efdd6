"""The deployment, on loopback: a real PostgreSQL, a real `chroma run`, two API replicas
(`python -m assistant serve`) over one published index, and nginx in front with the committed
configuration. Questions through nginx reach both replicas; feedback left on either lands in
one gap report; a build published by the CLI reaches both replicas with no failed request and
no answer mixing two builds; the rate limit holds across replicas; a replica killed under load
costs the clients nothing.

The tests share the stack, in any order: the one that kills a replica starts it again.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pydantic import SecretStr

from evals.gold import load_gold
from evals.loadtest import serve
from evals.postgres import postgres_bin, start_postgres
from evals.servers import QuestionPool, Server, child_env, start_chroma
from indexer.stores import current_build_id
from tests.support.budgets import Budget, until_refused
from tests.support.documents import FONDO, FONDO_QUESTION
from tests.support.indexes import ABSTAINED, ANSWERED, small_index
from tests.support.nginx import client_from, require_nginx, start_nginx
from tests.support.waiting import WAIT_S, wait_for

pytestmark = pytest.mark.slow

KEY = {"X-Admin-Key": "chiave-delle-repliche"}
POLL_S = 0.5


class Stack:
    def __init__(self, settings, postgres, database_url, chroma, replicas, nginx):
        self.settings = settings
        self.postgres = postgres
        self.database_url = database_url
        self.chroma = chroma
        self.replicas: list[Server] = replicas
        self.nginx = nginx
        self.started: list = []  # what the fixture stops at the end

    def env(self) -> dict[str, str]:
        """What every part reads: one data directory, one Chroma, one database."""
        return {
            "PIANO_DATA_DIR": str(self.settings.data_dir),
            "PIANO_CORPUS_DIR": str(self.settings.corpus_dir),
            "PIANO_CHROMA_HOST": "127.0.0.1",
            "PIANO_CHROMA_PORT": str(self.chroma.port),
            "PIANO_DATABASE_URL": self.database_url,
        }


@pytest.fixture(scope="module")
def stack(tmp_path_factory, embedder):
    require_nginx()
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed: `make install-test` installs it")
    root = tmp_path_factory.mktemp("replicas")
    started: list = []
    try:
        postgres = start_postgres(durable=False, timeout=WAIT_S)
        started.append(postgres)
        database_url = postgres.create_database("piano")
        chroma = start_chroma(root / "chroma", timeout=WAIT_S)
        started.append(chroma)
        settings = small_index(
            root, embedder, chroma_host="127.0.0.1", chroma_port=chroma.port
        )  # published once: the vectors in Chroma, the files in the shared data directory
        stack = Stack(settings, postgres, database_url, chroma, [], None)
        stack.started = started
        with ThreadPoolExecutor(2) as pool:  # both load their model at once
            stack.replicas = list(pool.map(lambda n: _replica(stack, n), (1, 2)))
        for replica in stack.replicas:
            assert httpx.get(replica.url + "/api/health").status_code == 200, replica.log
        stack.nginx = start_nginx([r.port for r in stack.replicas])
        started.append(stack.nginx)
        yield stack
    finally:
        for part in reversed(started):
            part.stop()


def _replica(stack: Stack, n: int, port: int | None = None) -> Server:
    """API replica `n` (1 or 2) over the shared data directory, Chroma and database."""
    env = {
        **stack.env(),
        "PIANO_BUILD_POLL_S": str(POLL_S),
        "PIANO_EMBED_THREADS": "1",
        "PIANO_ADMIN_KEY": KEY["X-Admin-Key"],
        # As deployed (deploy/piano.env): the budgets are nginx's, one for both replicas.
        "PIANO_RATE_LIMIT_PER_MINUTE": "0",
        "PIANO_PAGE_RATE_LIMIT_PER_MINUTE": "0",
    }
    root = stack.settings.data_dir.parent
    replica = serve(stack.settings.data_dir, root / f"replica-{n}", env, port=port)
    stack.started.append(replica)
    return replica


def _served(replica: Server, handler: str) -> int:
    """Requests to `handler` the replica answered with 200, from its Prometheus metrics."""
    text = httpx.get(replica.url + "/metrics", timeout=30).text
    labels = rf'[^}}]*handler="{re.escape(handler)}"[^}}]*status="200"[^}}]*'
    found = re.findall(rf"^http_requests_total\{{{labels}\}} (\S+)$", text, flags=re.M)
    return int(sum(float(v) for v in found))


def _served_by_each(stack: Stack, handler: str) -> list[int]:
    return [_served(replica, handler) for replica in stack.replicas]


def _builds(stack: Stack) -> list[str]:
    return [httpx.get(r.url + "/api/health", timeout=30).json()["build"] for r in stack.replicas]


def _chunk_ids(stack: Stack, build_id: str) -> set[str]:
    path = stack.settings.builds_dir / build_id / "chunks.jsonl"
    return {json.loads(line)["chunk_id"] for line in path.read_text().splitlines()}


# --- 1. questions through nginx ------------------------------------------------------------------


def test_questions_through_nginx_are_answered_by_both_replicas(stack):
    before = _served_by_each(stack, "/api/ask")
    with httpx.Client(base_url=stack.nginx.url, timeout=30) as http:
        answers = [
            http.post("/api/ask", json={"question": q})
            for q in [ANSWERED, ABSTAINED, f"Per favore: {ANSWERED}", f"Scusa, {ABSTAINED}"] * 5
        ]
    assert {r.status_code for r in answers} == {200}
    # Answered (or the closest passages shown as such), and declined as not covered.
    assert [r.json()["outcome"] == "not_covered" for r in answers[:2]] == [False, True]
    assert "martedì" in answers[0].json()["answer"]
    published = current_build_id(stack.settings)
    assert _builds(stack) == [published, published]
    assert {r.headers["x-piano-build"] for r in answers} == {published}
    after = _served_by_each(stack, "/api/ask")
    assert all(a > b for a, b in zip(after, before)), (before, after)  # both took a share


# --- 2. one database for what users leave behind -------------------------------------------------


def test_feedback_left_on_either_replica_is_in_one_gap_report(stack):
    with httpx.Client(base_url=stack.nginx.url, timeout=30) as http:  # logged by either replica
        for _ in range(5):
            assert http.post("/api/ask", json={"question": ABSTAINED}).json()["abstained"]
    left = {
        stack.replicas[0].url: "Lo sportello è aperto anche il sabato?",
        stack.replicas[1].url: "Serve un appuntamento per lo sportello?",
        stack.nginx.url: "Chi risponde allo sportello?",
    }
    for url, question in left.items():
        r = httpx.post(
            url + "/api/feedback",
            json={"question": question, "answer": "…", "rating": "down", "reason": "Incompleta"},
            timeout=30,
        )
        assert r.status_code == 201, r.text

    for replica in stack.replicas:  # either replica reports what was left on both
        report = httpx.get(
            replica.url + "/api/admin/gap-report", params={"format": "csv"}, headers=KEY
        )
        assert report.status_code == 200
        rows = list(csv.DictReader(io.StringIO(report.text)))
        reported = {(row["tipo"], row["domanda"]) for row in rows}
        assert {("non utile", q) for q in left.values()} <= reported
        # The abstained questions asked through nginx, logged by whichever replica answered.
        abstained = [row for row in rows if row["domanda"] == ABSTAINED.strip()]
        assert abstained and int(abstained[0]["volte"]) >= 5
    export = httpx.get(stack.replicas[0].url + "/api/admin/feedback.csv", headers=KEY).text
    assert all(q in export for q in left.values())
    assert not list(stack.settings.data_dir.glob("feedback.sqlite*"))  # all in PostgreSQL


# --- 3. publishing a build -----------------------------------------------------------------------


def _ask_until(stop: threading.Event, url: str, question: str, out: list) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        while not stop.is_set():
            try:
                out.append(http.post("/api/ask", json={"question": question}))
            except httpx.HTTPError as exc:  # counted as a failure below
                out.append(exc)


def _answered_from(responses: list) -> set[str]:
    return {r.headers["x-piano-build"] for r in list(responses) if isinstance(r, httpx.Response)}


def test_a_published_build_reaches_both_replicas_with_no_failed_request(stack):
    old = current_build_id(stack.settings)
    (stack.settings.corpus_dir / "fondo.md").write_text(FONDO, encoding="utf-8")
    responses: list = []
    stop = threading.Event()
    askers = [
        threading.Thread(target=_ask_until, args=(stop, stack.nginx.url, q, responses))
        for q in (ANSWERED, FONDO_QUESTION, ANSWERED)
    ]
    for t in askers:
        t.start()
    try:
        wait_for(lambda: old in _answered_from(responses), "no answer from the old build")
        published = subprocess.run(  # the builder: another process, as on another machine
            [sys.executable, "-m", "indexer", "build", "--quiet"],
            env=child_env(stack.env()),
            cwd=stack.settings.data_dir.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert published.returncode == 0, published.stderr
        new = current_build_id(stack.settings)
        assert new != old
        started = time.monotonic()
        wait_for(lambda: _builds(stack) == [new, new], "a replica never served it", every=0.1)
        switched_in = time.monotonic() - started
        wait_for(lambda: new in _answered_from(responses), "no answer from the new build")
    finally:
        stop.set()
        for t in askers:
            t.join(60)

    failed = [r for r in responses if not isinstance(r, httpx.Response) or r.status_code != 200]
    assert responses and not failed, failed[:3]
    seen = {r.headers["x-piano-build"] for r in responses}
    assert seen == {old, new}
    ids = {old: _chunk_ids(stack, old), new: _chunk_ids(stack, new)}
    for r in responses:  # never two builds in one answer
        assert {c["chunk_id"] for c in r.json()["citations"]} <= ids[r.headers["x-piano-build"]]
    for replica in stack.replicas:
        answer = httpx.post(replica.url + "/api/ask", json={"question": FONDO_QUESTION}).json()
        assert "trentamila euro" in answer["answer"]
    print(f"both replicas served build {new} {switched_in:.1f} s after it was published")


# --- 4. the rate limit holds across replicas -----------------------------------------------------


def test_the_rate_limit_counts_a_client_across_both_replicas(stack):
    before = _served_by_each(stack, "/api/search")
    budget = Budget(60)
    with client_from(base_url=stack.nginx.url, timeout=30) as http:
        replies = until_refused(
            lambda: http.post("/api/search", json={"query": "sportello"}), most=600
        )
        # A forged X-Forwarded-For is no new client: nginx counts the address it sees.
        forged = iter(range(1, 255))
        spoof_budget = Budget(60)
        spoofed = until_refused(
            lambda: http.post(
                "/api/search",
                json={"query": "sportello"},
                headers={"X-Forwarded-For": f"198.51.100.{next(forged)}"},
            ),
            most=100,
        )
    after = _served_by_each(stack, "/api/search")
    statuses = [r.status_code for r in replies]
    accepted = len(replies) - 1
    # 60 at once, then one a second (each replica counting alone would have let 120 in); nginx
    # counts the first request against the rate, hence one more.
    assert statuses[:60] == [200] * 60 and set(statuses[:-1]) == {200}, statuses
    assert statuses[-1] == 429 and accepted <= 1 + budget.most_accepted(), statuses
    assert all(a > b for a, b in zip(after, before))  # the budget was spent on both replicas
    assert sum(after) - sum(before) == accepted
    assert spoofed[-1].status_code == 429 and len(spoofed) - 1 <= 1 + spoof_budget.regained()
    refused = spoofed[-1]
    assert "Troppe richieste" in refused.json()["detail"] and refused.headers["retry-after"]


# --- 5. every door of the app's list has a budget behind nginx ---------------------------------


def _knock(http: httpx.Client, door) -> int:
    method = "POST" if "POST" in door.methods else "GET"
    body = {"json": {}} if method == "POST" else {}
    return http.request(method, door.sample(), **body).status_code


def test_every_door_of_the_apps_list_answers_429_past_its_budget_through_nginx(stack):
    from core.serving import ProtectionSettings
    from server.app import create_app

    settings = stack.settings.updated(admin_key=SecretStr(KEY["X-Admin-Key"]))
    app = create_app(settings)
    app.state.ui.built()  # the chat is built at its first visit: its doors join the list then
    doors = app.state.doors
    budgets = ProtectionSettings().budgets
    spend = {"work": ("POST", "/api/feedback"), "page": ("GET", "/api/health")}
    for n, kind in enumerate(("work", "page")):
        # Each kind from an address of its own: a fresh budget, spent on one door of the kind…
        with client_from(f"127.0.0.{3 + n}", base_url=stack.nginx.url, timeout=30) as http:
            method, path = spend[kind]
            spent = 0
            body = {} if method == "POST" else None
            while http.request(method, path, json=body).status_code != 429:
                spent += 1
                assert spent <= 2 * budgets[kind], f"{path} never refused"
            assert spent >= budgets[kind] - 1
            # …then every door of that kind is refused: the budget is one for all of them.
            started, passed, unlimited = time.monotonic(), 0, []
            for door in doors.of_kind(kind):
                for _ in range(20):
                    status = _knock(http, door)
                    if status == 429 or (status == 404 and door.path == "/metrics"):
                        break  # refused, or closed at the edge (nginx's own 404)
                    passed += 1
                else:
                    unlimited.append(door.path)
            elapsed = time.monotonic() - started
        assert not unlimited, unlimited
        # What the zone lets through meanwhile: its rate, one a second for `work`.
        assert passed <= 1 + elapsed * budgets[kind] / 60, (kind, passed, elapsed)


# --- 6. a replica dies under load ----------------------------------------------------------------


def _ask_from_pool(stop: threading.Event, url: str, pool: QuestionPool, out: list) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        while not stop.is_set():
            try:
                out.append(http.post("/api/ask", json={"question": pool.take()}))
            except httpx.HTTPError as exc:  # counted as a failure below
                out.append(exc)


def test_a_replica_killed_under_load_costs_the_clients_nothing(stack):
    pool = QuestionPool([g.question for g in load_gold()], distinct=True)  # none cached
    victim, survivor = stack.replicas[1], stack.replicas[0]
    victim_before = _served(victim, "/api/ask")
    responses: list = []
    stop = threading.Event()
    askers = [
        threading.Thread(target=_ask_from_pool, args=(stop, stack.nginx.url, pool, responses))
        for _ in range(8)
    ]
    for t in askers:
        t.start()
    try:
        wait_for(lambda: _served(victim, "/api/ask") > victim_before + 8, "no load", every=0.1)
        os.kill(victim.proc.pid, signal.SIGKILL)  # mid-answer: no goodbye, connections reset
        victim.proc.wait(10)
        at_kill = _served(survivor, "/api/ask")
        # The survivor goes on answering alone (and answers what was cut off, asked again).
        wait_for(lambda: _served(survivor, "/api/ask") > at_kill + 16, "no answer", every=0.1)
    finally:
        stop.set()
        for t in askers:
            t.join(60)
    try:
        failed = [r for r in responses if not isinstance(r, httpx.Response) or r.status_code != 200]
        assert responses and not failed, failed[:3]
        r = httpx.post(
            stack.nginx.url + "/api/feedback",
            json={"question": "Dopo la caduta?", "answer": "…", "rating": "up"},
            timeout=30,
        )
        assert r.status_code == 201  # a refused connection is skipped for feedback too
    finally:  # the stack whole again for the other tests, nginx sending to both
        stack.replicas[1] = restarted = _replica(stack, 2, port=victim.port)

        def served_again() -> bool:  # nginx skips a failed replica for fail_timeout (10 s)
            httpx.post(stack.nginx.url + "/api/ask", json={"question": ANSWERED}, timeout=30)
            return _served(restarted, "/api/ask") > 0

        wait_for(served_again, "nginx never sent to the restarted replica", every=0.5)


# --- 7. nginx's logs name no client --------------------------------------------------------------


def test_nginx_logs_name_no_client_address(stack):
    with client_from(base_url=stack.nginx.url, timeout=30) as http:
        big = http.post("/api/feedback", content=b"x" * 100_000)  # refused by nginx: 413
        assert big.status_code == 413 and "64 kB" in big.json()["detail"]
        for _ in range(3):  # after the kill above, some of these meet the dead replica first
            http.get("/api/health")
    logs = [stack.nginx.root / name for name in ("error.log", "chiedi-al-piano.error.log")]
    logs += [stack.nginx.root / "chiedi-al-piano.access.log"]
    text = "\n".join(p.read_text(errors="replace") for p in logs if p.exists())
    assert "client:" not in text and "127.0.0.2" not in text, text[-2000:]
