"""The gold set as labelled questions for `assistant.learning`, and ranking figures of out-of-fold
scores (dev only: the test split is never trained or tuned on)."""

from __future__ import annotations

import numpy as np

from assistant.learning.examples import Labelled, Rows
from evals.gold import GoldItem


def labelled(items: list[GoldItem]) -> list[Labelled]:
    return [
        Labelled(
            id=g.id,
            question=g.question,
            history=tuple(g.history),
            support=tuple((s.doc_id, s.phrase) for s in g.support),
            answerable=g.expect == "answer",
            origin=g.split,
        )
        for g in items
    ]


def ranking_quality(rows: Rows, scores: np.ndarray, depths: tuple[int, ...] = (1, 3, 5)) -> dict:
    """hit@k and MRR over the questions of `rows`, ranking each question's rows by `scores`."""
    hits = {k: 0 for k in depths}
    mrr = 0.0
    questions = np.unique(rows.groups)
    for g in questions:
        mask = rows.groups == g
        ordered = rows.y[mask][np.argsort(-scores[mask], kind="stable")]
        found = np.flatnonzero(ordered)
        rank = int(found[0]) + 1 if len(found) else None
        for k in depths:
            hits[k] += rank is not None and rank <= k
        mrr += 1 / rank if rank else 0.0
    n = max(1, len(questions))
    return {f"hit@{k}": round(v / n, 3) for k, v in hits.items()} | {"mrr": round(mrr / n, 3)}
