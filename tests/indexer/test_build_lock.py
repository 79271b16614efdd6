"""Builds that meet: one at a time per data directory (the CLI and the admin reindex share the
lock), a build checked before CURRENT points at it, and an incremental build that repairs a
damaged current build instead of calling it up to date."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from core.settings import Settings
from indexer.build import build_index
from indexer.build_lock import BuildBusy, build_lock
from indexer.stores import current_build_id
from indexer.verify import BuildDamaged, verify_build
from server.app import create_app
from server.startup import open_assistant
from tests.support.builds import CONSULTAZIONE
from tests.support.documents import SPORTELLO

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path, embedder) -> Settings:
    settings = Settings(_env_file=None, corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "sportello.md").write_text(SPORTELLO, encoding="utf-8")
    (settings.corpus_dir / "consultazione.md").write_text(CONSULTAZIONE, encoding="utf-8")
    build_index(settings, embedder, progress=False)
    return settings


def cli_build(settings: Settings, log: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PIANO_")},
        "PIANO_CORPUS_DIR": str(settings.corpus_dir),
        "PIANO_DATA_DIR": str(settings.data_dir),
        "PYTHONPATH": str(REPO),
    }
    with open(log, "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "indexer", "build", "--force", *args],
            env=env,
            cwd=settings.data_dir.parent,
            stdout=err,
            stderr=subprocess.STDOUT,
        )


def pause_while_writing(proc: subprocess.Popen[bytes], builds: Path, timeout: float = 180) -> None:
    """SIGSTOP `proc` as soon as a build directory has its passages but no manifest yet."""
    before = {p.name for p in builds.iterdir()}
    deadline = time.monotonic() + timeout
    while not [
        d
        for d in builds.iterdir()
        if d.name not in before
        and (d / "chunks.jsonl").exists()
        and not (d / "manifest.json").exists()
    ]:
        assert proc.poll() is None, "the build ended before it could be paused"
        assert time.monotonic() < deadline, "the build never reached the point to pause at"
        time.sleep(0.001)
    os.kill(proc.pid, signal.SIGSTOP)


def test_two_builds_at_once_leave_a_build_that_serves(settings, tmp_path):
    first = cli_build(settings, tmp_path / "first.log")
    # Paused while it writes its build (chunks written, Chroma not yet): the moment when, without
    # a lock, the second build's clean-up deleted the first one's files under it.
    pause_while_writing(first, settings.builds_dir)
    try:
        second = cli_build(settings, tmp_path / "second.log")
        second.wait(timeout=240)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    first.wait(timeout=240)
    second_log = (tmp_path / "second.log").read_text(encoding="utf-8")
    assert first.returncode == 0
    assert second.returncode == 3 and "Un'altra costruzione dell'indice è in corso" in second_log
    verify_build(settings, current_build_id(settings) or "")
    assistant, error = open_assistant(settings)
    assert assistant is not None, error


def test_a_waiting_build_runs_after_the_one_holding_the_lock(settings, embedder):
    with build_lock(settings):
        with pytest.raises(BuildBusy):
            build_index(settings, embedder, force=True, progress=False)
    report = build_index(settings, embedder, force=True, progress=False, wait=5)
    assert report.build_id == current_build_id(settings)


@pytest.mark.parametrize("damage", ["sentences.npy", "chunks.jsonl", "bm25"])
def test_an_incremental_build_repairs_a_damaged_current_build(settings, embedder, damage):
    build_dir = settings.builds_dir / (current_build_id(settings) or "")
    target = build_dir / damage
    if target.is_dir():
        import shutil

        shutil.rmtree(target)
    else:
        target.write_text("")
    with pytest.raises(BuildDamaged):
        verify_build(settings, build_dir.name)
    report = build_index(settings, embedder, progress=False)
    assert not report.up_to_date and report.build_id != build_dir.name
    verify_build(settings, report.build_id or "")
    assistant, error = open_assistant(settings)
    assert assistant is not None, error


def test_the_admin_reindex_waits_for_a_build_of_the_cli(settings, assistant):
    app = create_app(settings.updated(admin_key=SecretStr("chiave")), assistant)
    with TestClient(app) as client, build_lock(settings):
        r = client.post("/api/admin/reindex", headers={"X-Admin-Key": "chiave"})
    assert r.status_code == 409 and "già in corso" in r.json()["detail"]
