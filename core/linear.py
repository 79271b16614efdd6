"""A fitted linear model as data: named features, their standardisation, weights.

The pipeline's learned decisions (which passage, which sentence, whether the documents answer)
are logistic models of this shape, fitted by scikit-learn at build or evaluation time and
applied here with numpy alone, so serving never imports the learning library.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class LinearModel:
    names: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    intercept: float
    # Operating points chosen by cross-validation (e.g. {"answer": 0.62}); meaning is the user's.
    thresholds: dict[str, float] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)  # how it was fitted, for the record

    def __post_init__(self) -> None:
        self._mean = np.asarray(self.mean, dtype=np.float64)
        self._scale = np.asarray(self.scale, dtype=np.float64)
        self._weights = np.asarray(self.weights, dtype=np.float64)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if not k.startswith("_")}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def check(self, names: list[str]) -> None:
        if self.names != names:
            raise ValueError("the model was fitted on other features: refit it")

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """The linear score (log-odds) of every row of a (n, features) matrix."""
        if rows.size == 0:
            return np.zeros(len(rows))
        return ((rows - self._mean) / self._scale) @ self._weights + self.intercept

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.scores(rows)))

    def probability(self, row: list[float]) -> float:
        z = float(self.scores(np.asarray([row], dtype=np.float64))[0])
        return 1.0 / (1.0 + math.exp(-z))
