"""What a question asks for, read by a fitted model: a multinomial logistic regression over the
question's words and word pairs (its first words weigh apart: "Chi …?" asks for a person, "…
per chi comincia" does not). Fitted on questions generated in every form people ask with and on
the dev questions, labelled by the kind of answer their gold phrase is (`python -m evals.learn`);
the weights are data, `answer_types.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.question.answer_types import AnswerType
from core.italian import words

MODEL = Path(__file__).resolve().parent / "answer_types.json"
PREFIX = 5  # chosen by cross-validation on dev (span agreement 0.747 → 0.769)


def tagger_features(text: str) -> list[str]:
    """Words, their first five letters (one feature for "quanti", "quante", "quanto";
    "ammontano", "ammontare"), word pairs, and the first two words marked as such."""
    tokens = words(text)
    out = [f"w:{t}" for t in tokens]
    out += [f"p:{t[:PREFIX]}" for t in tokens if len(t) > PREFIX]
    out += [f"b:{a}_{b}" for a, b in zip(tokens, tokens[1:])]
    out += [f"f:{t}" for t in tokens[:2]]
    if len(tokens) >= 2:
        out.append(f"f2:{tokens[0]}_{tokens[1]}")
    return out


@dataclass
class AnswerTypeTagger:
    labels: list[str]  # AnswerType values, one per row of `weights`
    vocabulary: dict[str, int]
    weights: list[list[float]]  # labels × features
    intercepts: list[float]

    def __post_init__(self) -> None:
        self._w = np.asarray(self.weights, dtype=np.float64)
        self._b = np.asarray(self.intercepts, dtype=np.float64)

    @classmethod
    def load(cls, path: Path = MODEL) -> AnswerTypeTagger:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path = MODEL) -> None:
        data = {
            "labels": self.labels,
            "vocabulary": self.vocabulary,
            "weights": [[round(v, 5) for v in row] for row in self.weights],
            "intercepts": [round(v, 5) for v in self.intercepts],
        }
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")

    def probabilities(self, text: str) -> dict[AnswerType, float]:
        columns = [self.vocabulary[f] for f in tagger_features(text) if f in self.vocabulary]
        z = self._w[:, columns].sum(axis=1) + self._b
        p = np.exp(z - z.max())
        p /= p.sum()
        return {AnswerType(label): float(v) for label, v in zip(self.labels, p)}

    def tag(self, text: str) -> AnswerType:
        probabilities = self.probabilities(text)
        return max(probabilities, key=probabilities.__getitem__)


@lru_cache(maxsize=1)
def shipped_tagger() -> AnswerTypeTagger | None:
    """The fitted tagger shipped with the product (None before `python -m evals.learn` ran)."""
    return AnswerTypeTagger.load() if MODEL.exists() else None
