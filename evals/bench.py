"""`python -m evals.bench`: speed, throughput, indexing time, memory and scale, side by side.

Every figure is printed next to the cost of one query embedding measured in the same run (the
"yardstick"), so runs on busy or different machines compare by ratio. Servers run on 127.0.0.1
over temporary data directories; nothing of the repository's `data/` is touched.
"""

from __future__ import annotations

import argparse
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

import httpx

from core.offline import go_offline
from evals.bench_report import write_report
from evals.bench_scaleout import phase_scaleout
from evals.bench_start import cold_start

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent


# --- measurements in this process ---------------------------------------------------------------


def yardstick_ms(embedder: Any, questions: list[str], repeats: int = 30) -> list[float]:
    """Times of one query embedding each, in ms (the embedder itself caches nothing)."""
    embedder.embed_queries(["riscaldamento"])
    times = []
    for q in questions[:repeats]:
        started = time.perf_counter()
        embedder.embed_queries([q])
        times.append((time.perf_counter() - started) * 1000)
    return times


# --- the phases -------------------------------------------------------------------------------


def phase_build(settings: Any, embedder: Any) -> dict[str, Any]:
    """The shipped corpus into an empty data dir (fresh), then again (unchanged), then the CLI."""
    from evals.servers import child_env
    from indexer.build import build_index

    fresh = build_index(settings, embedder, progress=False)
    unchanged = build_index(settings, embedder, progress=False)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "indexer", "build", "--quiet"],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=settings.data_dir,
        env=child_env(
            {"PIANO_DATA_DIR": str(settings.data_dir), "PIANO_CORPUS_DIR": str(settings.corpus_dir)}
        ),
    )
    cli = time.perf_counter() - started
    return {
        "documents": fresh.documents,
        "chunks": fresh.chunks,
        "sentences": fresh.sentences,
        "embedded": fresh.embedded,
        "fresh_s": round(fresh.seconds, 2),
        "unchanged_s": round(unchanged.seconds, 2),
        "unchanged_cli_wall_s": round(cli, 2),
    }


def phase_api(
    workdir: Path, env: dict[str, str], questions: list[str], args: Any
) -> dict[str, Any]:
    """One uvicorn process: single-client latency, then answers/s at each client count."""
    from evals.servers import QuestionPool, run_load, start_api

    server = start_api(workdir, env)
    try:
        started_rss = server.rss_mb()
        cold = QuestionPool(questions, distinct=True, seed=1)
        warm = QuestionPool(questions, distinct=False)
        run_load([server.url], warm, 1, len(questions), 120)  # fills the query cache
        out: dict[str, Any] = {
            "latency_cold": run_load([server.url], cold, 1, args.latency_requests, 60).summary(),
            "latency_warm": run_load([server.url], warm, 1, args.latency_requests, 60).summary(),
            "throughput_cold": [],
            "throughput_warm": [],
        }
        for clients in args.clients:
            for kind, pool in (("cold", cold), ("warm", warm)):
                cap = min(args.level_requests, pool.left)
                res = run_load([server.url], pool, clients, cap, args.level_seconds)
                out[f"throughput_{kind}"].append(res.summary())
        out["rss_mb_idle"] = started_rss
        out["rss_mb_after_load"] = server.rss_mb()
        out["questions_after_load"] = sum(
            r["answers"] + r["errors"]
            for r in [out["latency_cold"], out["latency_warm"], *out["throughput_cold"]]
            + out["throughput_warm"]
        ) + len(questions)
        httpx.get(server.url + "/ui/", timeout=120).raise_for_status()  # the chat, built now
        out["rss_mb_with_ui"] = server.rss_mb()
        return out
    finally:
        server.stop()


