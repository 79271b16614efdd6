"""Chroma in server mode: a real `chroma run` on 127.0.0.1 holds the vectors, the build dir does not."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.stores import ChromaMismatch, open_chroma, open_index
from tests.support.waiting import WAIT_S

# `chroma run` is a server: marked slow like every test that starts one (see pyproject.toml).
pytestmark = pytest.mark.slow

CHROMA = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "chroma"

PROGRAMMA = """---
doc_id: "programma-giovani"
title: "Programma per le imprese sociali giovanili"
source_type: "piano"
publisher: "Camera di commercio di Torino"
date: "2025"
---

# Programma per le imprese sociali giovanili

## Formazione

Un percorso di sei mesi accompagna i giovani under 35 che vogliono fondare un'impresa sociale.

## Mentoring

Ogni nuova impresa riceve un mentore scelto tra le cooperative sociali più esperte del territorio.
"""

MONTAGNA = """---
doc_id: "welfare-montagna"
title: "Welfare nei territori montani"
source_type: "consultazione"
date: "2024-12"
---

# Welfare nei territori montani

Nei comuni di montagna i servizi di welfare di comunità sono gestiti da reti di associazioni e cooperative.
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} is missing: install the project with `make install`")
    path = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = open(path / "server.log", "wb")  # closed in the finally below
    proc = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(path / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + WAIT_S
        while not _heartbeat(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start:\n{(path / 'server.log').read_text()}")
            time.sleep(0.1)
        yield port, path / "db"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


@pytest.fixture
def server_settings(make_settings, chroma_server):
    port, _ = chroma_server
    settings = make_settings(
        chroma_host="127.0.0.1", chroma_port=port, chroma_collection="piano-test"
    )
    (settings.corpus_dir / "programma.md").write_text(PROGRAMMA, encoding="utf-8")
    (settings.corpus_dir / "montagna.md").write_text(MONTAGNA, encoding="utf-8")
    return settings


def test_build_and_search_through_a_chroma_server(server_settings, chroma_server, embedder):
    _, server_db = chroma_server

    report = build_index(server_settings, embedder, progress=False)

    build_dir = server_settings.builds_dir / report.build_id
    assert not (build_dir / "chroma").exists()
    assert not list(build_dir.rglob("chroma.sqlite3"))
    assert server_db.exists()  # the vectors went to the server's own directory
    index = open_index(server_settings, embedder.embedder_id)
    assert index.manifest.chroma_mode == "server"
    assert index.manifest.chroma_collection == f"piano-test-{report.build_id}"
    assert index.collection.count() == index.manifest.chunks == report.chunks
    result = index.collection.query(
        query_embeddings=embedder.embed_queries(["Chi fa da mentore alle nuove imprese?"]),
        n_results=2,
    )
    top_id, top_meta = result["ids"][0][0], result["metadatas"][0][0]
    assert top_meta["doc_id"] == "programma-giovani"
    assert top_meta["section"].endswith("Mentoring")
    assert "mentore" in index.chunks[top_id].text
    assert result["documents"][0][0] == index.chunks[top_id].text


def test_server_collections_of_old_builds_are_deleted(server_settings, embedder):
    first = build_index(server_settings, embedder, progress=False).build_id
    montagna = server_settings.corpus_dir / "montagna.md"
    montagna.write_text(
        montagna.read_text(encoding="utf-8").replace("reti di associazioni", "reti di volontari"),
        encoding="utf-8",
    )
    second = build_index(server_settings, embedder, progress=False).build_id
    assert second is not None
    (server_settings.corpus_dir / "montagna.md").unlink()
    third = build_index(server_settings, embedder, progress=False).build_id
    assert third is not None

    client = open_chroma(server_settings, server_settings.builds_dir / third)
    ours = {c.name for c in client.list_collections() if c.name.startswith("piano-test-")}
    # The current build and the one before it are kept (a running server may still read it).
    assert f"piano-test-{first}" not in ours
    assert {f"piano-test-{second}", f"piano-test-{third}"} <= ours
    index = open_index(server_settings, embedder.embedder_id)
    assert index.collection.get(where={"doc_id": "welfare-montagna"})["ids"] == []
    assert index.collection.count() == index.manifest.chunks


def test_an_index_in_a_chroma_server_opened_without_one_says_which_setting(
    server_settings, embedder
):
    build_index(server_settings, embedder, progress=False)
    with pytest.raises(ChromaMismatch, match="PIANO_CHROMA_HOST non è impostato"):
        open_index(server_settings.updated(chroma_host=None), embedder.embedder_id)
