"""Builds that meet: one at a time per data directory (the CLI and the admin reindex share the
lock), a build checked before CURRENT points at it, and an incremental build that repairs a
damaged current build instead of calling it up to date."""

from __future__ import annotations

import os
import subprocess
import sys
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
from tests.support.builds import CONSULTAZIONE, WRITING, gated_build
from tests.support.documents import SPORTELLO
from tests.support.gates import Gate

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


def test_two_builds_at_once_leave_a_build_that_serves(settings, tmp_path):
    # The first build held while it writes its build (passages written, Chroma not yet): the
    # moment when, without a lock, the second build's clean-up deleted the first one's files.
    gate = Gate(tmp_path / "gate")
    gate.hold_file("scrittura", WRITING)
    first = gated_build(settings, gate, tmp_path / "first.log")
    try:
        gate.wait_reached("scrittura", alive=lambda: first.poll() is None)
        second = cli_build(settings, tmp_path / "second.log")
        second.wait(timeout=240)
    finally:
        gate.open("scrittura")
    first.wait(timeout=240)
    second_log = (tmp_path / "second.log").read_text(encoding="utf-8")
    assert first.returncode == 0, (tmp_path / "first.log").read_text(errors="replace")[-2000:]
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
