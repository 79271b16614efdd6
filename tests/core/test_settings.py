"""The one settings class: sections that are the parameters, flat env names that keep working."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from core.sections import LLMSettings, RetrievalSettings
from core.settings import FLAT_NAMES, SECTIONS, Settings


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


def _other_value(info, default) -> str:
    """A value for the field that is not its default, as the .env file would spell it."""
    kind = info.annotation
    if typing.get_origin(kind) in (typing.Union, types.UnionType):  # X | None
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if typing.get_origin(kind) is typing.Literal:
        return next(v for v in typing.get_args(kind) if v != default)
    if kind is bool:
        return str(not default).lower()
    if kind is int:
        top = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
        return str(default - 1 if default == top else default + 1)
    if kind is float:
        return "0.5" if default is None else str(round(default * 0.9 if default else 0.01, 4))
    return "/tmp/piano-prova" if kind is Path else "valore-di-prova"


def test_every_name_in_the_example_file_is_read_into_the_settings(tmp_path, monkeypatch):
    from tests.conftest import REPO

    example = (REPO / ".env.example").read_text()
    names = re.findall(r"^#?\s*PIANO_([A-Z0-9_]+)=", example, flags=re.M)
    default = Settings(_env_file=None)
    top = {n: (info, getattr(default, n)) for n, info in Settings.model_fields.items()}
    assert (
        len(names)
        == len(set(names))
        == len(FLAT_NAMES) + len([n for n in top if n not in SECTIONS])
    )
    for name in (n.lower() for n in names):
        if name in FLAT_NAMES:
            section, field = FLAT_NAMES[name]
            info, before = SECTIONS[section].model_fields[field], default.flat()[name]
        else:
            info, before = top[name]
        value = _other_value(info, before)
        (tmp_path / ".env").write_text(f"PIANO_{name.upper()}={value}\n")
        from_file = Settings(_env_file=tmp_path / ".env")
        with monkeypatch.context() as env:
            env.setenv(f"PIANO_{name.upper()}", value)
            from_env = Settings(_env_file=None)
        for read in (from_file, from_env):
            after = read.flat()[name] if name in FLAT_NAMES else getattr(read, name)
            shown = after.get_secret_value() if isinstance(after, SecretStr) else after
            assert after != before and str(shown).lower() in (value, str(Path(value))), name


def test_only_the_documented_names_are_read(tmp_path, monkeypatch):
    # A field's own name is no setting: PIANO_PORT is the server's, not also the Chroma port.
    env = {"PIANO_PORT": "9000", "PIANO_MAX_TOKENS": "7", "PIANO_HOST": "0.0.0.0", "TOP_K": "1"}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    from_file = Settings(_env_file=tmp_path / ".env")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    for s in (from_file, Settings(_env_file=None)):
        assert (s.server.port, s.chroma.port) == (9000, 8001)
        assert (s.server.host, s.chroma.host) == ("0.0.0.0", None)
        assert (s.chunking.max_tokens, s.llm.max_tokens, s.retrieval.top_k) == (256, 600, 5)
    with pytest.raises(TypeError, match="llm_unsupported"):
        LLMSettings(unsupported="flag")  # silently ignored otherwise
    assert LLMSettings(llm_unsupported="flag").unsupported == "flag"
