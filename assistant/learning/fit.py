"""Logistic models chosen by grouped cross-validation (a question's rows stay in one fold)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.linear import LinearModel

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5


def folds_of(groups: np.ndarray, folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """A fold number for every row, the same for every row of one group (question)."""
    unique = np.unique(groups)
    order = np.random.RandomState(seed).permutation(len(unique))
    fold_of_group = {g: int(i % folds) for g, i in zip(unique[order], range(len(unique)))}
    return np.array([fold_of_group[g] for g in groups])


def logistic_regression(
    X: np.ndarray, y: np.ndarray, C: float, weights: np.ndarray | None = None, steps: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method: the minimum of
    Σ wᵢ·logloss(yᵢ, xᵢβ + b) + ‖β‖² / (2C), the intercept unpenalised — scikit-learn's
    LogisticRegression(C) objective, without importing it into a build (a few features, a few
    thousand rows: ten Newton steps)."""
    n, d = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    A = np.hstack([X, np.ones((n, 1))])
    beta = np.zeros(d + 1)
    penalty = np.full(d + 1, 1.0 / C)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(A @ beta)))
        gradient = A.T @ (w * (p - y)) + penalty * beta
        hessian = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def fit_logistic(
    X: np.ndarray, y: np.ndarray, names: Sequence[str], C: float, weights: np.ndarray | None = None
) -> LinearModel:
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    coef, intercept = logistic_regression((X - mean) / scale, y.astype(np.float64), C, weights)
    return LinearModel(
        names=list(names),
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        weights=[round(float(v), 6) for v in coef],
        intercept=round(intercept, 6),
        notes={"C": C, "rows": int(len(y)), "positives": int(y.sum())},
    )


def out_of_fold(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    names: Sequence[str],
    C: float,
    train_mask: np.ndarray | None = None,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
    seeds: int = 1,
) -> np.ndarray:
    """Out-of-fold scores (log-odds) of every row, averaged over `seeds` fold assignments.
    `train_mask` limits what a fold may train on; `extra` rows are always trained on (e.g.
    generated questions next to a dev fold)."""
    scores = np.zeros(len(y))
    for seed in range(seeds):
        fold = folds_of(groups, seed=seed)
        for f in range(FOLDS):
            train = fold != f
            if train_mask is not None:
                train &= train_mask
            Xt, yt = X[train], y[train]
            if extra is not None:
                Xt, yt = np.vstack([Xt, extra[0]]), np.concatenate([yt, extra[1]])
            model = fit_logistic(Xt, yt, names, C)
            scores[fold == f] += model.scores(X[fold == f])
    return scores / seeds


def choose_C(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    names: Sequence[str],
    quality: Callable[[np.ndarray], float],
    grid: Sequence[float] = C_GRID,
) -> tuple[float, dict[float, float]]:
    """The C whose out-of-fold scores `quality` likes best (ties: the smaller C)."""
    results = {C: quality(out_of_fold(X, y, groups, names, C)) for C in grid}
    best = max(results.values())
    return min(C for C, q in results.items() if q >= best - 1e-9), results
