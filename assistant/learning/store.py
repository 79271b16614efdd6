"""The fitted models of a build, as files: `<build>/models/` (written at build time by
`assistant.learning.train`), read once when the index opens."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from assistant.answer.evidence import SENTENCE_FEATURES
from assistant.answer.outcome import OUTCOME_FEATURES, OutcomeModels
from assistant.retrieval.features import PASSAGE_FEATURES
from core.linear import LinearModel

log = logging.getLogger(__name__)

MODELS_DIR = "models"
_FILES = ("passages", "sentences", "right", "covered")


@dataclass
class Models:
    """The fitted models the pipeline applies (None: the rule each one replaces), and the
    everyday questions' vectors the outcome measures against."""

    passages: LinearModel | None = None
    sentences: LinearModel | None = None
    outcome: OutcomeModels | None = None
    everyday: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))

    def at(self, answer_at: float | None, not_covered_below: float | None) -> Models:
        """The same models with the outcome's operating points moved (None: keep)."""
        if self.outcome is None or (answer_at is None and not_covered_below is None):
            return self
        right, covered = self.outcome.right, self.outcome.covered
        if answer_at is not None:
            right = replace(right, thresholds={**right.thresholds, "answer": answer_at})
        if not_covered_below is not None:
            covered = replace(
                covered, thresholds={**covered.thresholds, "not_covered": not_covered_below}
            )
        return replace(self, outcome=OutcomeModels(right, covered))


def save_models(models: Models, build_dir: Path) -> None:
    folder = build_dir / MODELS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    parts = {
        "passages": models.passages,
        "sentences": models.sentences,
        "right": models.outcome.right if models.outcome else None,
        "covered": models.outcome.covered if models.outcome else None,
    }
    for name, model in parts.items():
        if model is not None:
            model.save(folder / f"{name}.json")
    np.save(folder / "everyday.npy", models.everyday.astype(np.float32))


FEATURES = {
    "passages": PASSAGE_FEATURES,
    "sentences": SENTENCE_FEATURES,
    "right": OUTCOME_FEATURES,
    "covered": OUTCOME_FEATURES,
}


def load_models(build_dir: Path) -> Models:
    """The build's models. A build made before models existed, or fitted on other features
    than this code measures, gets none — the rules — until it is rebuilt (`make index`)."""
    folder = build_dir / MODELS_DIR
    found = {
        name: LinearModel.load(folder / f"{name}.json")
        for name in _FILES
        if (folder / f"{name}.json").exists()
    }
    stale = [name for name, model in found.items() if model.names != FEATURES[name]]
    if stale:
        log.warning(
            "modelli della costruzione %s superati (%s): ricostruisci l'indice",
            build_dir.name,
            ", ".join(stale),
        )
        found = {}
    everyday = folder / "everyday.npy"
    return Models(
        passages=found.get("passages"),
        sentences=found.get("sentences"),
        outcome=OutcomeModels(found["right"], found["covered"])
        if "right" in found and "covered" in found
        else None,
        everyday=np.load(everyday) if everyday.exists() else Models().everyday,
    )
