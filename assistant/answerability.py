"""Do the documents answer this question? A calibrated probability, not a pile of thresholds.

A few measurements of the question against its evidence (how close the best sentence is, how
much of what the question is about the evidence mentions, whether the evidence carries the kind
of answer asked for, names the corpus never mentions…) go into a logistic regression fitted on
the dev split by cross-validation (`python -m evals.calibrate`), which also picks the operating
point. The fitted weights are data: assistant/calibration/answerability.json.

Some questions are never answered, whatever the evidence: no words at all, personal contact
details, instructions to the assistant.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from assistant.answer_types import AnswerType, find_spans
from assistant.coverage import hard_refusal, topic_stems, unknown_names
from assistant.evidence import SPAN_TYPES, Candidate, counts_asked_thing
from assistant.question import Question
from assistant.retrieve import Hit
from core.italian import content_stems, fold

CALIBRATION = Path(__file__).resolve().parent / "calibration" / "answerability.json"
EVIDENCE_UNITS = 5  # the units an answer would quote from
# Words of a question that say what kind of answer it wants, not what it is about.
_ASKING = content_stems(
    "quanti quante quanto quando dove chi come cosa quale quali numero data nome titolo "
    "persone persona gente volte anni"
)


# Question forms the documents of a plan do not answer, whatever its topic: how to apply, what
# will happen, what someone thinks, which was the most, the exact text of an article.
_OUT_OF_SCOPE = re.compile(
    r"\b(come (faccio|posso|si fa|si chiede|si presenta|ci si iscrive|partecipo|accedo)|"
    r"dove (posso|trovo|si trova)|a chi (mi rivolgo|devo)|"
    r"ci sara|saranno|sara |verra|verranno|prossim\w*|in futuro|"
    r"secondo te|pensi che|funzionera|conviene|e giusto|"
    r"(quale|quali|chi) .{0,40}\bpiu\b|il maggior\w*|"
    r"testo (dell'|del )?articolo|cosa dice esattamente|"
    r"how (do|can) i|will|most)\b"
)


@dataclass
class Features:
    cosine: float  # the best unit's cosine to the question
    standout: float  # how far the best sentence stands out from all the corpus's sentences (z)
    score: float  # the best unit's score (cosine + overlap + type bonus)
    known_share: float  # topic words the corpus knows (1 for a question not in Italian)
    evidence_share: float  # topic words the evidence (its quotable units and headings) mentions
    missing: float  # topic words the evidence does not mention (0, 1, 2, 3+)
    unknown: float  # topic words no document contains (0, 1, 2+)
    unknown_names: float  # capitalised words no document contains (0, 1, 2+)
    asks_span: float  # the question wants a number, date, person, place, title or amount
    type_found: float  # word overlap of the best evidence unit carrying one (0: none carries it)
    out_of_scope: float  # asks how to apply, about the future, an opinion, a superlative…
    glossary: float  # its everyday words map to a term of the plan
    fused_top: float  # the best passage's fused retrieval score, relative to its maximum
    italian: float
    followup: float  # fused with the previous turn

    def vector(self) -> list[float]:
        return list(asdict(self).values())


FEATURE_NAMES = list(Features.__dataclass_fields__)


def measure(
    question: Question,
    hits: list[Hit],
    units: list[Candidate],
    vocabulary: set[str],
    fused_max: float,
    corpus_spread: tuple[float, float],
) -> Features:
    """`corpus_spread`: the mean and standard deviation of the question's cosines to every
    sentence of the corpus (`SentenceStatistics`); the best of them is the best unit's."""
    topics = topic_stems(question)
    known = len(topics & vocabulary) / len(topics) if topics else 1.0
    asked = topics - _ASKING
    evidence: set[str] = set()
    for unit in units[:EVIDENCE_UNITS]:
        evidence |= content_stems(f"{unit.hit.chunk.meta.section} {unit.sentence}")
    share = len(asked & evidence) / len(asked) if asked else 1.0
    asks_span = question.asks in SPAN_TYPES
    found = 0.0
    if asks_span:
        for unit in units[:EVIDENCE_UNITS]:
            spans = unit.spans
            if question.asks is AnswerType.NUMBER:
                spans = counts_asked_thing(question, spans)
            if spans:
                found = max(found, unit.overlap, 0.01)
    names = len(unknown_names(question.lexical, vocabulary)) if question.italian else 0
    best = max((u.cosine for u in units), default=0.0)
    mean, spread = corpus_spread
    return Features(
        cosine=best,
        standout=(best - mean) / spread if spread else 0.0,
        score=units[0].score if units else 0.0,
        known_share=known if question.italian else 1.0,
        evidence_share=share,
        missing=float(min(len(asked - evidence), 3)),
        unknown=float(min(len(asked - vocabulary), 2)) if question.italian else 0.0,
        unknown_names=float(min(names, 2)),
        asks_span=float(asks_span),
        type_found=found,
        out_of_scope=float(bool(_OUT_OF_SCOPE.search(fold(question.asked)))),
        glossary=float(bool(question.expansion)),
        fused_top=(hits[0].score / fused_max) if hits and fused_max else 0.0,
        italian=float(question.italian),
        followup=float(question.previous is not None),
    )


@dataclass
class AnswerabilityModel:
    """A logistic regression over standardised features, and the probability below which the
    assistant says the documents do not answer."""

    names: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    intercept: float
    threshold: float

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> AnswerabilityModel:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path = CALIBRATION) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    def at(self, threshold: float | None) -> AnswerabilityModel:
        """The same model at another operating point (None: the calibrated one)."""
        return self if threshold is None else replace(self, threshold=threshold)

    def probability(self, features: Features) -> float:
        if self.names != FEATURE_NAMES:
            raise ValueError("the calibration was fitted on other features: re-run it")
        z = self.intercept + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features.vector(), self.mean, self.scale)
        )
        return 1.0 / (1.0 + math.exp(-z))


@dataclass
class Verdict:
    answerable: bool
    probability: float
    reason: str  # "ok", "calibrated", or the hard rule that refused
    features: Features | None = None


# A deadline: a date must be among the evidence, not just related words.
_ASKS_DEADLINE = re.compile(
    r"\b(entro (che|quale) (data|giorno)|entro quando|scadenza|scade|quando scade|data esatta|"
    r"deadline)\b"
)


def missing_answer_type(question: Question, units: list[Candidate]) -> str | None:
    """An amount or a deadline asked for that no evidence unit carries: the documents do not
    give it (they never state one the retrieval would miss)."""
    evidence = units[:EVIDENCE_UNITS]
    if question.asks is AnswerType.MONEY and not any(
        find_spans(u.sentence, AnswerType.MONEY) for u in evidence
    ):
        return "money"
    if _ASKS_DEADLINE.search(fold(question.asked)) and not any(
        find_spans(u.sentence, AnswerType.DATE) for u in evidence
    ):
        return "deadline"
    return None


def judge(
    question: Question, units: list[Candidate], features: Features, model: AnswerabilityModel
) -> Verdict:
    """Hard refusals first, then the calibrated probability against the operating point."""
    if (refusal := hard_refusal(question) or missing_answer_type(question, units)) is not None:
        return Verdict(False, 0.0, refusal, features)
    p = model.probability(features)
    return Verdict(
        p >= model.threshold, p, "ok" if p >= model.threshold else "calibrated", features
    )
