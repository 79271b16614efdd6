"""The sentence statistics give the mean and spread of a question's cosines to every sentence,
as the product over all of them would; the build writes them and the index reads them."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.sentence_stats import STATS_FILE, SentenceStatistics
from indexer.stores import DENSE_FILE, open_index

QUESTIONS = [
    "Quando è stato presentato il Piano?",
    "Quante persone hanno partecipato all'evento del 5 dicembre?",
    "Chi finanzia le cooperative di comunità?",
]


def _brute_force(vectors: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    cosines = np.asarray(vectors, dtype=np.float32) @ q
    return float(cosines.mean()), float(cosines.std())


def test_mean_and_spread_equal_the_product_over_every_sentence(
    corpus_settings, corpus_index, embedder
):
    index = open_index(corpus_settings, embedder.embedder_id)
    stored = index.sentence_stats
    recomputed = SentenceStatistics.of(index.sentence_vectors)

    assert stored.count == len(index.sentence_vectors) == corpus_index.sentences
    for q in embedder.embed_queries(QUESTIONS):
        mean, spread = _brute_force(index.sentence_vectors, q)
        assert stored.mean_and_spread(q) == pytest.approx((mean, spread), abs=1e-6)
        assert recomputed.mean_and_spread(q) == pytest.approx((mean, spread), abs=1e-6)


def test_blocks_add_up_to_the_statistics_of_the_whole(monkeypatch):
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(1000, 16)).astype(np.float32)
    whole = SentenceStatistics.of(vectors)
    monkeypatch.setattr("indexer.sentence_stats._BLOCK", 64)  # 16 blocks, the last one short
    blocked = SentenceStatistics.of(vectors)

    q = rng.normal(size=16).astype(np.float32)
    assert np.allclose(blocked.covariance, whole.covariance)
    assert blocked.mean_and_spread(q) == pytest.approx(_brute_force(vectors, q), rel=1e-5)


def test_one_sentence_has_no_spread():
    stats = SentenceStatistics.of(np.array([[0.6, 0.8]], dtype=np.float32))

    assert stats.mean_and_spread(np.array([1.0, 0.0])) == (pytest.approx(0.6), 0.0)


def test_the_build_writes_the_statistics_and_the_passage_vectors_and_the_index_maps_the_sentences(
    corpus_settings, corpus_index, embedder
):
    index = open_index(corpus_settings, embedder.embedder_id)
    build_dir = corpus_settings.builds_dir / index.manifest.build_id

    assert (build_dir / STATS_FILE).is_file()
    assert isinstance(index.sentence_vectors, np.memmap)
    # a small index answers the dense search from its own file: the vectors Chroma holds
    assert (build_dir / DENSE_FILE).is_file()
    stored = index.collection.get(ids=index.dense_ids, include=["embeddings"])
    by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    assert index.dense_ids == list(index.chunks)
    assert np.array_equal(index.dense_vectors, np.array([by_id[i] for i in index.dense_ids]))


def test_a_build_without_the_files_still_opens(corpus_settings, corpus_index, embedder, tmp_path):
    import shutil

    settings = corpus_settings.updated(data_dir=tmp_path / "data")
    shutil.copytree(corpus_settings.data_dir, settings.data_dir)
    build_dir = settings.builds_dir / corpus_index.build_id
    (build_dir / STATS_FILE).unlink()
    (build_dir / DENSE_FILE).unlink()

    index = open_index(settings, embedder.embedder_id)
    reference = open_index(corpus_settings, embedder.embedder_id)

    q = embedder.embed_queries(QUESTIONS[:1])[0]
    assert index.sentence_stats.mean_and_spread(q) == pytest.approx(
        reference.sentence_stats.mean_and_spread(q), abs=1e-9
    )
    assert index.dense_ids == reference.dense_ids
    assert np.array_equal(index.dense_vectors, reference.dense_vectors)
