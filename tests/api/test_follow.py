"""A server follows the published build: a build made elsewhere (the CLI, another machine) is
served within a few seconds, without a restart; one that does not open leaves the old one
serving; every answer comes from one build, named in X-Piano-Build and /api/health."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from api.follow import BuildFollower
from indexer.build import build_index
from indexer.stores import current_build_id
from server.app import create_app
from server.startup import open_assistant
from tests.support.documents import FONDO, FONDO_QUESTION
from tests.support.indexes import ANSWERED, small_index
from tests.support.waiting import wait_for


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    """The small index, and a second build of it with one more document (the newer one is
    CURRENT; each test points CURRENT where it needs)."""
    settings = small_index(tmp_path_factory.mktemp("follow"), embedder)
    first = current_build_id(settings)
    (settings.corpus_dir / "fondo.md").write_text(FONDO, encoding="utf-8")
    second = build_index(settings, embedder, progress=False).build_id
    return settings, first, second


def _publish(settings, build_id: str) -> None:
    (settings.data_dir / "CURRENT").write_text(build_id + "\n")


def _chunk_ids(settings, build_id: str) -> set[str]:
    path = settings.builds_dir / build_id / "chunks.jsonl"
    return {json.loads(line)["chunk_id"] for line in path.read_text().splitlines()}


def test_a_published_build_is_served_without_a_restart(built, embedder):
    settings, first, second = built
    _publish(settings, first)
    app_settings = settings.updated(build_poll_s=0.2, rate_limit_per_minute=0)
    with TestClient(create_app(app_settings)) as client:
        assert client.get("/api/health").json()["build"] == first
        before = client.post("/api/ask", json={"question": FONDO_QUESTION})
        assert before.headers["x-piano-build"] == first
        assert "trentamila" not in before.json()["answer"]

        answers: list[httpx.Response] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                answers.append(client.post("/api/ask", json={"question": ANSWERED}))

        def answered_from(build: str) -> bool:
            return any(r.headers["x-piano-build"] == build for r in list(answers))

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            wait_for(lambda: answered_from(first), "no answer before the publication")
            _publish(settings, second)
            wait_for(
                lambda: client.get("/api/health").json()["build"] == second,
                "the published build was never served",
                every=0.1,
            )
            wait_for(lambda: answered_from(second), "no answer from the published build")
        finally:
            stop.set()
            asker.join(30)

        after = client.post("/api/ask", json={"question": FONDO_QUESTION})
        assert after.headers["x-piano-build"] == second
        assert (
            after.json()["outcome"] != "not_covered" and "trentamila euro" in after.json()["answer"]
        )
    assert answers and {r.status_code for r in answers} == {200}
    builds = [r.headers["x-piano-build"] for r in answers]
    assert set(builds) == {first, second}
    assert builds == sorted(builds, key=[first, second].index)  # once switched, never back
    ids = {first: _chunk_ids(settings, first), second: _chunk_ids(settings, second)}
    for r in answers:  # every passage of an answer from the build the answer names
        assert {c["chunk_id"] for c in r.json()["citations"]} <= ids[r.headers["x-piano-build"]]


def test_a_published_build_that_does_not_open_leaves_the_old_one_serving(built, tmp_path):
    settings, first, second = built
    import shutil

    copy = settings.updated(data_dir=tmp_path / "data")
    shutil.copytree(settings.data_dir, copy.data_dir)
    _publish(copy, first)
    with TestClient(create_app(copy.updated(build_poll_s=0))) as client:
        services = client.app.state.services
        follower = BuildFollower(copy, services, open_assistant, interval_s=1)
        (copy.builds_dir / second / "manifest.json").write_text("{non è json")
        _publish(copy, second)
        assert follower.check() is False
        health = client.get("/api/health").json()
        assert (health["status"], health["build"]) == ("ok", first)
        assert client.post("/api/ask", json={"question": ANSWERED}).status_code == 200
        assert follower.check() is False  # not tried again at once


def _followers() -> int:
    return sum(t.name == "build-follower" for t in threading.enumerate())


def test_with_polling_off_the_build_found_at_start_up_stays(built):
    settings, first, second = built
    _publish(settings, first)
    before = _followers()
    with TestClient(create_app(settings.updated(build_poll_s=1))) as client:
        assert _followers() == before + 1  # what the check below sees when polling is on
    with TestClient(create_app(settings.updated(build_poll_s=0))) as client:
        _publish(settings, second)
        assert _followers() == before  # nothing looks at CURRENT: no wait could see a switch
        assert client.get("/api/health").json()["build"] == first
