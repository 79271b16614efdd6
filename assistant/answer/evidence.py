"""The evidence for an answer: every quotable unit of the retrieved passages, scored for the question.

A unit is a sentence (its vector was embedded at index time) or, for questions that ask for a
title or the name of a phase or area, the heading its passage sits under. Each unit carries the
spans of the type the question asks for ("104 persone" for "quante persone…?").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.question.analysed import Question
from assistant.question.answer_types import AnswerType, counted_nouns, find_spans
from assistant.retrieval.hybrid import Hit
from core.italian import content_stems
from core.limits import section_leaf
from core.sections import AnswerSettings

# Answer types whose span can lead the answer.
SPAN_TYPES = frozenset(
    {
        AnswerType.NUMBER,
        AnswerType.DATE,
        AnswerType.PERSON,
        AnswerType.PLACE,
        AnswerType.TITLE,
        AnswerType.MONEY,
    }
)


@dataclass
class Candidate:
    hit_rank: int
    hit: Hit
    sentence: str
    cosine: float
    score: float
    vector: np.ndarray
    overlap: float = 0.0  # share of the question's content stems found in the unit
    spans: list[str] = field(default_factory=list)  # pieces of the asked type
    heading: bool = False  # the unit is its passage's heading, not a sentence


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


def _type_bonus(question: Question, spans: list[str], params: AnswerSettings) -> float:
    if not spans:
        return 0.0
    bonus = params.type_weight
    if question.asks is AnswerType.NUMBER and counts_asked_thing(question, spans):
        bonus += params.type_weight
    return bonus


def score_units(
    question: Question,
    query_vector: np.ndarray,
    hits: list[Hit],
    sentence_vectors: np.ndarray,
    params: AnswerSettings,
) -> list[Candidate]:
    """Every unit of the retrieved passages, best first: cosine + word overlap + a bonus for
    carrying the asked type, minus a little for lower-ranked passages."""
    q_stems = question.stems
    kind = question.asks
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        start = hit.chunk.sentence_start
        vectors = sentence_vectors[start : start + len(hit.chunk.sentences)]
        cosines = vectors @ query_vector if len(vectors) else np.zeros(0)
        for sentence, vector, cos in zip(hit.chunk.sentences, vectors, cosines):
            overlap = len(q_stems & content_stems(sentence)) / max(1, len(q_stems))
            spans = find_spans(sentence, kind) if kind in SPAN_TYPES else []
            score = (
                float(cos)
                + params.lexical_weight * overlap
                + _type_bonus(question, spans, params)
                - 0.005 * rank
            )
            out.append(Candidate(rank, hit, sentence, float(cos), score, vector, overlap, spans))
        if question.asks_heading and len(vectors):
            out.append(_heading_unit(question, rank, hit, vectors, cosines, params))
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def _heading_unit(
    question: Question,
    rank: int,
    hit: Hit,
    vectors: np.ndarray,
    cosines: np.ndarray,
    params: AnswerSettings,
) -> Candidate:
    """The passage's own heading as an answer ("Fase III – Evento partecipativo"): scored by
    the passage's best sentence and the words the heading shares with the question."""
    heading = section_leaf(hit.chunk.meta.section)
    best = int(np.argmax(cosines))
    asked = _heading_stems(question.lexical)
    overlap = len(asked & _heading_stems(heading)) / max(1, len(question.stems))
    score = (
        float(cosines[best]) + params.lexical_weight * overlap + params.type_weight - 0.005 * rank
    )
    return Candidate(
        rank, hit, heading, float(cosines[best]), score, vectors[best], overlap, [heading], True
    )
