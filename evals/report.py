"""Run systems over the gold set and write the side-by-side report (Markdown + JSON), dev and test apart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

from evals.gold import Category, GoldItem
from evals.scoring import Outcome, summarise
from evals.systems import System

RESULTS_DIR = Path(__file__).resolve().parent / "results"
KINDS = ("giovane", "giornalista", "pa")
SPLITS = ("test", "dev", "second")
CATEGORIES: tuple[str, ...] = get_args(Category)
# What a user gets first, then what retrieval found, then the time it took.
COLUMNS = [
    ("confidently_wrong", "sbagliate con sicurezza"),
    ("cited_hit", "citata giusta"),
    ("answer_hit", "risposta giusta"),
    ("abstain_precision", "rifiuto P"),
    ("abstain_recall", "rifiuto R"),
    ("false_abstain_rate", "rifiuti errati"),
    ("unsure_rate", "«non sono sicuro»"),
    ("followups", "seguiti"),
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("mrr", "MRR"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]
CATEGORY_COLUMNS = [
    ("confidently_wrong", "sbagliate con sicurezza"),
    ("cited_hit", "citata giusta"),
    ("answer_hit", "risposta giusta"),
    ("abstain_recall", "rifiuto R"),
    ("false_abstain_rate", "rifiuti errati"),
    ("unsure_rate", "«non sono sicuro»"),
    ("hit@5", "hit@5"),
]


def run_system(system: System, gold: list[GoldItem]) -> list[Outcome]:
    return [system(item) for item in gold]


def breakdown(outcomes: list[Outcome]) -> dict[str, dict]:
    """Figures for every split, split × kind of user, split × category, and all together."""
    groups: dict[str, list[Outcome]] = {"tutte": outcomes}
    for split in SPLITS:
        in_split = [o for o in outcomes if o.item.split == split]
        groups[split] = in_split
        for kind in KINDS:
            groups[f"{split}:{kind}"] = [o for o in in_split if o.item.kind == kind]
        for category in CATEGORIES:
            groups[f"{split}:{category}"] = [o for o in in_split if o.item.category == category]
    return {name: summarise(group) for name, group in groups.items() if group}


def _cell(value: object) -> str:
    return (
        "—"
        if value is None
        else (f"{value:.3f}" if isinstance(value, float) and value <= 1 else str(value))
    )


def _row(name: str, row: dict, columns: list[tuple[str, str]], n: bool = False) -> str:
    count = f" {row['n']} |" if n else ""
    return f"| {name} |{count} " + " | ".join(_cell(row.get(k)) for k, _ in columns) + " |"


def _header(first: str, columns: list[tuple[str, str]], n: bool = False) -> list[str]:
    count = " n |" if n else ""
    return [
        f"| {first} |{count} " + " | ".join(label for _, label in columns) + " |",
        "|---|" + ("---|" if n else "") + "---|" * len(columns),
    ]


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
    ours_name = next(iter(results))
    lines = [
        "# Valutazione — Chiedi al Piano",
        "",
        f"Gold set: {meta['gold_items']} domande — test {meta.get('test', '—')} (congelato, "
        f"scritto alla cieca), dev {meta.get('dev', '—')}; {meta['answerable']} con risposta, "
        f"{meta['abstain']} da rifiutare, {meta['followups']} di seguito, {meta['english']} non "
        f"in italiano. Indice: {meta['chunks']} passaggi, modello {meta['embedder']}. "
        f"Generato il {meta['generated']} con `{meta['command']}`.",
        "",
        "*sbagliate con sicurezza*: quota di tutte le domande date come risposta mentre nessun "
        "passaggio citato contiene la frase di riferimento, o che andavano rifiutate; "
        "*citata giusta*: un passaggio citato contiene la frase di riferimento; *risposta giusta*: "
        "la contiene il testo della risposta; *rifiuto P/R*: precisione e richiamo del «i documenti "
        "non lo dicono»; *rifiuti errati*: domande con risposta rifiutate; *seguiti*: domande di "
        "seguito trattate bene (citata giusta, o rifiuto dove va rifiutato); «non sono sicuro» "
        "conta come errore per citata/risposta giusta e come rifiuto per il richiamo; solo «i "
        "documenti non ne parlano» su una domanda con risposta è un rifiuto errato.",
        "",
    ]
    titles = (("test", "Test (congelato)"), ("dev", "Dev"), ("second", "Secondo corpus"))
    for split, title in titles:
        if not any(split in groups for groups in results.values()):
            continue
        lines += [f"## {title} — sistemi a confronto", "", *_header("sistema", COLUMNS)]
        lines += [_row(name, groups[split], COLUMNS) for name, groups in results.items()
                  if split in groups]  # fmt: skip
        lines.append("")
    ours = results[ours_name]
    lines += [f"## Per tipo di domanda — {ours_name}", ""]
    for split in SPLITS:
        lines += [f"### {split}", "", *_header("categoria", CATEGORY_COLUMNS, n=True)]
        for category in CATEGORIES:
            if (row := ours.get(f"{split}:{category}")) is not None:
                lines.append(_row(category, row, CATEGORY_COLUMNS, n=True))
        lines.append("")
    lines += [f"## Per tipo di utente — {ours_name}", "", *_header("gruppo", COLUMNS, n=True)]
    for split in SPLITS:
        for kind in KINDS:
            if (row := ours.get(f"{split}:{kind}")) is not None:
                lines.append(_row(f"{split}: {kind}", row, COLUMNS, n=True))
    lines += [
        "",
        "Note: hit@k = un passaggio del documento giusto che contiene la frase di riferimento è "
        "tra i primi k; i sistemi di solo recupero non rispondono né rifiutano (—). Le baseline "
        "ricevono la domanda senza la cronologia.",
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
    name: str = "latest",
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "generated": datetime.now(UTC).isoformat(timespec="seconds")}
    (out_dir / f"{name}.json").write_text(
        json.dumps(
            {"meta": meta, "systems": results, "measures": measures}, ensure_ascii=False, indent=2
        )
    )
    path = out_dir / f"{name}.md"
    path.write_text(to_markdown(results, meta, measures))
    return path
