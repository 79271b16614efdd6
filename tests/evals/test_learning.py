"""How `python -m evals.learn` labels and chooses: the tagger's titles, the answer threshold."""

from __future__ import annotations

import numpy as np

from assistant.question.answer_types import AnswerType
from evals.gold import Support
from evals.learning_cv import decisions, figures, upper_bound
from evals.learning_tagger import heading_type


def test_a_gold_phrase_that_is_a_heading_asks_for_a_title():
    headings = {"fase iii – evento partecipativo", "le priorita"}
    support = [Support(doc_id="d", phrase="Fase III – Evento partecipativo")]
    assert heading_type(support, headings) is AnswerType.TITLE
    # a few words that only occur in a heading are not its name
    assert heading_type([Support(doc_id="d", phrase="evento")], headings) is None


def test_the_answer_threshold_keeps_a_margin_of_one_standard_error():
    assert upper_bound(0.0, 100) == 0.0
    assert upper_bound(0.05, 277) > 0.05
    assert abs(upper_bound(0.05, 277) - (0.05 + (0.05 * 0.95 / 277) ** 0.5)) < 1e-12
    assert upper_bound(0.05, 10_000) < upper_bound(0.05, 100)


def test_decisions_answer_above_the_threshold_and_decline_below_coverage():
    right_p = np.array([0.9, 0.5, 0.5])
    covered_p = np.array([0.9, 0.9, 0.1])
    out = decisions(right_p, covered_p, 0.8, 0.3)
    assert out.tolist() == [0, 1, 2]
    f = figures(out, np.array([True, True, False]), np.array([True, True, False]))
    assert f["confidently_wrong"] == 0.0 and f["decline_recall"] == 1.0


def test_the_margin_never_lowers_the_answer_threshold():
    from evals.learning_cv import answer_threshold

    rng = np.random.default_rng(0)
    right_p = rng.random(300)
    answerable = rng.random(300) < 0.8
    right = answerable & (rng.random(300) < right_p)
    covered_p = np.ones(300)
    exact = answer_threshold(right_p, covered_p, right, answerable, 0.3, margin=False)
    strict = answer_threshold(right_p, covered_p, right, answerable, 0.3, margin=True)
    assert strict >= exact
