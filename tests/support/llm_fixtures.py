"""Fixtures for the LLM tests: the fake OpenAI-compatible server and Assistants that use it.

build on the session index of conftest.py.
"""

from __future__ import annotations

import pytest

from tests.support.fake_llm_server import LLM_TIMEOUT_S, TRIP_TIMEOUT_S, FakeLLM


@pytest.fixture(scope="session")
def fake_llm():
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture
def llm(fake_llm):
    """The fake server with an empty script and no recorded request."""
    fake_llm.script()
    return fake_llm


@pytest.fixture(scope="session")
def make_llm_assistant(corpus_settings, corpus_index, embedder, fake_llm):
    """Assistants over the session index that answer through the fake LLM, with `overrides`
    of the settings. These tests are about what the LLM writes and how it is checked, so every
    question with evidence is given to it (the answer point at 0: no "not sure"); the outcome
    itself is tested in tests/assistant/answer/test_outcome.py."""
    from server.startup import build_assistant

    def make(**overrides):
        settings = corpus_settings.updated(
            **{
                "llm_base_url": fake_llm.url,
                "llm_timeout_s": LLM_TIMEOUT_S,
                "answer_at": 0.0,
                **overrides,
            }
        )
        return build_assistant(settings, embedder)

    return make


@pytest.fixture(scope="session")
def llm_assistant(make_llm_assistant):
    """The Assistant over the session index, answering through the fake LLM."""
    return make_llm_assistant()


@pytest.fixture(scope="session")
def impatient_llm_assistant(make_llm_assistant):
    """The Assistant over the session index with a short LLM timeout, for held replies."""
    return make_llm_assistant(llm_timeout_s=TRIP_TIMEOUT_S)
