"""The evidence for an answer: every quotable unit of the ranked passages, scored for the question.

A unit is a sentence (its vector was embedded at index time) or, for questions that ask for a
title or the name of a phase or area, the heading its passage sits under. Each unit carries the
spans of the type the question asks for ("104 persone" for "quante persone…?"). A fitted model
(`SENTENCE_FEATURES`, see `assistant.learning`) gives each unit the probability that it holds
the answer; without one, the hand-weighted score it replaces (cosine + overlap + type bonus).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from assistant.question.analysed import Question
from assistant.question.answer_types import SPAN_TYPES, AnswerType, counted_nouns, find_spans
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.lexicon import Lexicon
from core.italian import content_stems
from core.limits import LIST_ITEM_START, section_leaf
from core.linear import LinearModel
from core.sections import AnswerSettings

SENTENCE_FEATURES = [
    "cosine",  # the unit's cosine to the question
    "cosine_gap",  # minus the best unit's
    "overlap",  # share of the question's content stems in the unit
    "rare_overlap",  # the same, weighted by rarity
    "passage",  # the passage ranker's probability for the unit's passage
    "passage_rank",  # 1 / (1 + the passage's rank)
    "asked_type",  # the question asks a date/number/name…, and the unit carries one
    "counts_asked",  # a count of the very thing asked ("104 persone" for "quante persone")
    "heading",  # the unit is its passage's heading
    "heading_overlap",  # share of the question's stems in the passage's heading
    "first",  # the passage's first sentence
    "list_item",  # a list item
    "glossary",  # share of the glossary terms the question evokes found in the unit
    "length",  # log of the unit's length
]


@dataclass
class Unit:
    hit: Hit
    sentence: str
    cosine: float
    score: float
    vector: np.ndarray
    overlap: float = 0.0  # share of the question's content stems found in the unit
    spans: list[str] = field(default_factory=list)  # pieces of the asked type
    heading: bool = False  # the unit is its passage's heading, not a sentence
    features: list[float] = field(default_factory=list)


# Ordinals as phase and area headings write them ("terza fase" → "Fase III", "Fase 3").
_ORDINALS = {
    "prim": "1 i",
    "second": "2 ii",
    "terz": "3 iii",
    "quart": "4 iv",
    "quint": "5 v",
    "sest": "6 vi",
}


def _heading_stems(text: str) -> set[str]:
    stems = content_stems(text)
    return stems | {n for s in stems if s in _ORDINALS for n in _ORDINALS[s].split()}


# Words that count people, whichever the question and the document use.
_PEOPLE = content_stems("persone gente partecipanti presenti iscritti cittadini people")


def _counted(stems: set[str]) -> set[str]:
    return stems | _PEOPLE if stems & _PEOPLE else stems


def counts_asked_thing(question: Question, spans: list[str]) -> list[str]:
    """The count spans that count what the question asks about ("104 persone" for "quante
    persone…?" or "quanta gente…?"), not any number nearby."""
    asked = _counted(set(question.stems))
    return [s for s in spans if _counted(content_stems(counted_nouns(s))) & asked]


class EvidenceScorer:
    """Every unit of the ranked passages with its features and its score, best first."""

    def __init__(
        self,
        sentence_vectors: np.ndarray,
        lexicon: Lexicon,
        params: AnswerSettings,
        model: LinearModel | None = None,
    ) -> None:
        if model is not None:
            model.check(SENTENCE_FEATURES)
        self.sentence_vectors = sentence_vectors
        self.lexicon = lexicon
        self.params = params
        self.model = model

    def units(self, question: Question, vector: np.ndarray, hits: list[Hit]) -> list[Unit]:
        out: list[Unit] = []
        for rank, hit in enumerate(hits):
            start = hit.chunk.sentence_start
            vectors = self.sentence_vectors[start : start + len(hit.chunk.sentences)]
            if not len(vectors):
                continue
            cosines = vectors @ vector
            for i, (sentence, v, cos) in enumerate(zip(hit.chunk.sentences, vectors, cosines)):
                out.append(self._unit(question, rank, hit, sentence, v, float(cos), i == 0))
            if question.asks_heading:
                best = int(np.argmax(cosines))
                heading = section_leaf(hit.chunk.meta.section)
                if heading:
                    out.append(
                        self._unit(question, rank, hit, heading, vectors[best], float(cosines[best]),
                                   False, is_heading=True)
                    )  # fmt: skip
        if not out:
            return out
        best_cosine = max(u.cosine for u in out)
        for u in out:
            u.features[1] = u.cosine - best_cosine
        rows = np.asarray([u.features for u in out], dtype=np.float64)
        scores = self.model.probabilities(rows) if self.model else [self._rule(u) for u in out]
        for u, s in zip(out, scores):
            u.score = float(s)
        out.sort(key=lambda u: u.score, reverse=True)
        return out

    def _unit(
        self,
        question: Question,
        rank: int,
        hit: Hit,
        text: str,
        vector: np.ndarray,
        cosine: float,
        first: bool,
        is_heading: bool = False,
    ) -> Unit:
        asked = question.stems
        stems = frozenset(_heading_stems(text) if is_heading else content_stems(text))
        overlap = len(asked & stems) / max(1, len(asked))
        kind = question.asks
        spans = [text] if is_heading else (find_spans(text, kind) if kind in SPAN_TYPES else [])
        counting = bool(kind is AnswerType.NUMBER and counts_asked_thing(question, spans))
        heading_stems = self.lexicon.heading_stems_of(hit.chunk)
        expansion = question.expansion_stems
        features = [
            cosine,
            0.0,  # filled in once every unit's cosine is known
            overlap,
            self.lexicon.weighted_share(frozenset(asked), stems),
            hit.score,
            1.0 / (1 + rank),
            float(bool(spans) and kind in SPAN_TYPES),
            float(counting),
            float(is_heading),
            len(asked & heading_stems) / max(1, len(asked)),
            float(first),
            float(bool(LIST_ITEM_START.match(text)) or text in hit.chunk.text.split("\n")),
            len(expansion & stems) / len(expansion) if expansion else 0.0,
            math.log(1 + len(text)),
        ]
        return Unit(hit, text, cosine, 0.0, vector, overlap, spans, is_heading, features)

    def _rule(self, unit: Unit) -> float:
        """The hand-weighted score the model replaces: cosine + overlap + a type bonus, less a
        little for lower-ranked passages."""
        f = dict(zip(SENTENCE_FEATURES, unit.features))
        p = self.params
        bonus = p.type_weight * (f["asked_type"] + f["counts_asked"]) if unit.spans else 0.0
        rank = 1 / f["passage_rank"] - 1
        return unit.cosine + p.lexical_weight * unit.overlap + bonus - 0.005 * rank
