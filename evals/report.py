"""Run systems over the gold set and write the side-by-side report (Markdown + JSON)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from evals.gold import GoldItem
from evals.scoring import Outcome, summarise
from evals.systems import System

RESULTS_DIR = Path(__file__).resolve().parent / "results"
KINDS = ("giovane", "giornalista", "pa")
COLUMNS = [
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("mrr", "MRR"),
    ("ndcg@5", "nDCG@5"),
    ("followup_hit@5", "follow-up hit@5"),
    ("phrase_in_answer", "frase in risposta"),
    ("citation_precision", "precisione citazioni"),
    ("abstain_precision", "astensione P"),
    ("abstain_recall", "astensione R"),
    ("false_abstain_rate", "astensioni errate"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]


def run_system(system: System, gold: list[GoldItem]) -> list[Outcome]:
    return [system(item) for item in gold]


def breakdown(outcomes: list[Outcome]) -> dict[str, dict]:
    groups: dict[str, list[Outcome]] = {"tutte": outcomes}
    for kind in KINDS:
        groups[kind] = [o for o in outcomes if o.item.kind == kind]
    groups["dev"] = [o for o in outcomes if o.item.split == "dev"]
    groups["test"] = [o for o in outcomes if o.item.split == "test"]
    groups["english"] = [o for o in outcomes if o.item.lang != "it"]
    return {name: summarise(group) for name, group in groups.items() if group}


def _cell(value: object) -> str:
    return (
        "—"
        if value is None
        else (f"{value:.3f}" if isinstance(value, float) and value <= 1 else str(value))
    )


def measures_markdown(rows: dict[str, dict]) -> list[str]:
    lines = [
        "## Misure per profilo (`/api/measures/match` contro `evals/measures_gold.json`)",
        "",
        "| profilo o descrizione | misure restituite | precisione | richiamo |",
        "|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row.get('returned', '—')} | {row['precision']:.3f} | "
            f"{row['recall']:.3f} |"
        )
    return lines + [""]


def to_markdown(
    results: dict[str, dict[str, dict]], meta: dict, measures: dict[str, dict] | None = None
) -> str:
    lines = [
        "# Valutazione — Chiedi al Piano",
        "",
        f"Gold set: {meta['gold_items']} domande ({meta['answerable']} con risposta, "
        f"{meta['abstain']} da astenersi, {meta['followups']} di seguito, {meta['english']} in "
        f"inglese). Indice: {meta['chunks']} passaggi, modello {meta['embedder']}. "
        f"Generato il {meta['generated']} con `{meta['command']}`.",
        "",
        "## Sistemi a confronto (tutte le domande)",
        "",
        "| sistema | " + " | ".join(label for _, label in COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for name, groups in results.items():
        row = groups["tutte"]
        lines.append(f"| {name} | " + " | ".join(_cell(row.get(k)) for k, _ in COLUMNS) + " |")
    lines += ["", "## Per tipo di utente e per sottoinsieme", ""]
    for name, groups in results.items():
        lines += [
            f"### {name}",
            "",
            "| gruppo | n | " + " | ".join(label for _, label in COLUMNS) + " |",
            "|---|---|" + "---|" * len(COLUMNS),
        ]
        for group, row in groups.items():
            lines.append(
                f"| {group} | {row['n']} | "
                + " | ".join(_cell(row.get(k)) for k, _ in COLUMNS)
                + " |"
            )
        lines.append("")
    lines += [
        "Note: hit@k = un passaggio del documento giusto che contiene la frase di riferimento è "
        "tra i primi k; i sistemi di solo recupero non rispondono né si astengono (—). Le "
        "baseline ricevono la domanda senza la cronologia.",
        "",
    ]
    if measures:
        lines += measures_markdown(measures)
    return "\n".join(lines)


def write_report(
    results: dict[str, dict[str, dict]],
    meta: dict,
    out_dir: Path = RESULTS_DIR,
    measures: dict[str, dict] | None = None,
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "generated": datetime.now(UTC).isoformat(timespec="seconds")}
    (out_dir / "latest.json").write_text(
        json.dumps(
            {"meta": meta, "systems": results, "measures": measures}, ensure_ascii=False, indent=2
        )
    )
    path = out_dir / "latest.md"
    path.write_text(to_markdown(results, meta, measures))
    return path
