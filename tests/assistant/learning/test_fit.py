"""Fitting without scikit-learn in a build: the same optimum as its LogisticRegression(C)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.learning.fit import fit_logistic, folds_of, logistic_regression


@pytest.mark.parametrize("C", [0.1, 1.0])
def test_newtons_method_finds_scikit_learns_optimum(C):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.RandomState(0)
    X = rng.randn(600, 6)
    y = (X @ rng.randn(6) + rng.randn(600) > 0).astype(float)
    w = rng.rand(600) + 0.5
    reference = LogisticRegression(C=C, max_iter=5000, tol=1e-10).fit(X, y, sample_weight=w)
    coef, intercept = logistic_regression(X, y, C, w)
    assert np.allclose(coef, reference.coef_[0], atol=1e-6)
    assert intercept == pytest.approx(reference.intercept_[0], abs=1e-6)


def test_a_fitted_model_ranks_the_positive_rows_first():
    rng = np.random.RandomState(1)
    X = rng.randn(300, 3)
    y = (X[:, 0] > 0).astype(int)
    model = fit_logistic(X, y, ["x", "noise1", "noise2"], C=1.0)
    scores = model.scores(X)
    assert scores[y == 1].min() > np.median(scores[y == 0])
    assert model.notes["rows"] == 300


def test_folds_keep_a_questions_rows_together():
    groups = np.array(["q1", "q1", "q2", "q3", "q3", "q3", "q4", "q5"])
    folds = folds_of(groups, folds=3)
    for g in set(groups):
        assert len(set(folds[groups == g])) == 1
    assert len(set(folds)) == 3
