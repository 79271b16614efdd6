"""A fitted linear model as data: it round-trips through its file and refuses other features."""

from __future__ import annotations

import numpy as np
import pytest

from core.linear import LinearModel


def model() -> LinearModel:
    return LinearModel(
        names=["a", "b"], mean=[1.0, 0.0], scale=[2.0, 1.0], weights=[1.5, -0.5], intercept=0.2
    )


def test_scores_are_standardised_dot_products_plus_intercept():
    rows = np.array([[3.0, 1.0], [1.0, 0.0]])
    assert np.allclose(model().scores(rows), [1.5 * 1.0 - 0.5 * 1.0 + 0.2, 0.2])
    assert model().probability([1.0, 0.0]) == pytest.approx(1 / (1 + np.exp(-0.2)))


def test_it_round_trips_through_its_file(tmp_path):
    m = model()
    m.thresholds = {"answer": 0.7}
    m.save(tmp_path / "m.json")
    back = LinearModel.load(tmp_path / "m.json")
    assert back.thresholds == {"answer": 0.7}
    assert np.allclose(back.probabilities(np.eye(2)), m.probabilities(np.eye(2)))


def test_a_model_fitted_on_other_features_is_refused():
    with pytest.raises(ValueError, match="other features"):
        model().check(["a", "c"])