def phase_scale(
    root: Path, base: Any, embedder_id: str, questions: list[str], sizes: list[int], args: Any
) -> list[dict[str, Any]]:
    """Synthetic corpora of each size, embedded Chroma then a Chroma server: size, p95, RSS."""
    from evals.servers import QuestionPool, dir_mb, run_load, start_api, start_chroma
    from evals.synthetic import synthetic_corpus, write_synthetic_build
    from indexer.stores import open_index

    real = open_index(base, embedder_id)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        corpus = synthetic_corpus(real, size, seed=size)  # size 0: the real corpus alone
        for mode in ("embedded", "server"):
            workdir = root / f"scale-{size}-{mode}"
            data_dir = workdir / "data"
            chroma = start_chroma(workdir) if mode == "server" else None
            try:
                extra = {"PIANO_DATA_DIR": str(data_dir)}
                if chroma:
                    extra |= {
                        "PIANO_CHROMA_HOST": "127.0.0.1",
                        "PIANO_CHROMA_PORT": str(chroma.port),
                    }
                settings = base.updated(
                    **{
                        "data_dir": data_dir,
                        "chroma_host": "127.0.0.1" if chroma else None,
                        "chroma_port": chroma.port if chroma else base.chroma.port,
                    }
                )
                started = time.perf_counter()
                write_synthetic_build(settings, corpus, embedder_id)
                write_s = time.perf_counter() - started
                started = time.perf_counter()
                server = start_api(workdir, extra)
                start_s = time.perf_counter() - started
                try:
                    pool = QuestionPool(questions, distinct=True, seed=size + 7)
                    run_load([server.url], pool, 1, 5, 30)  # first requests pay lazy loading
                    res = run_load([server.url], pool, 1, args.scale_requests, 60)
                    rows.append(
                        {
                            "synthetic_chunks": size,
                            "chunks": len(corpus.chunks),
                            "chroma": mode,
                            "write_s": round(write_s, 2),
                            "start_s": round(start_s, 2),
                            "index_mb": dir_mb(data_dir)
                            + (dir_mb(workdir / "chroma-db") if chroma else 0),
                            "api_rss_mb": server.rss_mb(),
                            "chroma_rss_mb": chroma.rss_mb() if chroma else None,
                            **{
                                k: v
                                for k, v in res.summary().items()
                                if k in ("answers", "errors", "p50_ms", "p95_ms")
                            },
                        }
                    )
                finally:
                    server.stop()
            finally:
                if chroma:
                    chroma.stop()
            shutil.rmtree(workdir, ignore_errors=True)
            print(f"  scala {size}/{mode}: {rows[-1]}", file=sys.stderr)
    return rows


# --- entry point ------------------------------------------------------------------------------


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="report folder")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=REPO / "corpus" / "documents",
        help="documents to index and serve (default: the shipped corpus)",
    )
    parser.add_argument("--clients", type=_ints, default=[1, 4, 8, 16])
    parser.add_argument("--level-seconds", type=float, default=8.0, help="per load level")
    parser.add_argument("--level-requests", type=int, default=600, help="per load level")
    parser.add_argument("--latency-requests", type=int, default=150)
    parser.add_argument(
        "--scale",
        type=_ints,
        default=[0, 1000, 10000],
        help="synthetic passages per scale run (0 = the real corpus alone)",
    )
    parser.add_argument("--scale-requests", type=int, default=60)
    parser.add_argument("--scaleout-clients", type=_ints, default=[8, 16])
    parser.add_argument(
        "--skip", default="", help="comma list of: build,embedding,start,api,scale,scaleout"
    )
    args = parser.parse_args(argv)

    from core.settings import Settings
    from evals.embedding_speed import BACKENDS, probe_in_child
    from evals.gold import load_gold
    from evals.servers import OPENINGS
    from indexer.embedding import PianoEmbedding

    skip = set(args.skip.split(","))
    started = time.perf_counter()
    questions = [g.question for g in load_gold()]
    embedder = PianoEmbedding.from_settings(Settings(_env_file=None))
    yard_questions = [OPENINGS[-1] + q for q in questions]
    result: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m evals.bench" + (" " + " ".join(argv or sys.argv[1:])).rstrip(),
        "corpus": str(
            args.corpus.relative_to(REPO) if args.corpus.is_relative_to(REPO) else args.corpus
        ),
        "machine": f"{os.cpu_count()} CPU, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}",
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    yard_start = yardstick_ms(embedder, yard_questions)
    with tempfile.TemporaryDirectory(prefix="piano-bench-") as tmp:
        root = Path(tmp)
        settings = Settings(_env_file=None, corpus_dir=args.corpus, data_dir=root / "real")
        print("… indicizzazione", file=sys.stderr)
        result["build"] = phase_build(settings, embedder)  # also makes the index the rest uses
        if "embedding" not in skip:
            print("… throughput di embedding", file=sys.stderr)
            result["embedding"] = [
                probe_in_child(["probe", "--backend", b, "--no-builds"]) for b in BACKENDS
            ]
        if "start" not in skip:
            print("… avvio a freddo", file=sys.stderr)
            result["start"] = cold_start(root / "start", {"PIANO_DATA_DIR": str(settings.data_dir)})
        if "api" not in skip:
            print("… /api/ask", file=sys.stderr)
            result["api"] = phase_api(
                root / "api", {"PIANO_DATA_DIR": str(settings.data_dir)}, questions, args
            )
        if "scale" not in skip and args.scale:
            print("… scala", file=sys.stderr)
            result["scale"] = phase_scale(
                root, settings, embedder.embedder_id, questions, args.scale, args
            )
        if "scaleout" not in skip:
            print("… scale-out", file=sys.stderr)
            result["scaleout"] = phase_scaleout(
                root, settings, embedder.embedder_id, questions, args
            )
    yard_end = yardstick_ms(embedder, yard_questions)
    result["yardstick_start_ms"] = round(statistics.median(yard_start), 2)
    result["yardstick_end_ms"] = round(statistics.median(yard_end), 2)
    result["yardstick_ms"] = round(statistics.median(yard_start + yard_end), 2)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["load_end"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    path = write_report(result, args.out)
    print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
