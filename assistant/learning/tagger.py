"""Fitting the answer-type tagger: questions generated in every form (labelled by the form) and
the dev questions (labelled by the kind of answer their gold phrase is: a date, a count, an
amount, a name…; a question whose answer is none of these teaches only that it is not one)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.question.answer_types import SPAN_TYPES, AnswerType, find_spans
from assistant.question.tagger import AnswerTypeTagger, tagger_features

# The order in which a gold phrase's spans name the kind of answer (an amount is also a number).
PHRASE_ORDER = [
    AnswerType.MONEY,
    AnswerType.DATE,
    AnswerType.NUMBER,
    AnswerType.PERSON,
    AnswerType.PLACE,
    AnswerType.TITLE,
]


def phrase_type(phrases: Sequence[str]) -> AnswerType | None:
    """The span type the gold phrases carry, None when they carry none."""
    for kind in PHRASE_ORDER:
        if any(find_spans(p, kind) for p in phrases):
            return kind
    return None


def fit_tagger(
    texts: list[str], labels: list[AnswerType], C: float = 1.0, min_count: int = 2
) -> AnswerTypeTagger:
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    rows = [tagger_features(t) for t in texts]
    for features in rows:
        for f in set(features):
            counts[f] = counts.get(f, 0) + 1
    vocabulary = {
        f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))
    }
    X = np.zeros((len(texts), len(vocabulary)))
    for i, features in enumerate(rows):
        for f in features:
            if f in vocabulary:
                X[i, vocabulary[f]] = 1.0
    model = LogisticRegression(C=C, max_iter=5000).fit(X, [str(k) for k in labels])
    return AnswerTypeTagger(
        labels=list(model.classes_),
        vocabulary=vocabulary,
        weights=model.coef_.tolist(),
        intercepts=model.intercept_.tolist(),
    )


def span_agreement(
    tagger: AnswerTypeTagger, texts: list[str], kinds: list[AnswerType | None]
) -> float:
    """Share of questions whose span type the tagger reads right (None: asks for no span)."""
    right = 0
    for text, kind in zip(texts, kinds):
        tagged = tagger.tag(text)
        right += (tagged in SPAN_TYPES and tagged == kind) or (
            tagged not in SPAN_TYPES and kind is None
        )
    return right / max(1, len(texts))
