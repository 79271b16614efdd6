"""Faults with a real uvicorn serving: a reindex killed mid-way changes no answer; a missing or
damaged data directory gives a clear message and a 503 health, not a crash loop; an LLM endpoint
that is down gives extractive answers; 10,000 feedback rows from concurrent clients all arrive."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from evals.loadtest import serve
from evals.servers import free_port
from feedback.database import FeedbackDatabase
from feedback.store import FeedbackStore
from indexer.build import build_index
from indexer.stores import current_build_id
from server.app import create_app
from tests.support.builds import (
    CONSULTAZIONE,
    THIRD_BATCH_SENTENCE,
    kill_build_at,
    rete_dei_comuni,
)
from tests.support.documents import FONDO, SPORTELLO
from tests.support.gates import Gate
from tests.support.waiting import wait_for

GATED = "tests.support.gated"  # the real server, its embedding model behind the test's gate

QUESTIONS = [
    "In quali giorni riceve lo sportello?",
    "Quante proposte ha raccolto la consultazione online?",
    "Chi offre consulenza gratuita per fondare una cooperativa sociale?",
    "Quanto costa il biglietto del tram a Napoli?",  # abstained
]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, embedder):
    """Two documents, indexed once; tests copy the data directory before touching it."""
    root = tmp_path_factory.mktemp("faults")
    settings = Settings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data")
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "sportello.md").write_text(SPORTELLO, encoding="utf-8")
    (settings.corpus_dir / "consultazione.md").write_text(CONSULTAZIONE, encoding="utf-8")
    build_index(settings, embedder, progress=False)
    return settings


def _copy(small_index: Settings, target: Path) -> Settings:
    shutil.copytree(small_index.corpus_dir, target / "corpus")
    shutil.copytree(small_index.data_dir, target / "data")
    return small_index.updated(**{"corpus_dir": target / "corpus", "data_dir": target / "data"})


def _answers(url: str) -> list[tuple[str, bool, list[str]]]:
    out = []
    for q in QUESTIONS:
        r = httpx.post(url + "/api/ask", json={"question": q}, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        out.append((body["answer"], body["abstained"], [c["chunk_id"] for c in body["citations"]]))
    return out


# --- a reindex killed mid-way ------------------------------------------------------------------


def test_a_reindex_killed_mid_way_changes_no_answer(small_index, tmp_path):
    settings = _copy(small_index, tmp_path)
    env = {"PIANO_CORPUS_DIR": str(settings.corpus_dir)}
    server = serve(settings.data_dir, tmp_path / "work", env)
    try:
        before = _answers(server.url)
        build_before = httpx.get(server.url + "/api/health").json()["index_built"]
        served: list[object] = []
        stop = threading.Event()

        def keep_asking() -> None:  # the server keeps answering while the build runs and dies
            while not stop.is_set():
                try:
                    served.append(_answers(server.url))
                except Exception as exc:  # a thread's failure would otherwise go unseen
                    served.append(repr(exc))

        asker = threading.Thread(target=keep_asking)
        asker.start()
        (settings.corpus_dir / "rete.md").write_text(rete_dei_comuni(), encoding="utf-8")
        gate = Gate(tmp_path / "gate")
        gate.hold("frasi", THIRD_BATCH_SENTENCE)  # killed with its sentences half embedded

        def answered_while_held() -> None:
            rounds = len(served)
            wait_for(lambda: len(served) > rounds, "no answers while the build ran")

        try:
            kill_build_at(settings, gate, "frasi", tmp_path / "build.log", answered_while_held)
        finally:
            stop.set()
            asker.join(60)
        assert served and all(round_ == before for round_ in served)
        assert _answers(server.url) == before
        assert httpx.get(server.url + "/api/health").json()["index_built"] == build_before
    finally:
        server.stop()

    restarted = serve(settings.data_dir, tmp_path / "work", env)  # the killed build left debris
    try:
        assert _answers(restarted.url) == before
    finally:
        restarted.stop()


def test_a_server_killed_during_an_admin_reindex_restarts_on_the_old_index(small_index, tmp_path):
    settings = _copy(small_index, tmp_path)
    env = {"PIANO_CORPUS_DIR": str(settings.corpus_dir), "PIANO_ADMIN_KEY": "chiave-guasti"}
    key = {"X-Admin-Key": "chiave-guasti"}
    old_build = current_build_id(settings)
    gate = Gate(tmp_path / "gate")
    gate.hold("frasi", THIRD_BATCH_SENTENCE)
    server = serve(settings.data_dir, tmp_path / "work", {**env, **gate.env()}, module=GATED)
    try:
        before = _answers(server.url)
        (settings.corpus_dir / "rete.md").write_text(rete_dei_comuni(), encoding="utf-8")
        assert httpx.post(server.url + "/api/admin/reindex", headers=key).status_code == 202
        # Held while it embeds the new document's sentences: killed mid-way, on any machine.
        gate.wait_reached("frasi", alive=lambda: server.proc.poll() is None)
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(10)
    finally:
        server.stop()
    assert current_build_id(settings) == old_build

    restarted = serve(settings.data_dir, tmp_path / "work", env)
    try:
        assert _answers(restarted.url) == before
        assert httpx.post(restarted.url + "/api/admin/reindex", headers=key).status_code == 202

        def reindex() -> dict:
            return httpx.get(restarted.url + "/api/admin/reindex", headers=key).json()

        wait_for(lambda: reindex()["state"] != "running", "the reindex never ended", every=0.3)
        status = reindex()
        assert status["state"] == "done" and status["served_build"] != old_build
        r = httpx.post(
            restarted.url + "/api/ask",
            timeout=30,
            json={"question": "Quante volte si è riunito il tavolo di Ivrea?"},
        )
        assert "Ivrea" in r.json()["answer"]
    finally:
        restarted.stop()


# --- a missing or damaged data directory ---------------------------------------------------------


def _current(settings: Settings) -> Path:
    return settings.builds_dir / str(current_build_id(settings))


def _truncate_mid_line(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _drop_last_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


DAMAGE = {
    "CURRENT points nowhere": (
        lambda s: (s.data_dir / "CURRENT").write_text("20990101T000000\n"),
        "Nessun indice",
    ),
    "CURRENT empty": (lambda s: (s.data_dir / "CURRENT").write_text(""), "Nessun indice"),
    "manifest.json garbage": (
        lambda s: (_current(s) / "manifest.json").write_text("{non è json"),
        "danneggiato",
    ),
    "chunks.jsonl cut mid-line": (
        lambda s: _truncate_mid_line(_current(s) / "chunks.jsonl"),
        "danneggiato",
    ),
    "chunks.jsonl missing its last line": (
        lambda s: _drop_last_line(_current(s) / "chunks.jsonl"),
        "danneggiato",
    ),
    "sentences.npy missing": (lambda s: (_current(s) / "sentences.npy").unlink(), "danneggiato"),
    "sentences.npy short": (
        lambda s: np.save(_current(s) / "sentences.npy", np.zeros((1, 384), dtype=np.float32)),
        "danneggiato",
    ),
    "Chroma directory gone": (lambda s: shutil.rmtree(_current(s) / "chroma"), "danneggiato"),
}


# With a damaged CURRENT pointer and a sound build, that build is served (see the fallback test).
BUILD_DAMAGE = [d for d in DAMAGE if not d.startswith("CURRENT")]


@pytest.mark.parametrize("damage", BUILD_DAMAGE, ids=BUILD_DAMAGE)
def test_a_damaged_index_gives_a_clear_503_and_the_rest_keeps_working(
    small_index, tmp_path, damage, caplog
):
    settings = _copy(small_index, tmp_path)
    breaks, words = DAMAGE[damage]
    breaks(settings)
    with caplog.at_level("ERROR"), TestClient(create_app(settings)) as client:
        health = client.get("/api/health")
        assert health.status_code == 503
        message = health.json()["message"]
        assert words in message and "python -m indexer build" in message
        assert "Traceback" not in message
        ask = client.post("/api/ask", json={"question": QUESTIONS[0]})
        assert ask.status_code == 503 and ask.json()["detail"] == message
        feedback = client.post(
            "/api/feedback", json={"question": "q", "answer": "a", "rating": "up"}
        )
        assert feedback.status_code == 201  # feedback does not need the index
    assert any(r.levelname == "ERROR" and r.name == "server.startup" for r in caplog.records)


@pytest.fixture(scope="module")
def two_builds(small_index, tmp_path_factory, embedder):
    """small_index, then a second build with one more document: the first stays beside it."""
    settings = _copy(small_index, tmp_path_factory.mktemp("two-builds"))
    first = current_build_id(settings)
    (settings.corpus_dir / "fondo.md").write_text(FONDO, encoding="utf-8")
    build_index(settings, embedder, progress=False)
    assert current_build_id(settings) != first and (settings.builds_dir / first).exists()
    return settings, first


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_current_build_falls_back_to_the_last_good_one_and_says_so(
    two_builds, tmp_path, damage
):
    built, first = two_builds
    settings = _copy(built, tmp_path)
    second = current_build_id(settings)
    DAMAGE[damage][0](settings)
    with TestClient(create_app(settings)) as client:
        health = client.get("/api/health")
        assert health.status_code == 200, health.text
        served = health.json()["build"]
        if damage in ("CURRENT points nowhere", "CURRENT empty"):
            assert served in (first, second)  # the newest build that is sound
        else:
            assert served == first and health.json()["status"] == "degraded"
            assert first in health.json()["message"] and "integro" in health.json()["message"]
        ask = client.post("/api/ask", json={"question": QUESTIONS[0]})
        assert ask.status_code == 200 and "martedì" in ask.json()["answer"]
        assert ask.headers["x-piano-build"] == served


def test_an_unreadable_feedback_database_is_moved_aside_not_fatal(small_index, tmp_path):
    settings = _copy(small_index, tmp_path)
    damaged = b"questo non e' un database SQLite" * 100
    (settings.data_dir / "feedback.sqlite").write_bytes(damaged)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/health").status_code == 200
        r = client.post("/api/feedback", json={"question": "q", "answer": "a", "rating": "up"})
        assert r.status_code == 201
    [aside] = settings.data_dir.glob("feedback.sqlite.damaged-*")
    assert aside.read_bytes() == damaged  # kept for whoever wants to recover it
    assert FeedbackStore(FeedbackDatabase(settings.data_dir / "feedback.sqlite")).count() == 1


def test_the_real_server_starts_unhealthy_on_a_damaged_index_and_stays_up(small_index, tmp_path):
    settings = _copy(small_index, tmp_path)
    (_current(settings) / "manifest.json").write_text("garbage")
    server = serve(settings.data_dir, tmp_path / "work")
    try:
        health = httpx.get(server.url + "/api/health")
        assert health.status_code == 503 and "danneggiato" in health.json()["message"]
        errors = [
            json.loads(line)
            for line in server.log.read_text().splitlines()
            if line.startswith("{") and '"ERROR"' in line
        ]
        assert any(e["logger"] == "server.startup" for e in errors)
        # Started up, logged, and still answering: no crash, so no crash loop under a supervisor.
        assert httpx.get(server.url + "/api/health").status_code == 503
        assert server.proc.poll() is None
    finally:
        server.stop()


# --- the LLM endpoint is down ----------------------------------------------------------------------


def test_an_llm_endpoint_that_is_down_gives_extractive_answers(small_index, tmp_path):
    settings = _copy(small_index, tmp_path)
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    server = serve(
        settings.data_dir,
        tmp_path / "work",
        {"PIANO_LLM_BASE_URL": dead, "PIANO_LLM_TIMEOUT_S": "3"},
    )
    try:
        r = httpx.post(server.url + "/api/ask", json={"question": QUESTIONS[0]}, timeout=30)
        assert r.status_code == 200
        body = r.json()
        assert body["mode"] == "extractive" and "martedì" in body["answer"]
        stream = httpx.post(
            server.url + "/api/ask/stream", json={"question": QUESTIONS[0]}, timeout=30
        )
        assert stream.status_code == 200 and "martedì" in stream.text
        chat = httpx.post(
            server.url + "/v1/chat/completions",
            timeout=30,
            json={
                "model": "chiedi-al-piano",
                "messages": [{"role": "user", "content": QUESTIONS[0]}],
            },
        )
        assert chat.status_code == 200
        assert "martedì" in chat.json()["choices"][0]["message"]["content"]
    finally:
        server.stop()


# --- feedback: lose nothing --------------------------------------------------------------------------


def test_ten_thousand_feedback_rows_from_concurrent_clients_all_arrive(small_index, tmp_path):
    settings = _copy(small_index, tmp_path)
    server = serve(settings.data_dir, tmp_path / "work")  # rate limit off: one client address
    threads, per_thread = 16, 625
    try:

        def send(t: int) -> list[int]:
            statuses = []
            with httpx.Client(base_url=server.url, timeout=30) as http:
                for i in range(per_thread):
                    statuses.append(
                        http.post(
                            "/api/feedback",
                            json={
                                "question": f"domanda {t}-{i}",
                                "answer": "risposta",
                                "rating": "up" if i % 2 else "down",
                            },
                        ).status_code
                    )
            return statuses

        with ThreadPoolExecutor(threads) as pool:
            statuses = [s for batch in pool.map(send, range(threads)) for s in batch]
    finally:
        server.stop()
    assert statuses.count(201) == threads * per_thread, set(statuses)
    store = FeedbackStore(FeedbackDatabase(settings.data_dir / "feedback.sqlite"))
    rows = store.all()
    assert len(rows) == threads * per_thread
    assert {r.question for r in rows} == {
        f"domanda {t}-{i}" for t in range(threads) for i in range(per_thread)
    }
