"""The bench's report: its figures as Markdown, each time beside the yardstick (one query
embedding measured in the same run), and the JSON beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _x(value: float, yard: float) -> str:
    return f"{value / yard:.1f}×" if yard else "—"


def to_markdown(r: dict[str, Any]) -> str:
    y = r["yardstick_ms"]
    api, build = r.get("api"), r.get("build")
    lines = [
        "# Bench — Chiedi al Piano",
        "",
        f"Generato il {r['generated']} con `{r['command']}` su {r['machine']}. "
        f"Durata {r['seconds']:.0f} s. Carico medio (1/5/15 min) all'inizio "
        f"{r.get('load', '—')}, alla fine {r.get('load_end', '—')}.",
        "",
        f"**Metro di paragone: un embedding di una domanda = {y:.1f} ms** (mediana, stesso run; "
        f"inizio {r['yardstick_start_ms']:.1f} ms, fine {r['yardstick_end_ms']:.1f} ms). "
        "Le colonne «× emb.» dividono ogni tempo per questo valore; answers/s × emb. = quante "
        "risposte nel tempo di un embedding.",
        "",
    ]
    if api:
        lc, lw = api["latency_cold"], api["latency_warm"]
        lines += [
            "## `/api/ask`, un client (uvicorn su 127.0.0.1)",
            "",
            "| domande | n | p50 ms | × emb. | p95 ms | × emb. | obiettivo |",
            "|---|---|---|---|---|---|---|",
            f"| nuove (embedding calcolato) | {lc['answers']} | {lc['p50_ms']} | {_x(lc['p50_ms'], y)} "
            f"| {lc['p95_ms']} | {_x(lc['p95_ms'], y)} | p50 ≤ 30 ms (≤ 3× emb.), p95 ≤ 100 ms |",
            f"| ripetute (embedding in cache) | {lw['answers']} | {lw['p50_ms']} | {_x(lw['p50_ms'], y)} "
            f"| {lw['p95_ms']} | {_x(lw['p95_ms'], y)} | |",
            "",
            "## Risposte al secondo per numero di client",
            "",
            "| client | nuove: risposte/s | p50 ms | p95 ms | errori | ripetute: risposte/s | p50 ms | p95 ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c, w in zip(api["throughput_cold"], api["throughput_warm"], strict=True):
            lines.append(
                f"| {c['clients']} | **{c['answers_per_s']}** | {c['p50_ms']} | {c['p95_ms']} "
                f"| {c['errors'] + w['errors']} | {w['answers_per_s']} | {w['p50_ms']} | {w['p95_ms']} |"
            )
        lines += [
            "",
            f"Obiettivo: ≥ 40 risposte/s a 8 client. RSS del server: {api['rss_mb_idle']} MiB "
            f"a riposo, {api['rss_mb_after_load']} MiB dopo il carico"
            + (
                f" ({api['questions_after_load']} domande), {api['rss_mb_with_ui']} MiB dopo la "
                "prima visita della chat (Gradio costruito allora)"
                if "rss_mb_with_ui" in api
                else ""
            )
            + " (obiettivo: ≤ 300 MiB a riposo, ≤ 400 dopo 1.000 domande).",
            "",
        ]
    start = r.get("start")
    if start:
        lines += [
            "## Avvio a freddo (processo nuovo → `/api/health` 200 → prima risposta)",
            "",
            "| giro | sano s | prima risposta s | CPU del server s | RSS MiB |",
            "|---|---|---|---|---|",
            *(
                f"| {i} | {row['healthy_s']} | {row['first_answer_s']} | {row.get('cpu_s', '—')} "
                f"| {row['rss_mb']} |"
                for i, row in enumerate(start["runs"], start=1)
            ),
            f"| **mediana** | **{start['healthy_s']}** | **{start['first_answer_s']}** | "
            f"{start.get('cpu_s', '—')} | |",
            "",
            "Obiettivo: prima risposta ≤ 2 s dall'avvio. Il primo giro legge i file del "
            "modello e dell'indice dal disco, gli altri dalla cache del sistema. La CPU del "
            "server (utente + sistema, tutti i suoi thread) fino alla prima risposta non dipende "
            "dal carico della macchina; i tempi a orologio sì "
            "(vedi il carico medio in testa).",
            "",
        ]
    if build:
        lines += [
            f"## Indicizzazione di `{r.get('corpus', 'corpus/documents')}`",
            "",
            f"{build['documents']} documenti, {build['chunks']} passaggi, {build['sentences']} frasi "
            f"({build['embedded']} embedding).",
            "",
            "| build | s | × emb. | obiettivo |",
            "|---|---|---|---|",
            f"| da zero (cartella dati vuota, nessuna cache) | {build['fresh_s']} | "
            f"{_x(build['fresh_s'] * 1000, y)} | ≤ 15 s |",
            f"| invariata (`build_index`, come la stampa la CLI) | {build['unchanged_s']} | "
            f"{_x(build['unchanged_s'] * 1000, y)} | ≤ 2 s |",
            f"| invariata, `python -m indexer build` a orologio (import e modello inclusi) | "
            f"{build['unchanged_cli_wall_s']} | {_x(build['unchanged_cli_wall_s'] * 1000, y)} | |",
            "",
        ]
    if r.get("embedding"):
        lines += [
            "## Embedding: i due motori sui passaggi e le frasi del corpus",
            "",
            "| motore | token/s (1) | token/s (16) | domanda p50 ms | p95 ms |",
            "|---|---|---|---|---|",
        ]
        for probe in r["embedding"]:
            lines.append(
                f"| {probe['backend']} | {probe['batch_1']['tokens_per_s']} | "
                f"{probe['batch_16']['tokens_per_s']} | {probe['query']['p50_ms']} | "
                f"{probe['query']['p95_ms']} |"
            )
        lines += ["", "Il confronto completo: `python -m evals.embedding_speed`.", ""]
    if r.get("scale"):
        lines += [
            "## Scala: corpus sintetico + corpus reale",
            "",
            "Passaggi sintetici fatti di frasi reali con numeri e nomi variati; **vettori sintetici** "
            "(vettore reale della frase d'origine + rumore gaussiano, coseno ≈ 0,95), non calcolati "
            "con il modello. Domande nuove a ogni richiesta (embedding calcolato), un client.",
            "",
            "| passaggi | Chroma | scrittura s | avvio s | indice MiB | RSS API MiB | RSS Chroma MiB | p50 ms | p95 ms | p95 × emb. |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for s in r["scale"]:
            lines.append(
                f"| {s['chunks']} | {s['chroma']} | {s['write_s']} | {s.get('start_s', '—')} | "
                f"{s['index_mb']} | "
                f"{s['api_rss_mb']} | {s['chroma_rss_mb'] or '—'} | {s['p50_ms']} | "
                f"{s['p95_ms']} | {_x(s['p95_ms'], y)} |"
            )
        lines += [
            "",
            "Obiettivo a 100.000 passaggi: p95 ≤ 30 ms, avvio (processo nuovo → `/api/health` "
            "200) ≤ 10 s.",
            "",
        ]
    if r.get("scaleout"):
        lines += [
            "## Scale-out: worker uvicorn che condividono un `chroma run`",
            "",
            "| worker | thread embedding per worker | client | risposte/s | p50 ms | p95 ms | errori | RSS API MiB | RSS Chroma MiB |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for s in r["scaleout"]:
            lines.append(
                f"| {s['workers']} | {s['embed_threads']} | {s['clients']} | **{s['answers_per_s']}** | "
                f"{s['p50_ms']} | {s['p95_ms']} | {s['errors']} | {s['api_rss_mb']} | {s['chroma_rss_mb']} |"
            )
        lines.append("")
    lines += [
        "Note: carico a ciclo chiuso (ogni client attende la risposta prima della domanda "
        "successiva), client httpx in thread sulla stessa macchina a 2 core del server, limitato "
        "in richieste e in secondi; traffico solo verso 127.0.0.1. «Nuove» = domande mai viste "
        "dal server (formule d'apertura e chiusura combinate con il gold set), quindi con il costo "
        "dell'embedding; «ripetute» = domande del gold set già in cache.",
        "",
    ]
    return "\n".join(lines)


def write_report(result: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    path = out_dir / "bench.md"
    path.write_text(to_markdown(result))
    return path
