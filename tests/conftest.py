"""Shared fixtures: one real index of the shipped corpus per test session, real embeddings, and
settings isolated from the developer's environment."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.offline import go_offline

go_offline()

REPO = Path(__file__).resolve().parent.parent
# The fake OpenAI-compatible server and the Assistants that use it (started only when asked for).
pytest_plugins = ["tests.support.llm_fixtures", "tests.support.databases"]


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch):
    """No PIANO_* variable of the developer's shell reaches a test (a `.env` file neither:
    fixtures build Settings with `_env_file=None`)."""
    for name in list(os.environ):
        if name.upper().startswith("PIANO_") and name != "PIANO_TEST_EMBED_CACHE":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def embedder():
    from core.settings import Settings
    from indexer.embedding import PianoEmbedding

    return PianoEmbedding.from_settings(Settings(_env_file=None))


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory):
    """Settings over the real corpus with a data dir of the session; the index is built once."""
    from core.settings import Settings

    data_dir = tmp_path_factory.mktemp("data")
    # Reuse an embedding cache across sessions when one exists (CI starts without it).
    shared_cache = os.environ.get("PIANO_TEST_EMBED_CACHE")
    if shared_cache and Path(shared_cache).exists():
        shutil.copy(shared_cache, data_dir / "embeddings.sqlite")
    return Settings(_env_file=None, corpus_dir=REPO / "corpus" / "documents", data_dir=data_dir)


@pytest.fixture(scope="session")
def corpus_index(corpus_settings, embedder):
    from server.indexing import build

    return build(corpus_settings, embedder, progress=False)


@pytest.fixture(scope="session")
def assistant(corpus_settings, corpus_index, embedder):
    from server.startup import build_assistant

    return build_assistant(corpus_settings, embedder)


@pytest.fixture(scope="session")
def client(corpus_settings, assistant):
    from fastapi.testclient import TestClient

    from server.app import create_app

    with TestClient(create_app(corpus_settings, assistant)) as c:
        yield c


@pytest.fixture
def make_settings(tmp_path):
    """Settings over a corpus folder of the test's own (tmp_path/corpus)."""
    from core.settings import Settings

    def make(**overrides):
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        return Settings(_env_file=None, corpus_dir=corpus, data_dir=tmp_path / "data", **overrides)

    return make


@pytest.fixture
def store(tmp_path):
    """A feedback store in the test's data dir (where an app over `tmp_path / "data"` writes)."""
    from feedback.database import FeedbackDatabase
    from feedback.store import FeedbackStore

    return FeedbackStore(FeedbackDatabase(tmp_path / "data" / "feedback.sqlite"))
