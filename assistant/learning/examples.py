"""Questions with what answers them, and the feature rows a model learns from.

A labelled question names the passages that answer it by a phrase they contain (the gold set's
support phrases, or the sentence a generated question was made from), so the same labels work
whatever the chunking.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Protocol

import numpy as np

from assistant.answer.compose import compose_answer
from assistant.answer.coverage import hard_refusal
from assistant.answer.evidence import EvidenceScorer
from assistant.answer.outcome import CorpusContext, measure
from assistant.answer.sections import SectionTree
from assistant.question.analysed import Question
from assistant.retrieval.ranking import PassageRanker
from core.italian import fold
from core.models import Answer, Turn
from indexer.stores import StoredChunk


@lru_cache(maxsize=65536)
def normalised(text: str) -> str:
    return " ".join(fold(text).split())


# A question's analysis and vector depend on no fitted model: each labelled question is analysed
# and embedded once per pipeline, however many models learn from it.
_analysed: weakref.WeakKeyDictionary[object, dict[tuple, tuple[Question, np.ndarray]]] = (
    weakref.WeakKeyDictionary()
)


def analysed(pipeline: Pipeline, item: Labelled) -> tuple[Question, np.ndarray]:
    memo = _analysed.setdefault(pipeline, {})
    key = (item.question, tuple((t.role, t.content) for t in item.history))
    if key not in memo:
        question = pipeline.analyse(item.question, list(item.history))
        memo[key] = (question, pipeline.query_vector(question))
    return memo[key]


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
        object.__setattr__(self, "_phrases", tuple((d, normalised(p)) for d, p in self.support))

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
    evidence_scorer: EvidenceScorer
    corpus: CorpusContext
    sections: SectionTree

    def analyse(self, question: str, history: list[Turn] | None = None) -> Question: ...

    def query_vector(self, question: Question) -> np.ndarray: ...

    def routed(self, question: Question) -> Answer | None: ...


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
        question, vector = analysed(pipeline, item)
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


def _found(pipeline: Pipeline, item: Labelled, top_k: int):  # type: ignore[no-untyped-def]
    question, vector = analysed(pipeline, item)
    mode = "hybrid" if question.italian else "dense"
    return question, vector, pipeline.ranker.rank(question, vector, top_k, mode)


def sentence_rows(pipeline: Pipeline, items: list[Labelled], top_k: int) -> Rows:
    """One row per evidence unit of every answerable question, labelled 1 when the unit holds
    the answer (questions none of whose units holds it are left out)."""
    X, y, groups, weights = [], [], [], []
    for item in items:
        if not item.answerable:
            continue
        question, vector, hits = _found(pipeline, item, top_k)
        units = pipeline.evidence_scorer.units(question, vector, hits)
        labels = [item.held_in(u.hit.chunk.meta.doc_id, u.sentence) for u in units]
        if not any(labels):
            continue
        X += [u.features for u in units]
        y += labels
        groups += [item.id] * len(units)
        weights += [item.weight] * len(units)
    return _rows(X, y, groups, weights)


@dataclass(frozen=True)
class Settled:
    """A question the outcome models never see: answered by a route (organisations,
    measures) or refused by rule (contact details, instructions, no words)."""

    id: str
    outcome: str
    right: bool
    answerable: bool


@dataclass
class OutcomeRows:
    right: Rows  # label: the composed answer cites a passage holding the gold
    covered: Rows  # label: the documents answer it
    settled: list[Settled]


def outcome_rows(
    pipeline: Pipeline, items: list[Labelled], top_k: int, params, everyday_own: dict[str, int]
) -> OutcomeRows:  # type: ignore[no-untyped-def]
    """Per question the models decide, the outcome features and two labels; the others
    settled as the product settles them. `everyday_own` maps an everyday question to its row
    in the everyday bank, left out of its own measurement."""
    X, right, covered, groups, weights = [], [], [], [], []
    settled: list[Settled] = []
    for item in items:
        question, vector = analysed(pipeline, item)
        routed = pipeline.routed(question)
        if routed is not None:
            held = any(item.held_in(c.doc_id, f"{c.section}\n{c.text}") for c in routed.citations)
            settled.append(Settled(item.id, routed.outcome, held, item.answerable))
            continue
        if question.is_instruction or hard_refusal(question) is not None:
            settled.append(Settled(item.id, "not_covered", False, item.answerable))
            continue
        vector = pipeline.query_vector(question)
        hits = pipeline.ranker.rank(
            question, vector, top_k, "hybrid" if question.italian else "dense"
        )
        units = pipeline.evidence_scorer.units(question, vector, hits)
        corpus = pipeline.corpus
        if item.id in everyday_own:
            own = everyday_own[item.id]
            corpus = replace(corpus, everyday_vectors=np.delete(corpus.everyday_vectors, own, 0))
        X.append(measure(question, vector, hits, units, corpus))
        held = False
        if item.answerable and units:
            composed = compose_answer(question, hits, units, params, pipeline.sections)
            held = any(item.held_in(c.doc_id, f"{c.section}\n{c.text}") for c in composed.citations)
        right.append(held)
        covered.append(item.answerable)
        groups.append(item.id)
        weights.append(item.weight)
    return OutcomeRows(
        _rows(X, right, groups, weights), _rows(X, covered, groups, weights), settled
    )


def _rows(X: list, y: list, groups: list, weights: list) -> Rows:  # type: ignore[type-arg]
    if not X:
        return Rows(np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=object), np.zeros(0))
    return Rows(
        np.asarray(X, dtype=np.float64),
        np.asarray(y, dtype=int),
        np.asarray(groups),
        np.asarray(weights, dtype=np.float64),
    )
