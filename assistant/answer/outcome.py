"""Which of three honest outcomes a question gets: an answer, "non ne sono sicuro", or "i
documenti non ne parlano".

Measurements of the question against its evidence go into two fitted logistic models
(`assistant.learning`): how likely the quotes the answer would lead with hold the answer
(`right`), and how likely the documents speak of what is asked at all (`covered`). Their
operating points were chosen by cross-validation on dev: an answer only when `right` clears its
threshold; "not covered" when `covered` falls below its own; "not sure" in between, where the
closest passages are shown as such and never as the answer.

Some questions are never answered, whatever the evidence: no words at all, personal contact
details, instructions to the assistant, an amount of money that no evidence sentence carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.answer.coverage import hard_refusal, topic_stems, unknown_names
from assistant.answer.evidence import Unit, counts_asked_thing
from assistant.question.analysed import Question
from assistant.question.answer_types import SPAN_TYPES, AnswerType
from assistant.retrieval.hybrid import Hit
from core.italian import content_stems
from core.linear import LinearModel
from core.models import Outcome

EVIDENCE_UNITS = 5  # the units an answer would quote from
# Words of a question that say what kind of answer it wants, not what it is about.
_ASKING = content_stems(
    "quanti quante quanto quando dove chi come cosa quale quali numero data nome titolo "
    "persone persona gente volte anni"
)

OUTCOME_FEATURES = [
    "cosine",  # the best unit's cosine to the question
    "standout",  # how far the best retrieved sentence stands out from all the corpus's (z)
    "everyday_margin",  # the best retrieved sentence's cosine minus the best everyday question's
    "known_share",  # topic words the corpus knows (1 for a question not in Italian)
    "evidence_share",  # topic words the evidence mentions
    "missing",  # topic words the evidence does not mention (0, 1, 2, 3+)
    "unknown",  # topic words no document contains (0, 1, 2+)
    "unknown_names",  # capitalised words no document contains (0, 1, 2+)
    "asks_span",  # the question wants a number, date, person, place, title or amount
    "type_found",  # word overlap of the best evidence unit carrying it (0: none carries it)
    "glossary",  # its everyday words map to a term of the plan
    "passage",  # the ranker's probability for the best passage
    "passage_margin",  # … minus the second best's
    "unit",  # the evidence model's probability for the best unit
    "unit_margin",  # … minus the second best's
    "unit_rare_overlap",  # rarity-weighted share of the question's stems in the best unit
    "typed_topic",  # the same for the best unit carrying the asked type (0: none carries it)
    "agree_dense",  # the best passage is also dense search's first
    "agree_bm25",  # … and BM25's first
    "italian",
    "followup",  # fused with the previous turn
]


@dataclass(frozen=True)
class CorpusContext:
    """What the measurements compare a question with: the corpus's words and sentences, and
    the everyday questions on other subjects."""

    vocabulary: frozenset[str]
    # The mean and spread of a question's cosines to every sentence of the corpus, exact from
    # statistics the build kept (`indexer.sentence_stats`), without a product over them all.
    mean_and_spread: Callable[[np.ndarray], tuple[float, float]]
    everyday_vectors: np.ndarray
    rarity_share: Callable[[frozenset[str], frozenset[str]], float]

    def standout(self, vector: np.ndarray, best: float) -> float:
        """How far `best` (the best retrieved sentence's cosine) stands out from all the
        corpus's sentences (z)."""
        mean, spread = self.mean_and_spread(vector)
        return (best - mean) / spread if spread else 0.0

    def everyday_best(self, vector: np.ndarray) -> float:
        return float((self.everyday_vectors @ vector).max()) if len(self.everyday_vectors) else 0.0


def measure(
    question: Question,
    vector: np.ndarray,
    hits: list[Hit],
    units: list[Unit],
    corpus: CorpusContext,
) -> list[float]:
    topics = topic_stems(question)
    vocabulary = corpus.vocabulary
    known = len(topics & vocabulary) / len(topics) if topics else 1.0
    asked = topics - _ASKING
    evidence: set[str] = set()
    for unit in units[:EVIDENCE_UNITS]:
        evidence |= content_stems(f"{unit.hit.chunk.meta.section} {unit.sentence}")
    share = len(asked & evidence) / len(asked) if asked else 1.0
    asks_span = question.asks in SPAN_TYPES
    names = (
        len(unknown_names(question.lexical, set(vocabulary), question.acronyms))
        if question.italian
        else 0
    )
    best = max((u.cosine for u in units), default=0.0)
    standout = corpus.standout(vector, best)
    passages = [h.score for h in hits[:2]] + [0.0, 0.0]
    scores = [u.score for u in units[:2]] + [0.0, 0.0]
    return [
        best,
        standout,
        best - corpus.everyday_best(vector),
        known if question.italian else 1.0,
        share,
        float(min(len(asked - evidence), 3)),
        float(min(len(asked - vocabulary), 2)) if question.italian else 0.0,
        float(min(names, 2)),
        float(asks_span),
        type_found(question, units) if asks_span else 0.0,
        float(bool(question.expansion)),
        passages[0],
        passages[0] - passages[1],
        scores[0],
        scores[0] - scores[1],
        units[0].features[3] if units else 0.0,
        typed_topic(question, units, corpus) if asks_span else 0.0,
        float(bool(hits) and hits[0].dense_rank == 0),
        float(bool(hits) and hits[0].bm25_rank == 0),
        float(question.italian),
        float(question.previous is not None),
    ]


def typed_topic(question: Question, units: list[Unit], corpus: CorpusContext) -> float:
    """How much of what the question is about (its words that do not just ask "how many",
    "when"…) the best unit carrying the asked type mentions, rarer words counting more."""
    asked = frozenset(topic_stems(question) - _ASKING)
    if not asked:
        return 0.0
    best = 0.0
    for unit in units[:EVIDENCE_UNITS]:
        spans = unit.spans
        if question.asks is AnswerType.NUMBER:
            spans = counts_asked_thing(question, spans)
        if spans:
            stems = frozenset(content_stems(f"{unit.hit.chunk.meta.section} {unit.sentence}"))
            best = max(best, corpus.rarity_share(asked, stems), 0.01)
    return best


def type_found(question: Question, units: list[Unit]) -> float:
    found = 0.0
    for unit in units[:EVIDENCE_UNITS]:
        spans = unit.spans
        if question.asks is AnswerType.NUMBER:
            spans = counts_asked_thing(question, spans)
        if spans:
            found = max(found, unit.overlap, 0.01)
    return found


# What a question asks for that the evidence may lack, as the "not covered" message names it.
MissingKind = Literal["importi", "date", "numeri", "persone", "luoghi", "titoli", "contatti"]
_MISSING: dict[AnswerType, MissingKind] = {
    AnswerType.MONEY: "importi",
    AnswerType.DATE: "date",
    AnswerType.NUMBER: "numeri",
    AnswerType.PERSON: "persone",
    AnswerType.PLACE: "luoghi",
    AnswerType.TITLE: "titoli",
}


def missing_kind(question: Question, units: list[Unit]) -> MissingKind | None:
    """The kind of thing asked for that no evidence unit carries (an amount, a date…)."""
    if question.asks not in _MISSING:
        return None
    if type_found(question, units) > 0:
        return None
    return _MISSING[question.asks]


@dataclass
class Decision:
    outcome: Outcome
    right: float  # probability that the answer's leading quotes hold the answer
    covered: float  # probability that the documents speak of it
    reason: str  # "model", or the rule that refused ("empty", "contact", "instruction")
    missing: MissingKind | None = None
    features: list[float] | None = None


@dataclass
class OutcomeModels:
    right: LinearModel
    covered: LinearModel

    def __post_init__(self) -> None:
        self.right.check(OUTCOME_FEATURES)
        self.covered.check(OUTCOME_FEATURES)

    @property
    def answer_at(self) -> float:
        return self.right.thresholds["answer"]

    @property
    def not_covered_below(self) -> float:
        return self.covered.thresholds["not_covered"]

    def decide(self, question: Question, units: list[Unit], features: list[float]) -> Decision:
        missing = missing_kind(question, units)
        if question.is_instruction:
            return Decision("not_covered", 0.0, 0.0, "instruction", None, features)
        if (refusal := hard_refusal(question)) is not None:
            kind: MissingKind | None = "contatti" if refusal == "contact" else None
            return Decision("not_covered", 0.0, 0.0, refusal, kind, features)
        right = self.right.probability(features)
        covered = self.covered.probability(features)
        if not units:
            return Decision("not_covered", right, covered, "no evidence", missing, features)
        if missing == "importi":  # an amount no evidence carries is never guessed at
            return Decision("not_covered", right, covered, "amount", missing, features)
        if right >= self.answer_at and missing is None:
            # An answer leads with what was asked: a date, a count, a name… that no evidence
            # unit carries makes the quotes at best the closest ones.
            return Decision("answer", right, covered, "model", None, features)
        outcome: Outcome = "not_covered" if covered < self.not_covered_below else "unsure"
        return Decision(outcome, right, covered, "model", missing, features)
