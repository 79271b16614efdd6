"""What the passage ranker measures of a candidate passage against a question.

Every feature is relative or bounded (a rank, a share, a gap to the best candidate), never a
count that only means something in one corpus, so a ranking fitted on one set of documents
carries over to another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assistant.question.analysed import Question
from assistant.question.answer_types import SPAN_TYPES, find_spans
from assistant.retrieval.lexicon import Lexicon
from core.limits import LIST_ITEM_START
from indexer.stores import OpenIndex, StoredChunk

PASSAGE_FEATURES = [
    "dense",  # the passage vector's cosine to the question
    "dense_gap",  # that cosine minus the best candidate's
    "dense_rank",  # 1 / (1 + rank) among the dense candidates (0 when not among them)
    "bm25",  # BM25 score relative to the best candidate's
    "bm25_rank",  # 1 / (1 + rank) among the BM25 candidates
    "sentence",  # the best sentence's cosine
    "sentence_gap",  # that cosine minus the best of any candidate's sentences
    "second_sentence",  # the second best sentence's cosine (a passage that answers in two)
    "overlap",  # share of the question's content stems in the passage
    "rare_overlap",  # the same, each stem weighted by its rarity in the corpus
    "heading_overlap",  # share of the question's stems in the passage's own heading
    "asked_type",  # the question asks a date/number/name…, and the passage carries one
    "source_named",  # the question names this passage's kind of source or document
    "glossary",  # the plan's terms that the question's everyday words evoke are in the passage
    "list",  # the passage is a list
    "length",  # log of the passage's length in characters
]


@dataclass(frozen=True)
class Candidate:
    """A passage found by either retriever, with its place in each ranking."""

    chunk: StoredChunk
    dense: float
    dense_rank: int | None
    bm25: float
    bm25_rank: int | None


def is_list(chunk: StoredChunk) -> bool:
    """A passage whose lines are (all but one) list items: an area's objectives, the phases…"""
    lines = [ln for ln in chunk.text.splitlines() if ln.strip() and not ln.startswith("  ")]
    return (
        len(lines) >= 2 and sum(bool(LIST_ITEM_START.match(ln)) for ln in lines) >= len(lines) - 1
    )


class PassageFeatures:
    """Feature rows for the candidates of one question (one row per candidate)."""

    def __init__(self, index: OpenIndex, lexicon: Lexicon) -> None:
        self.index = index
        self.lexicon = lexicon
        self._typed: dict[tuple[str, str], bool] = {}

    def _carries(self, chunk: StoredChunk, kind) -> bool:  # type: ignore[no-untyped-def]
        key = (chunk.chunk_id, str(kind))
        if key not in self._typed:
            self._typed[key] = any(find_spans(s, kind) for s in chunk.sentences)
        return self._typed[key]

    def rows(
        self,
        question: Question,
        vector: np.ndarray,
        candidates: list[Candidate],
        named_docs: set[str],
    ) -> np.ndarray:
        if not candidates:
            return np.zeros((0, len(PASSAGE_FEATURES)))
        sentence_cosines = [self._sentence_cosines(c.chunk, vector) for c in candidates]
        best_dense = max(c.dense for c in candidates)
        best_bm25 = max(c.bm25 for c in candidates) or 1.0
        best_sentence = max(float(s[0]) for s in sentence_cosines)
        asked = question.stems_with_acronyms
        expansion = frozenset(question.expansion_stems)
        rows = []
        for c, cos in zip(candidates, sentence_cosines):
            stems = self.lexicon.stems_of(c.chunk)
            rows.append(
                [
                    c.dense,
                    c.dense - best_dense,
                    1.0 / (1 + c.dense_rank) if c.dense_rank is not None else 0.0,
                    c.bm25 / best_bm25,
                    1.0 / (1 + c.bm25_rank) if c.bm25_rank is not None else 0.0,
                    float(cos[0]),
                    float(cos[0]) - best_sentence,
                    float(cos[1]) if len(cos) > 1 else float(cos[0]),
                    len(asked & stems) / max(1, len(asked)),
                    self.lexicon.weighted_share(asked, stems),
                    len(asked & self.lexicon.heading_stems_of(c.chunk)) / max(1, len(asked)),
                    float(question.asks in SPAN_TYPES and self._carries(c.chunk, question.asks)),
                    float(c.chunk.meta.doc_id in named_docs),
                    len(expansion & stems) / len(expansion) if expansion else 0.0,
                    float(is_list(c.chunk)),
                    math.log(1 + len(c.chunk.text)),
                ]
            )
        return np.asarray(rows, dtype=np.float64)

    def _sentence_cosines(self, chunk: StoredChunk, vector: np.ndarray) -> np.ndarray:
        start = chunk.sentence_start
        vectors = self.index.sentence_vectors[start : start + len(chunk.sentences)]
        if not len(vectors):
            return np.zeros(1)
        return np.sort(vectors @ vector)[::-1]
