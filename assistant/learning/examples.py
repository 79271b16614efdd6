"""Questions with what answers them, and the feature rows a model learns from.

A labelled question names the passages that answer it by a phrase they contain (the gold set's
support phrases, or the sentence a generated question was made from), so the same labels work
whatever the chunking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.question.analysed import Question
from assistant.retrieval.ranking import PassageRanker
from core.italian import fold
from core.models import Turn
from indexer.stores import StoredChunk


def normalised(text: str) -> str:
    return " ".join(fold(text).split())


@dataclass(frozen=True)
class Labelled:
    id: str
    question: str
    history: tuple[Turn, ...] = ()
    support: tuple[tuple[str, str], ...] = ()  # (doc_id, phrase) that an answer must hold
    answerable: bool = True
    origin: str = "dev"  # "dev", "generated", "everyday"
    weight: float = 1.0
    _phrases: tuple[tuple[str, str], ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_phrases", tuple((d, normalised(p)) for d, p in self.support)
        )

    def held_by(self, chunk: StoredChunk) -> bool:
        """The passage (its heading path and text) holds a support phrase."""
        body = normalised(f"{chunk.meta.section}\n{chunk.text}")
        return any(d == chunk.meta.doc_id and p in body for d, p in self._phrases)

    def held_in(self, doc_id: str, text: str) -> bool:
        body = normalised(text)
        return any(d == doc_id and p in body for d, p in self._phrases)


class Pipeline(Protocol):
    """What learning needs of the assistant (structural: the Assistant has it)."""

    ranker: PassageRanker

    def analyse(self, question: str, history: list[Turn] | None = None) -> Question: ...

    def query_vector(self, question: Question) -> np.ndarray: ...


@dataclass
class Rows:
    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray  # the question each row belongs to
    weights: np.ndarray

    @staticmethod
    def join(parts: list[Rows]) -> Rows:
        parts = [p for p in parts if len(p.y)]
        return Rows(
            np.vstack([p.X for p in parts]),
            np.concatenate([p.y for p in parts]),
            np.concatenate([p.groups for p in parts]),
            np.concatenate([p.weights for p in parts]),
        )


def passage_rows(pipeline: Pipeline, items: list[Labelled]) -> Rows:
    """One row per candidate passage of every answerable question, labelled 1 when it holds the
    answer. Questions none of whose candidates holds it teach nothing and are left out."""
    X, y, groups, weights = [], [], [], []
    ranker = pipeline.ranker
    for item in items:
        if not item.answerable:
            continue
        question = pipeline.analyse(item.question, list(item.history))
        vector = pipeline.query_vector(question)
        candidates = ranker.candidates(question, vector, "hybrid" if question.italian else "dense")
        labels = [item.held_by(c.chunk) for c in candidates]
        if not any(labels):
            continue
        rows = ranker.features.rows(
            question, vector, candidates, ranker.retriever.named_documents(question)
        )
        X.append(rows)
        y += labels
        groups += [item.id] * len(labels)
        weights += [item.weight] * len(labels)
    if not X:
        return Rows(np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=object), np.zeros(0))
    return Rows(np.vstack(X), np.array(y, dtype=int), np.array(groups), np.array(weights))
