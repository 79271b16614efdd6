"""Shared fixtures: one real index of the shipped corpus per test session, real embeddings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer.offline import go_offline

go_offline()

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def embedder():
    from indexer.embedding import PianoEmbedding
    from indexer.settings import Settings

    return PianoEmbedding.from_settings(Settings(_env_file=None))


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory):
    """Settings over the real corpus with a data dir of the session; the index is built once."""
    from indexer.settings import Settings

    data_dir = tmp_path_factory.mktemp("data")
    # Reuse an embedding cache across sessions when one exists (CI starts without it).
    shared_cache = os.environ.get("PIANO_TEST_EMBED_CACHE")
    if shared_cache and Path(shared_cache).exists():
        shutil.copy(shared_cache, data_dir / "embeddings.sqlite")
    return Settings(_env_file=None, corpus_dir=REPO / "corpus" / "documents", data_dir=data_dir)


@pytest.fixture(scope="session")
def corpus_index(corpus_settings, embedder):
    from indexer.build import build_index

    return build_index(corpus_settings, embedder, progress=False)


@pytest.fixture(scope="session")
def assistant(corpus_settings, corpus_index, embedder):
    from assistant.service import Assistant

    return Assistant.from_settings(corpus_settings, embedder=embedder)


@pytest.fixture(scope="session")
def client(corpus_settings, assistant):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    with TestClient(create_app(corpus_settings, assistant)) as c:
        yield c


@pytest.fixture
def make_settings(tmp_path):
    """Settings over a corpus folder of the test's own (tmp_path/corpus)."""
    from indexer.settings import Settings

    def make(**overrides):
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        return Settings(_env_file=None, corpus_dir=corpus, data_dir=tmp_path / "data", **overrides)

    return make
