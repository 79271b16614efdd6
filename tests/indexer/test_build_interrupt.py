"""A build killed with SIGKILL leaves the previous index serving, and the next build cleans up."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.stores import current_build_id, open_index
from tests.support.builds import (
    CONSULTAZIONE,
    THIRD_BATCH_SENTENCE,
    WRITING,
    kill_build_at,
    rete_dei_comuni,
)
from tests.support.documents import SPORTELLO
from tests.support.gates import Gate

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(make_settings, embedder):
    """A small index that serves, plus what it answers, before a new build is attempted."""
    settings = make_settings()
    (settings.corpus_dir / "sportello.md").write_text(SPORTELLO, encoding="utf-8")
    (settings.corpus_dir / "consultazione.md").write_text(CONSULTAZIONE, encoding="utf-8")
    report = build_index(settings, embedder, progress=False)
    index = open_index(settings, embedder.embedder_id)
    return settings, report.build_id, {c: s.text for c, s in index.chunks.items()}


def _top_chunk(settings, embedder, question: str) -> str:
    index = open_index(settings, embedder.embedder_id)
    result = index.collection.query(
        query_embeddings=embedder.embed_queries([question]), n_results=1
    )
    return result["ids"][0][0]


def _assert_old_index_serves(settings, embedder, old_build: str, old_chunks: dict) -> None:
    assert current_build_id(settings) == old_build
    index = open_index(settings, embedder.embedder_id)
    assert index.manifest.build_id == old_build
    assert {c: s.text for c, s in index.chunks.items()} == old_chunks
    assert index.collection.count() == len(old_chunks)
    top = _top_chunk(settings, embedder, "In quali giorni riceve lo sportello?")
    assert "martedì" in old_chunks[top]


def test_kill_while_embedding_keeps_the_old_index(served, embedder, tmp_path):
    settings, old_build, old_chunks = served
    (settings.corpus_dir / "rete.md").write_text(rete_dei_comuni(), encoding="utf-8")

    # Killed while it waits to embed the third batch of sentences: the passages and two batches
    # are embedded by then, the rest not.
    gate = Gate(tmp_path / "gate")
    gate.hold("frasi", THIRD_BATCH_SENTENCE)
    kill_build_at(settings, gate, "frasi", tmp_path / "build.log")

    assert sorted(p.name for p in settings.builds_dir.iterdir()) == [old_build]
    _assert_old_index_serves(settings, embedder, old_build, old_chunks)

    report = build_index(settings, embedder, progress=False)

    assert current_build_id(settings) == report.build_id != old_build
    index = open_index(settings, embedder.embedder_id)
    new_sentences = sum(
        len(c.sentences) for c in index.chunks.values() if c.meta.doc_id == "rete-dei-comuni"
    )
    # The killed run's finished batches (all passages, some sentences) were kept by the cache.
    assert 0 < report.embedded < new_sentences
    top = _top_chunk(settings, embedder, "Quante volte si è riunito il tavolo di Ivrea?")
    assert top.startswith("rete-dei-comuni:") and "Ivrea" in index.chunks[top].text


def test_kill_while_writing_keeps_the_old_index_and_next_build_prunes_it(
    served, embedder, tmp_path
):
    settings, old_build, old_chunks = served

    # Nothing changed, so every vector is cached and the forced build goes straight to writing:
    # killed with its passages written, before its Chroma collection and its manifest.
    gate = Gate(tmp_path / "gate")
    gate.hold_file("scrittura", WRITING)
    kill_build_at(settings, gate, "scrittura", tmp_path / "build.log")

    partial = [p for p in settings.builds_dir.iterdir() if p.name != old_build]
    assert len(partial) == 1, "the killed build should have left its directory"
    assert (partial[0] / "chunks.jsonl").exists() and not (partial[0] / "manifest.json").exists()
    _assert_old_index_serves(settings, embedder, old_build, old_chunks)

    up_to_date = build_index(settings, embedder, progress=False)

    assert up_to_date.up_to_date
    assert [p.name for p in settings.builds_dir.iterdir()] == [old_build]  # partial pruned

    consultazione = settings.corpus_dir / "consultazione.md"
    consultazione.write_text(
        consultazione.read_text(encoding="utf-8").replace("venti proposte", "ventuno proposte"),
        encoding="utf-8",
    )
    report = build_index(settings, embedder, progress=False)

    assert report.build_id is not None and report.embedded > 0
    assert sorted(p.name for p in settings.builds_dir.iterdir()) == sorted(
        [old_build, report.build_id]
    )
    index = open_index(settings, embedder.embedder_id)
    assert index.manifest.build_id == current_build_id(settings) == report.build_id
    assert any("ventuno proposte" in c.text for c in index.chunks.values())
    assert index.collection.count() == index.manifest.chunks
