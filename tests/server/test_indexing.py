"""The product's build: the index, then the answering models fitted on it before it is current;
a change to what the models learn from rebuilds; models of other features are not applied."""

from __future__ import annotations

import json

from assistant.learning.store import MODELS_DIR, load_models
from indexer.stores import current_manifest
from server import indexing


def test_a_build_carries_its_models(corpus_settings, corpus_index):
    manifest = current_manifest(corpus_settings)
    assert manifest is not None
    folder = corpus_settings.builds_dir / manifest.build_id / MODELS_DIR
    assert {p.name for p in folder.iterdir()} >= {
        "passages.json",
        "sentences.json",
        "right.json",
        "covered.json",
        "everyday.npy",
    }
    right = json.loads((folder / "right.json").read_text())
    assert right["notes"]["rows"] > 100  # generated questions and the dev rows


def test_an_unchanged_corpus_and_models_are_up_to_date(corpus_settings, corpus_index, embedder):
    report = indexing.build(corpus_settings, embedder, progress=False)
    assert report.up_to_date


def test_what_the_models_learn_from_is_in_the_fingerprint(corpus_settings, monkeypatch):
    before = indexing.models_salt(corpus_settings)
    monkeypatch.setattr(indexing, "LEARNING_VERSION", "test")
    assert indexing.models_salt(corpus_settings) != before


def test_models_fitted_on_other_features_fall_back_to_the_rules(corpus_settings, tmp_path):
    manifest = current_manifest(corpus_settings)
    assert manifest is not None
    source = corpus_settings.builds_dir / manifest.build_id / MODELS_DIR
    copy = tmp_path / "build" / MODELS_DIR
    copy.mkdir(parents=True)
    for path in source.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    stale = json.loads((copy / "passages.json").read_text())
    stale["names"] = stale["names"][:-1]
    stale["mean"], stale["scale"], stale["weights"] = (
        stale["mean"][:-1],
        stale["scale"][:-1],
        stale["weights"][:-1],
    )
    (copy / "passages.json").write_text(json.dumps(stale))
    models = load_models(tmp_path / "build")
    assert models.passages is None and models.outcome is None
