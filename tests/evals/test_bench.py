"""The bench and its synthetic corpora on tiny inputs: shapes, bounds and reports, never timings."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest

from evals.synthetic import synthetic_corpus, to_markdown, vary, write_synthetic_build

BANDO = """---
doc_id: "bando-imprese-sociali"
title: "Bando per le imprese sociali giovanili"
source_type: "istituzionale"
publisher: "Camera di commercio di Torino"
date: "2025-04"
---

# Bando per le imprese sociali giovanili

## Chi può partecipare

Possono partecipare le imprese sociali costituite da meno di tre anni con sede nella Città metropolitana di Torino. La maggioranza dei soci deve avere meno di 35 anni.

## Contributo

Il contributo copre fino al 70 per cento delle spese ammissibili, con un massimo di 20000 euro per impresa.
"""


def test_vary_changes_numbers_and_names_but_keeps_the_sentence():
    sentence = "Nel 2024 a Chieri hanno partecipato 104 persone divise in 5 tavoli."
    varied = {vary(sentence, random.Random(seed)) for seed in range(20)}

    assert len(varied) > 10
    for v in varied:
        assert re.fullmatch(
            r"Nel 20\d\d a .+ hanno partecipato \d{3} persone divise in \d tavoli\.", v
        )


def test_synthetic_corpus_keeps_the_real_one_and_adds_realistic_passages(assistant):
    index = assistant.index
    corpus = synthetic_corpus(index, 30, seed=3, chunks_per_doc=10)

    real = len(index.chunks)
    synthetic = corpus.chunks[real:]
    assert [c.chunk_id for c in corpus.chunks[:real]] == list(index.chunks)
    assert len(synthetic) == 30 and len({c.chunk_id for c in corpus.chunks}) == real + 30
    assert {c.meta.doc_id for c in synthetic} == {f"sintetico-{d:05d}" for d in range(3)}
    for c in synthetic:
        assert 2 <= len(c.sentences) <= 5 and all(s in c.text for s in c.sentences)
    n_sentences = sum(len(c.sentences) for c in corpus.chunks)
    assert corpus.chunk_vectors.shape == (real + 30, index.sentence_vectors.shape[1])
    assert corpus.sentence_vectors.shape == (n_sentences, index.sentence_vectors.shape[1])
    assert np.allclose(np.linalg.norm(corpus.chunk_vectors, axis=1), 1.0, atol=1e-3)
    assert sum(d.chunks for d in corpus.documents) == real + 30
    # Each synthetic sentence vector stays close to the real sentence it was made from.
    assert (
        float(
            (corpus.sentence_vectors[len(index.sentence_vectors) :] @ index.sentence_vectors.T)
            .max(axis=1)
            .min()
        )
        > 0.85
    )


def test_synthetic_ids_stay_unique_when_passages_draw_the_same_sentences():
    from types import SimpleNamespace

    from core.models import ChunkMeta
    from indexer.stores import StoredChunk

    # Five sentences without numbers or names: passages of one document repeat each other often.
    sentences = [f"La frase numero {w} del documento parla di economia sociale." for w in "abcde"]
    meta = ChunkMeta(doc_id="d", title="T", source_type="piano", section="S", position=0)
    index = SimpleNamespace(
        chunks={"d:1": StoredChunk("d:1", " ".join(sentences), sentences, 0, meta)},
        sentence_vectors=np.eye(5, 8, dtype=np.float32),
    )
    corpus = synthetic_corpus(index, 2000, seed=1, with_real=False)  # type: ignore[arg-type]

    texts = {(c.meta.doc_id, c.section, c.text) for c in corpus.chunks}
    assert len(texts) < 2000  # the same passage twice in a document, and yet:
    assert len({c.chunk_id for c in corpus.chunks}) == 2000


def test_synthetic_build_serves_real_answers(assistant, corpus_settings, embedder, tmp_path):
    from server.startup import build_assistant

    settings = corpus_settings.updated(**{"data_dir": tmp_path / "data"})
    write_synthetic_build(settings, synthetic_corpus(assistant.index, 40), embedder.embedder_id)
    bigger = build_assistant(settings, embedder)

    question = "Quante persone hanno partecipato all'evento di dicembre?"
    hits = bigger.retrieve(question, top_k=10).hits
    assert bigger.manifest.chunks == len(assistant.index.chunks) + 40
    assert any(
        "104 persone" in h.chunk.text for h in hits
    )  # the real passage, among synthetic ones
    assert bigger.ask(question).citations


def test_synthetic_markdown_is_a_corpus_the_loader_reads(assistant, tmp_path):
    from indexer.loaders import load_document

    corpus = synthetic_corpus(assistant.index, 25, chunks_per_doc=10)
    files = to_markdown(corpus.chunks)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    docs = [load_document(tmp_path / name) for name in sorted(files)]
    assert [d.meta.doc_id for d in docs] == [
        "sintetico-00000",
        "sintetico-00001",
        "sintetico-00002",
    ]
    body = "\n".join(p.text for d in docs for p in d.pages)
    assert all(c.sentences[0] in body for c in corpus.chunks if c.meta.doc_id.startswith("sint"))


def test_question_pool_never_repeats_a_cold_question():
    from evals.servers import QuestionPool

    pool = QuestionPool(["Chi ha firmato l'accordo?", "Quando è nato il Piano?"], distinct=True)
    taken = [pool.take() for _ in range(60)]

    assert len(set(taken)) == 60 and pool.left == 0
    with pytest.raises(RuntimeError):
        pool.take()


@pytest.mark.slow
def test_bench_end_to_end_on_a_tiny_corpus(tmp_path):
    """A real uvicorn on 127.0.0.1 over a one-document corpus; loads bounded to a few requests."""
    from evals import bench

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bando.md").write_text(BANDO, encoding="utf-8")
    out = tmp_path / "out"

    code = bench.main(
        [
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--skip",
            "embedding,scale,scaleout",
            "--clients",
            "1,2",
            "--level-seconds",
            "300",  # a level ends after its 6 requests: the clock only stops a hung one
            "--level-requests",
            "6",
            "--latency-requests",
            "4",
        ]
    )

    result = json.loads((out / "bench.json").read_text())
    assert code == 0
    assert result["yardstick_ms"] > 0
    assert result["build"]["documents"] == 1 and result["build"]["chunks"] >= 2
    api = result["api"]
    assert api["latency_cold"]["answers"] == 4 and api["latency_cold"]["errors"] == 0
    assert [t["clients"] for t in api["throughput_cold"]] == [1, 2]
    assert all(0 < t["answers"] <= 6 and t["errors"] == 0 for t in api["throughput_cold"])
    assert api["rss_mb_idle"] > 0 and api["rss_mb_with_ui"] > 0
    assert api["questions_after_load"] >= api["latency_cold"]["answers"]
    start = result["start"]
    assert len(start["runs"]) == 3
    assert all(0 < r["healthy_s"] <= r["first_answer_s"] for r in start["runs"])
    report = (out / "bench.md").read_text()
    assert "Metro di paragone" in report and "× emb." in report and "| 2 |" in report
    assert "Avvio a freddo" in report
