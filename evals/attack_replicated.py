"""`python -m evals.attack_replicated`: the attack mix of `evals.attack` against the shipped
replicated deployment on loopback — a real PostgreSQL, a real `chroma run`, the index published
once, two replicas (`python -m assistant serve`, their own limits off as deployed) and nginx
with deploy/nginx/chiedi-al-piano.conf in front — then a flood of made-up chat sessions against
each replica, with its resident memory before and after.

Goals (issue 24): ordinary questions' p95 ≤ 1 s under the mix, no 5xx, every acknowledged
rating in the export; at most +100 MB per replica under the session flood. Writes
evals/results/load-attack-replicated.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from evals.attack import ADMIN_KEY, MIX, exported_ids, report, run_mix
from evals.session_flood import chat_component, flood, rss_mib

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "evals" / "results" / "load-attack-replicated.md"
OUTSIDE_SPOOFER = "127.0.8.1"  # nginx does not count 127.0.0.1: the spoofers come from outside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.attack_replicated", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--calm-seconds", type=float, default=15.0)
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--sessions", type=int, default=1500, help="made-up sessions per replica")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from core.offline import go_offline
    from core.settings import Settings
    from evals.loadtest import serve
    from evals.nginx import start_nginx
    from evals.postgres import start_postgres
    from evals.servers import start_chroma
    from indexer.build import build_index
    from indexer.embedding import PianoEmbedding

    go_offline()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    started: list = []
    with tempfile.TemporaryDirectory(prefix="piano-attack-rep-") as tmp:
        root = Path(tmp)
        try:
            postgres = start_postgres(durable=True)
            started.append(postgres)
            chroma = start_chroma(root / "chroma")
            started.append(chroma)
            settings = Settings(
                _env_file=None,
                corpus_dir=REPO / "corpus" / "documents",
                data_dir=root / "data",
                chroma_host="127.0.0.1",
                chroma_port=chroma.port,
            )
            build_index(settings, PianoEmbedding.from_settings(settings), progress=False)
            env = {
                "PIANO_DATA_DIR": str(settings.data_dir),
                "PIANO_CHROMA_HOST": "127.0.0.1",
                "PIANO_CHROMA_PORT": str(chroma.port),
                "PIANO_DATABASE_URL": postgres.create_database("piano"),
                "PIANO_ADMIN_KEY": ADMIN_KEY,
                "PIANO_EMBED_THREADS": "1",
                "PIANO_RATE_LIMIT_PER_MINUTE": "0",
                "PIANO_PAGE_RATE_LIMIT_PER_MINUTE": "0",
            }
            with ThreadPoolExecutor(2) as pool:
                replicas = list(
                    pool.map(lambda n: serve(settings.data_dir, root / f"r{n}", env), (1, 2))
                )
            started += replicas
            nginx = start_nginx([r.port for r in replicas])
            started.append(nginx)
            url = nginx.url
            alone, _ = asyncio.run(run_mix(url, args.calm_seconds, args.max_requests, False, 0))
            tally, elapsed = asyncio.run(
                run_mix(url, args.seconds, args.max_requests, True, 1, OUTSIDE_SPOOFER)
            )
            exported = exported_ids(replicas[0].url)
            memory = []
            for replica in replicas:
                before = rss_mib(replica.proc.pid)
                statuses = flood(replica.url, chat_component(replica.url), args.sessions, 8)
                memory.append((before, rss_mib(replica.proc.pid), statuses))
        finally:
            for part in reversed(started):
                part.stop()
        kept = sum(1 for p in (settings.data_dir / "gradio_tmp").rglob("carico-*") if p.is_file())
    setup = (
        f"`python -m evals.attack_replicated` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: the "
        f"same {sum(MIX.values())} clients for {elapsed:.0f} s, "
        "through nginx (deploy/nginx/chiedi-al-piano.conf: 60/min per address on the doors "
        "that work, 600 on the others) in front of two replicas (`python -m assistant serve`, "
        "their own limits off), PostgreSQL and `chroma run`, all on 127.0.0.1; each client from "
        f"its own loopback address, the spoofers from {OUTSIDE_SPOOFER} (nginx does not count "
        "127.0.0.1)."
    )
    text = report(alone, tally, elapsed, exported, kept, load, 0.0, setup)
    text = text.replace(" Server CPU during the run: 0.0 s in", " Run length:")
    flood_rows = [
        f"| replica {n} | {args.sessions} | {before:.0f} | {after:.0f} | **{after - before:+.0f}** "
        f"| {', '.join(f'{s}: {c}' for s, c in sorted(statuses.items()))} |"
        for n, (before, after, statuses) in enumerate(memory, start=1)
    ]
    worst = max(after - before for before, after, _ in memory)
    text += "\n".join(
        [
            "",
            "## A flood of made-up chat sessions, per replica",
            "",
            "Right after the mix: `component_server` called with a new `session_hash` each time "
            "(8 clients, straight to the replica, its limits off as deployed), resident memory "
            f"before and after. Goal: ≤ +100 MiB per replica — "
            f"{'met' if worst <= 100 else 'NOT met'} (worst {worst:+.0f} MiB).",
            "",
            "| replica | sessions | RSS before MiB | RSS after MiB | growth MiB | statuses |",
            "|---|---|---|---|---|---|",
            *flood_rows,
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    lost = set(tally.acknowledged + alone.acknowledged) - exported
    return 1 if lost or kept or worst > 100 else 0


if __name__ == "__main__":
    sys.exit(main())
