"""Retrieval and answer metrics over the gold set: hit@k, MRR, nDCG@5, phrase, citations, abstention."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from evals.gold import GoldItem, normalise, supports


@dataclass
class Outcome:
    """What one system did for one gold item."""

    item: GoldItem
    ranking: list[tuple[str, str]]  # (doc_id, passage text), best first
    answer: str | None = None  # None for retrieval-only baselines
    abstained: bool | None = None  # outcome "unsure" or "not_covered"
    cited: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, section + passage)
    latency_ms: float | None = None
    outcome: str | None = None  # "answer", "unsure" or "not_covered"

    def first_hit(self) -> int | None:
        for rank, (doc_id, text) in enumerate(self.ranking, start=1):
            if supports(self.item, doc_id, text):
                return rank
        return None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)], 1)


def _f1(correct: int, predicted: int, expected: int) -> float | None:
    if not predicted or not expected or not correct:
        return 0.0 if expected else None
    precision, recall = correct / predicted, correct / expected
    return round(2 * precision * recall / (precision + recall), 4)


def ndcg_at_5(outcome: Outcome) -> float:
    gains = [1.0 if supports(outcome.item, d, t) else 0.0 for d, t in outcome.ranking[:5]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal_hits = min(5, max(1, len({s.doc_id for s in outcome.item.support})))
    idcg = sum(1 / math.log2(i + 2) for i in range(ideal_hits))
    return min(1.0, dcg / idcg)


def cited_hit(outcome: Outcome) -> bool:
    """An answer (not a decline) with a cited passage that holds a gold phrase."""
    return not outcome.abstained and any(supports(outcome.item, d, t) for d, t in outcome.cited)


def answer_hit(outcome: Outcome) -> bool:
    """An answer (not a decline) whose own text holds a gold phrase."""
    text = normalise(outcome.answer or "")
    return not outcome.abstained and any(normalise(s.phrase) in text for s in outcome.item.support)


def not_covered(outcome: Outcome) -> bool:
    """Said plainly that the documents do not speak of it (an older system's abstention too)."""
    return outcome.outcome == "not_covered" or (outcome.outcome is None and bool(outcome.abstained))


def confidently_wrong(outcome: Outcome) -> bool:
    """Presented as an answer, and either no cited passage holds the gold or it should have been
    declined: what a user cannot tell from a right answer."""
    if outcome.abstained:
        return False
    return outcome.item.expect == "abstain" or not cited_hit(outcome)


def handled(outcome: Outcome) -> bool:
    """Right for its kind: a cited hit for an answerable item, a decline for the others."""
    if outcome.item.expect == "abstain":
        return bool(outcome.abstained)
    return cited_hit(outcome)


def summarise(outcomes: list[Outcome]) -> dict[str, float | int | None]:
    answerable = [o for o in outcomes if o.item.expect == "answer"]
    ranks = [o.first_hit() for o in answerable]
    out: dict[str, float | int | None] = {
        "n": len(outcomes),
        "hit@1": _mean([1.0 if r == 1 else 0.0 for r in ranks]),
        "hit@5": _mean([1.0 if r is not None and r <= 5 else 0.0 for r in ranks]),
        "mrr": _mean([1.0 / r if r else 0.0 for r in ranks]),
        "ndcg@5": _mean([ndcg_at_5(o) for o in answerable]),
        "followup_hit@5": _mean(
            [
                1.0 if (r := o.first_hit()) is not None and r <= 5 else 0.0
                for o in answerable
                if o.item.followup
            ]
        ),
    }
    answered = [o for o in outcomes if o.answer is not None]
    if answered:
        phrase = [
            1.0
            if any(normalise(s.phrase) in normalise(o.answer or "") for s in o.item.support)
            else 0.0
            for o in answered
            if o.item.expect == "answer"
        ]
        cited = [
            1.0 if supports(o.item, d, t) else 0.0
            for o in answered
            if o.item.expect == "answer" and not o.abstained
            for d, t in o.cited
        ]
        predicted = [o for o in answered if o.abstained]
        expected = [o for o in answered if o.item.expect == "abstain"]
        correct = [o for o in predicted if o.item.expect == "abstain"]
        latencies = [o.latency_ms for o in answered if o.latency_ms is not None]
        answerable_answered = [o for o in answered if o.item.expect == "answer"]
        out.update(
            {
                "cited_hit": _mean([float(cited_hit(o)) for o in answerable_answered]),
                "answer_hit": _mean([float(answer_hit(o)) for o in answerable_answered]),
                "followups": _mean([float(handled(o)) for o in answered if o.item.followup]),
                "decline_f1": _f1(len(correct), len(predicted), len(expected)),
                "phrase_in_answer": _mean(phrase),
                "citation_precision": _mean(cited),
                "abstain_precision": round(len(correct) / len(predicted), 4) if predicted else None,
                "abstain_recall": round(len(correct) / len(expected), 4) if expected else None,
                # Only "not covered" on an answerable question is a false decline; "unsure"
                # is a miss for the hits and a decline for the recall.
                "false_abstain_rate": _mean(
                    [float(not_covered(o)) for o in answered if o.item.expect == "answer"]
                ),
                "unsure_rate": _mean([float(o.outcome == "unsure") for o in answered]),
                "confidently_wrong": _mean([float(confidently_wrong(o)) for o in answered]),
                "latency_p50_ms": _percentile(latencies, 0.5),
                "latency_p95_ms": _percentile(latencies, 0.95),
            }
        )
    return out
