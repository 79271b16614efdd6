"""The one settings class: sections that are the parameters, flat env names that keep working."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.sections import RetrievalSettings
from core.settings import FLAT_NAMES, Settings


def test_defaults_work_offline_with_nothing_set():
    s = Settings(_env_file=None)
    assert s.embedding.backend == "onnx" and s.llm.base_url is None
    assert s.retrieval == RetrievalSettings()  # the section's defaults are the only defaults


def test_flat_env_names_reach_their_section(monkeypatch):
    monkeypatch.setenv("PIANO_CHUNK_MAX_TOKENS", "128")
    monkeypatch.setenv("PIANO_TOP_K", "7")
    monkeypatch.setenv("PIANO_LLM_MODEL", "mistral")
    monkeypatch.setenv("PIANO_ADMIN_KEY", "segreta")
    s = Settings(_env_file=None)
    assert s.chunking.max_tokens == 128 and s.retrieval.top_k == 7
    assert s.llm.model == "mistral" and s.protection.admin_secret == "segreta"


def test_the_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("PIANO_TOP_K=9\nPIANO_ANSWER_MARGIN=0.07\n")
    monkeypatch.setenv("PIANO_TOP_K", "3")
    s = Settings(_env_file=env)
    assert s.retrieval.top_k == 3 and s.answers.margin == 0.07


def test_code_may_use_flat_names_and_they_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("PIANO_TOP_K", "3")
    s = Settings(_env_file=None, top_k=4, data_dir="/tmp/piano")
    assert s.retrieval.top_k == 4 and str(s.data_dir) == "/tmp/piano"
    assert s.updated(top_k=6).retrieval.top_k == 6 and s.retrieval.top_k == 4


def test_limits_are_validated_with_the_flat_name_in_the_message():
    with pytest.raises(ValidationError, match="top_k"):
        Settings(_env_file=None, top_k=99)
    with pytest.raises(ValidationError):
        Settings(_env_file=None).updated(chunk_max_tokens=10_000)


def test_every_env_name_is_listed_in_the_example_file():
    from tests.conftest import REPO

    example = (REPO / ".env.example").read_text()
    missing = [
        f"PIANO_{flat.upper()}" for flat in FLAT_NAMES if f"PIANO_{flat.upper()}" not in example
    ]
    assert not missing, missing


def test_the_report_block_uses_the_flat_names():
    flat = Settings(_env_file=None).flat()
    assert flat["chunk_max_tokens"] == 256 and flat["answer_sentences"] == 3
