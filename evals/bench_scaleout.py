"""The bench's scale-out phase: uvicorn workers sharing one `chroma run`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def phase_scaleout(
    root: Path, base: Any, embedder_id: str, questions: list[str], args: Any
) -> list[dict[str, Any]]:
    """One `chroma run`; the API with 1 worker, then 2 workers, both reading it."""
    from evals.servers import QuestionPool, run_load, start_api, start_chroma
    from evals.synthetic import synthetic_corpus, write_synthetic_build
    from indexer.stores import open_index

    real = open_index(base, embedder_id)
    workdir = root / "scaleout"
    chroma = start_chroma(workdir)
    rows: list[dict[str, Any]] = []
    try:
        settings = base.updated(
            **{
                "data_dir": workdir / "data",
                "chroma_host": "127.0.0.1",
                "chroma_port": chroma.port,
            }
        )
        write_synthetic_build(settings, synthetic_corpus(real, 0), embedder_id)  # the real index
        for workers, threads in ((1, 0), (2, 1)):
            env = {
                "PIANO_DATA_DIR": str(settings.data_dir),
                "PIANO_CHROMA_HOST": "127.0.0.1",
                "PIANO_CHROMA_PORT": str(chroma.port),
                "PIANO_EMBED_THREADS": str(threads),
            }
            server = start_api(workdir, env, workers=workers)
            try:
                pool = QuestionPool(questions, distinct=True, seed=workers)
                run_load([server.url], pool, 2 * workers, 10, 30)
                for clients in args.scaleout_clients:
                    res = run_load(
                        [server.url],
                        pool,
                        clients,
                        min(args.level_requests, pool.left),
                        args.level_seconds,
                    )
                    rows.append(
                        {
                            "workers": workers,
                            "embed_threads": threads or "default",
                            "api_rss_mb": server.rss_mb(),
                            "chroma_rss_mb": chroma.rss_mb(),
                            **res.summary(),
                        }
                    )
                    print(f"  scale-out {workers} worker: {rows[-1]}", file=sys.stderr)
            finally:
                server.stop()
    finally:
        chroma.stop()
    return rows
