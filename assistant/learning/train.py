"""Fitting a build's models: questions generated from its documents, next to the dev split's
feature rows shipped with the product (`dev/`), in the order the pipeline applies them — the
passage ranker, then the evidence model (it reads the ranker's probabilities), then the two
outcome models (they read both). The regularisation and the operating points were chosen by
cross-validation on dev (`python -m evals.learn`) and are read from `dev/choices.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from assistant.answer.evidence import SENTENCE_FEATURES
from assistant.answer.outcome import OUTCOME_FEATURES, OutcomeModels
from assistant.learning.examples import (
    Labelled,
    Pipeline,
    Rows,
    outcome_rows,
    passage_rows,
    sentence_rows,
)
from assistant.learning.fit import fit_logistic
from assistant.learning.generate import Generator, everyday_labelled
from assistant.learning.store import Models
from assistant.retrieval.features import PASSAGE_FEATURES
from core.linear import LinearModel
from core.sections import AnswerSettings
from indexer.glossary import Glossary

DEV_DIR = Path(__file__).resolve().parent / "dev"
GENERATED_ANSWERABLE = 160
GENERATED_DECLINES = 50
TOP_K = 5


@dataclass
class Choices:
    """What cross-validation on dev chose: regularisation per model, operating points, and the
    weight of a generated question next to a dev one."""

    C: dict[str, float] = field(
        default_factory=lambda: {"passages": 1.0, "sentences": 1.0, "right": 1.0, "covered": 1.0}
    )
    answer_at: float = 0.5
    not_covered_below: float = 0.3
    generated_weight: float = 1.0

    @classmethod
    def load(cls, folder: Path = DEV_DIR) -> Choices:
        path = folder / "choices.json"
        return cls(**json.loads(path.read_text())) if path.exists() else cls()

    def save(self, folder: Path = DEV_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "choices.json").write_text(json.dumps(self.__dict__, indent=1) + "\n")


@dataclass
class PriorRows:
    """Feature rows of the dev questions (computed on the shipped corpus, upstream models out
    of fold): real questions next to a build's generated ones."""

    passages: Rows
    sentences: Rows
    right: Rows
    covered: Rows

    NAMES = ("passages", "sentences", "right", "covered")

    def save(self, folder: Path = DEV_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in self.NAMES:
            rows: Rows = getattr(self, name)
            np.savez_compressed(folder / f"{name}.npz", X=rows.X, y=rows.y, groups=rows.groups)

    @classmethod
    def load(cls, folder: Path = DEV_DIR) -> PriorRows | None:
        if not all((folder / f"{n}.npz").exists() for n in cls.NAMES):
            return None
        parts = {}
        for name in cls.NAMES:
            data = np.load(folder / f"{name}.npz", allow_pickle=False)
            parts[name] = Rows(data["X"], data["y"], data["groups"], np.ones(len(data["y"])))
        return cls(**parts)


def generated_questions(pipeline: Pipeline, glossary: Glossary, seed: int = 0) -> list[Labelled]:
    chunks = list(pipeline.ranker.retriever.index.chunks.values())
    generator = Generator(pipeline.ranker.features.lexicon, glossary, seed)
    return generator.questions(chunks, GENERATED_ANSWERABLE, GENERATED_DECLINES)


def _with(rows: Rows, prior: Rows | None, weight: float) -> Rows:
    generated = replace(rows, weights=rows.weights * weight)
    return Rows.join([generated, prior]) if prior is not None and len(prior.y) else generated


def _fit(rows: Rows, names: list[str], C: float) -> LinearModel:
    return fit_logistic(rows.X, rows.y, names, C, rows.weights)


def everyday_setup(pipeline: Pipeline, embed: object) -> tuple[list[Labelled], np.ndarray]:
    """The everyday questions as negatives, and their vectors (the outcome measures against
    them; each is left out of its own measurement)."""
    everyday = everyday_labelled()
    vectors = np.stack([embed(q.question) for q in everyday]).astype(np.float32)  # type: ignore[operator]
    return everyday, vectors


def train(
    pipeline: Pipeline,
    glossary: Glossary,
    params: AnswerSettings,
    embed: object,
    prior: PriorRows | None = None,
    choices: Choices | None = None,
) -> Models:
    """The build's models, fitted in pipeline order; the pipeline is left using them."""
    choices = choices or Choices.load()
    prior = prior if prior is not None else PriorRows.load()
    w = choices.generated_weight
    generated = generated_questions(pipeline, glossary)
    everyday, vectors = everyday_setup(pipeline, embed)
    pipeline.corpus = replace(pipeline.corpus, everyday_vectors=vectors)

    passages = _with(passage_rows(pipeline, generated), prior.passages if prior else None, w)
    pipeline.ranker.model = _fit(passages, PASSAGE_FEATURES, choices.C["passages"])

    units = _with(sentence_rows(pipeline, generated, TOP_K), prior.sentences if prior else None, w)
    pipeline.evidence_scorer.model = _fit(units, SENTENCE_FEATURES, choices.C["sentences"])

    own = {q.id: n for n, q in enumerate(everyday)}
    outcome = outcome_rows(pipeline, generated + everyday, TOP_K, params, own)
    right_model = _fit(
        _with(outcome.right, prior.right if prior else None, w),
        OUTCOME_FEATURES,
        choices.C["right"],
    )
    covered_model = _fit(
        _with(outcome.covered, prior.covered if prior else None, w),
        OUTCOME_FEATURES,
        choices.C["covered"],
    )
    right_model.thresholds = {"answer": choices.answer_at}
    covered_model.thresholds = {"not_covered": choices.not_covered_below}
    return Models(
        passages=pipeline.ranker.model,
        sentences=pipeline.evidence_scorer.model,
        outcome=OutcomeModels(right_model, covered_model),
        everyday=vectors,
    )
