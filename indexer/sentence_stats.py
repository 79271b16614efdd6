"""The spread of a question's cosines to every sentence of a build, without computing them.

The answerability feature "standout" is (best cosine − mean) / std over the question's cosines
to all the build's sentences. For a question vector q and sentence vectors x_i, the mean is
q·μ and the variance qᵀΣq (μ, Σ the sentences' mean and covariance): exact, from 384 + 384²
numbers computed once when the build is written, where the product over every sentence took a
third of an answer at 350,000 sentences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STATS_FILE = "sentence_stats.npz"
_BLOCK = 32_768  # rows per float64 block: 100 MB at 384 dimensions


@dataclass(frozen=True)
class SentenceStatistics:
    """Count, mean and (population) covariance of a build's sentence vectors, in float64."""

    count: int
    mean: np.ndarray  # [dim]
    covariance: np.ndarray  # [dim, dim]

    @classmethod
    def of(cls, vectors: np.ndarray) -> SentenceStatistics:
        count, dim = vectors.shape
        total = np.zeros(dim)
        products = np.zeros((dim, dim))
        for start in range(0, count, _BLOCK):
            block = np.asarray(vectors[start : start + _BLOCK], dtype=np.float64)
            total += block.sum(axis=0)
            products += block.T @ block
        mean = total / max(count, 1)
        covariance = products / max(count, 1) - np.outer(mean, mean)
        return cls(count, mean, covariance)

    def mean_and_spread(self, vector: np.ndarray) -> tuple[float, float]:
        """The mean and the standard deviation of `vector`'s dot products with every sentence
        (its cosines, for unit vectors); a spread of 0 with fewer than two sentences."""
        q = np.asarray(vector, dtype=np.float64)
        mean = float(q @ self.mean)
        if self.count < 2:
            return mean, 0.0
        return mean, math.sqrt(max(float(q @ self.covariance @ q), 0.0))

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:  # np.savez would add ".npz" to a name without it
            np.savez(f, count=self.count, mean=self.mean, covariance=self.covariance)

    @classmethod
    def load(cls, path: Path) -> SentenceStatistics:
        with np.load(path) as stored:
            return cls(int(stored["count"]), stored["mean"], stored["covariance"])
