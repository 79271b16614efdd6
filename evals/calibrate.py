"""`python -m evals.calibrate`: fit the answerability model on the dev split, by cross-validation.

Every dev question that reaches the decision (not answered by a route, not refused by a hard
rule) gives its measurements (`assistant.answerability.Features`) and its label (the documents
answer it or not). Repeated stratified 5-fold CV chooses the regularisation and the operating
point from out-of-fold probabilities: the lowest probability threshold that keeps false declines
at or under `--max-false-declines` of answerable questions. The model fitted on all of dev is
written to assistant/calibration/answerability.json; the figures to evals/results/calibration.md.
The test split is never read here.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

from core.offline import go_offline

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS, REPEATS = 5, 5


@dataclass
class Sample:
    id: str
    category: str
    x: list[float]
    answerable: bool


def collect(assistant, gold) -> list[Sample]:  # type: ignore[no-untyped-def]
    from assistant.answer.answerability import missing_answer_type
    from assistant.answer.coverage import hard_refusal

    samples = []
    for item in gold:
        question = item.question
        if assistant._measures_answer(question) or assistant._membership_answer(
            question, item.history
        ):
            continue  # answered from a catalogue: the model never sees it
        found = assistant.retrieve(question, item.history)
        if found.question.is_instruction or hard_refusal(found.question):
            continue
        units, features = assistant.evidence(found)
        if missing_answer_type(found.question, units):
            continue
        samples.append(Sample(item.id, item.category, features.vector(), item.expect == "answer"))
    return samples


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float, seed: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    probabilities = np.zeros(len(y))
    for train, held in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(x, y):
        scaler = StandardScaler().fit(x[train])
        model = LogisticRegression(C=c, max_iter=1000).fit(scaler.transform(x[train]), y[train])
        probabilities[held] = model.predict_proba(scaler.transform(x[held]))[:, 1]
    return probabilities


def operating_point(p: np.ndarray, y: np.ndarray, max_false: float) -> float:
    """The highest threshold whose false declines stay within `max_false` of answerable ones
    (the most declines the budget allows)."""
    answerable = p[y == 1]
    candidates = sorted(set(np.round(p, 4)))
    best = 0.0
    for t in candidates:
        if np.mean(answerable < t) <= max_false:
            best = float(t)
    return best


def rates(p: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, float]:
    declined = p < t
    recall = float(np.mean(declined[y == 0])) if (y == 0).any() else 0.0
    false = float(np.mean(declined[y == 1])) if (y == 1).any() else 0.0
    precision = float(np.mean(y[declined] == 0)) if declined.any() else 0.0
    return precision, recall, false


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__)
    parser.add_argument("--max-false-declines", type=float, default=0.03)
    parser.add_argument("--dry-run", action="store_true", help="report only, keep the model")
    args = parser.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    from assistant.answer.answerability import FEATURE_NAMES, AnswerabilityModel
    from core.settings import Settings
    from evals.gold import load_gold
    from evals.report import RESULTS_DIR
    from server.startup import build_assistant

    assistant = build_assistant(Settings())
    dev = [g for g in load_gold() if g.split == "dev"]
    samples = collect(assistant, dev)
    x = np.array([s.x for s in samples])
    y = np.array([int(s.answerable) for s in samples])

    lines = [
        "# Calibrazione del rifiuto (solo dev, validazione incrociata)",
        "",
        f"`python -m evals.calibrate`: {len(samples)} domande dev arrivate alla decisione "
        f"({int(y.sum())} con risposta, {int((1 - y).sum())} da rifiutare); "
        f"{FOLDS}-fold stratificato ripetuto {REPEATS} volte; rifiuti errati ammessi "
        f"≤ {args.max_false_declines:.0%}.",
        "",
        "| C | AUC fuori campione | soglia | rifiuto P | rifiuto R | rifiuti errati |",
        "|---|---|---|---|---|---|",
    ]
    results = []
    spreads = []
    for c in C_GRID:
        runs = [out_of_fold(x, y, c, seed) for seed in range(REPEATS)]
        aucs = [roc_auc_score(y, p) for p in runs]
        auc = float(np.mean(aucs))
        spreads.append(float(np.std(aucs)) / len(aucs) ** 0.5)
        thresholds = [operating_point(p, y, args.max_false_declines) for p in runs]
        t = float(np.median(thresholds))
        measured = np.mean([rates(p, y, t) for p in runs], axis=0)
        results.append((auc, c, t, measured))
        lines.append(
            f"| {c} | {auc:.3f} | {t:.3f} | {measured[0]:.3f} | {measured[1]:.3f} | "
            f"{measured[2]:.3f} |"
        )
    # The one-standard-error rule: the most regularised C within one standard error of the best
    # AUC (39 questions to decline on dev: the simpler model is the one to trust off dev).
    best = max(range(len(results)), key=lambda i: results[i][0])
    floor = results[best][0] - spreads[best]
    auc, c, t, measured = next(r for r in results if r[0] >= floor)
    scaler = StandardScaler().fit(x)
    fitted = LogisticRegression(C=c, max_iter=1000).fit(scaler.transform(x), y)
    model = AnswerabilityModel(
        names=FEATURE_NAMES,
        mean=[round(float(v), 6) for v in scaler.mean_],
        scale=[round(float(v), 6) for v in scaler.scale_],
        weights=[round(float(v), 6) for v in fitted.coef_[0]],
        intercept=round(float(fitted.intercept_[0]), 6),
        threshold=round(t, 4),
    )
    lines += [
        "",
        f"Scelto: C = {c} (AUC {auc:.3f}; il C più regolarizzato entro un errore standard "
        f"dal migliore), soglia {t:.3f} (probabilità che i documenti rispondano sotto la quale "
        "si rifiuta).",
        "",
        "| misura | peso (standardizzato) |",
        "|---|---|",
        *[f"| {n} | {w:+.3f} |" for n, w in zip(model.names, model.weights)],
        "",
    ]
    if not args.dry_run:
        model.save()
    out = RESULTS_DIR / "calibration.md"
    out.write_text("\n".join(lines))
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
