"""`python -m evals.scaleout` (`make bench-replicas`): the deployment of deploy/ on loopback, measured.

A real PostgreSQL (fsync on), a real `chroma run`, the shipped corpus published once, API
replicas (`python -m assistant serve`, as the systemd unit runs them) and nginx with the committed
configuration. It measures answers/s through nginx with one replica and with two, at 8 and 32
clients (and one replica without nginx, for nginx's own cost); what the shared database costs a
feedback write and an answer (SQLite in the data directory against PostgreSQL); and one write of
the question log, pooled against a connection per write as before. Writes
evals/results/scaleout.md and .json, with the machine's load average next to every figure:
the machine has two cores and is shared, so compare figures of one run, not of two.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.offline import go_offline

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


# --- answers/s: 1 and 2 replicas behind nginx ----------------------------------------------------


def _replicas(root: Path, env: dict[str, str], count: int, threads: int) -> list[Any]:
    """`count` replicas over the published index, started side by side."""
    from evals.loadtest import serve

    extra = {**env, "PIANO_EMBED_THREADS": str(threads)}
    data = Path(env["PIANO_DATA_DIR"])
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda n: serve(data, root / f"replica-{n}", extra), range(count)))


def phase_replicas(root: Path, env: dict[str, str], questions: list[str], args: Any) -> list[dict]:
    from evals.nginx import start_nginx
    from evals.servers import QuestionPool, run_load

    setups = [("1 replica, senza nginx", 1, 0, False), ("1 replica", 1, 0, True)]
    setups.append(("2 repliche", 2, 1, True))
    rows: list[dict] = []
    for label, count, threads, proxied in setups:
        replicas = _replicas(root / label.replace(" ", "-"), env, count, threads)
        nginx = start_nginx([r.port for r in replicas]) if proxied else None
        url = nginx.url if nginx else replicas[0].url
        try:
            pool = QuestionPool(questions, distinct=True, seed=count + proxied)
            run_load([url], pool, 2 * count, 20, 30)  # first requests pay lazy loading
            for clients in args.clients if proxied else args.clients[:1]:
                load_before = _load()
                res = run_load([url], pool, clients, args.level_requests, args.level_seconds)
                rows.append(
                    {
                        "setup": label,
                        "replicas": count,
                        "embed_threads": threads or "auto",
                        "nginx": proxied,
                        **res.summary(),
                        "load_before": load_before,
                        "load_after": _load(),
                    }
                )
                print(f"  {label}: {rows[-1]}", file=sys.stderr)
        finally:
            if nginx:
                nginx.stop()
            for replica in replicas:
                replica.stop()
    return rows


# --- the shared database: feedback writes and answers ---------------------------------------------


def _rating(question: str) -> dict[str, object]:
    return {"question": question, "answer": "…", "rating": "down", "reason": "misura del bench"}


def phase_database(
    root: Path, env: dict[str, str], postgres: Any, questions: list[str], args: Any
) -> list[dict]:
    from evals.servers import QuestionPool, run_load

    rows: list[dict] = []
    backends = {"SQLite (file nella cartella dati)": None}
    backends["PostgreSQL (loopback, fsync on)"] = postgres.create_database("bench_api")
    for label, url in backends.items():
        extra = {**env, **({"PIANO_DATABASE_URL": url} if url else {})}
        [replica] = _replicas(root / f"db-{len(rows)}", extra, 1, 0)
        try:
            pool = QuestionPool(questions, distinct=True, seed=len(rows) + 11)
            run_load(
                [replica.url], pool, 2, 20, 30, path="/api/feedback", body=_rating, ok_status=201
            )
            for kind, clients in [("feedback", c) for c in args.feedback_clients] + [
                ("answers", args.clients[0])
            ]:
                load_before = _load()
                if kind == "feedback":
                    res = run_load(
                        [replica.url],
                        pool,
                        clients,
                        args.feedback_requests,
                        args.level_seconds,
                        path="/api/feedback",
                        body=_rating,
                        ok_status=201,
                    )
                else:
                    res = run_load(
                        [replica.url], pool, clients, args.level_requests, args.level_seconds
                    )
                rows.append(
                    {
                        "database": label,
                        "what": kind,
                        **res.summary(),
                        "load_before": load_before,
                        "load_after": _load(),
                    }
                )
                print(f"  {label} {kind}: {rows[-1]}", file=sys.stderr)
        finally:
            replica.stop()
        if url is None:
            for leftover in Path(env["PIANO_DATA_DIR"]).glob("feedback.sqlite*"):
                leftover.unlink()
    return rows


def _time_calls(call: Callable[[int], None], n: int) -> dict[str, float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1e6)
    times.sort()
    return {
        "calls": n,
        "p50_us": round(statistics.median(times), 1),
        "p95_us": round(times[int(0.95 * n) - 1], 1),
    }


def phase_question_log(root: Path, postgres: Any, n: int) -> list[dict]:
    """One QuestionLog.record, in this process: pooled (SQLite, PostgreSQL) and as before."""
    from feedback.database import FeedbackDatabase
    from feedback.question_log import QuestionLog

    before = root / "before.sqlite"
    with sqlite3.connect(before) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL,"
            " question TEXT NOT NULL, abstained INTEGER NOT NULL)"
        )

    def as_before(i: int) -> None:  # what QuestionLog.record did until this change
        db = sqlite3.connect(before, timeout=30.0)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                db.execute(
                    "INSERT INTO questions (created, question, abstained) VALUES (?, ?, ?)",
                    (datetime.now(UTC).isoformat(timespec="seconds"), f"domanda {i}?", 0),
                )
        finally:
            db.close()

    rows = [{"how": "prima: una connessione SQLite per scrittura", **_time_calls(as_before, n)}]
    for label, url in (
        ("SQLite, engine con pool", root / "pooled.sqlite"),
        ("PostgreSQL, engine con pool", postgres.create_database("bench_log")),
    ):
        database = FeedbackDatabase(url)
        log = QuestionLog(database)
        log.record("riscaldamento?", False)
        timed = _time_calls(lambda i, log=log: log.record(f"domanda {i}?", False), n)  # type: ignore[misc]
        rows.append({"how": label, **timed})
        database.close()
    return rows


# --- the report ----------------------------------------------------------------------------------


def to_markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Scale-out — repliche dietro nginx, un database condiviso",
        "",
        f"Generato il {r['generated']} con `{r['command']}` su {r['machine']}, durata "
        f"{r['seconds']:.0f} s. Carico medio della macchina (1/5/15 min) all'inizio "
        f"{r['load_start']}, alla fine {r['load_end']}: la macchina ha **2 core condivisi**, "
        "i numeri si confrontano dentro lo stesso run.",
        "",
        "Tutto su 127.0.0.1: PostgreSQL (Debian, fsync attivo), `chroma run`, il corpus "
        f"({r['chunks']} passaggi) pubblicato una volta, le repliche (`python -m assistant "
        "serve`) e nginx con `deploy/nginx/chiedi-al-piano.conf`. Domande sempre nuove "
        "(embedding calcolato), client a ciclo chiuso sulla stessa macchina.",
        "",
        "## Risposte al secondo attraverso nginx",
        "",
        "| configurazione | thread embedding per replica | client | risposte/s | p50 ms | p95 ms | errori | carico prima → dopo |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in r["replicas"]:
        lines.append(
            f"| {s['setup']} | {s['embed_threads']} | {s['clients']} | **{s['answers_per_s']}** "
            f"| {s['p50_ms']} | {s['p95_ms']} | {s['errors']} | {s['load_before']} → {s['load_after']} |"
        )
    lines += [
        "",
        "## Il database condiviso: valutazioni e risposte",
        "",
        "| database | richieste | client | al secondo | p50 ms | p95 ms | errori | carico prima → dopo |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in r["database"]:
        what = (
            "POST /api/feedback" if s["what"] == "feedback" else "POST /api/ask (registro domande)"
        )
        lines.append(
            f"| {s['database']} | {what} | {s['clients']} | **{s['answers_per_s']}** | {s['p50_ms']} "
            f"| {s['p95_ms']} | {s['errors']} | {s['load_before']} → {s['load_after']} |"
        )
    lines += [
        "",
        "## Una scrittura del registro delle domande (nel processo)",
        "",
        "| come | scritture | p50 µs | p95 µs |",
        "|---|---|---|---|",
    ]
    for s in r["question_log"]:
        lines.append(f"| {s['how']} | {s['calls']} | {s['p50_us']} | {s['p95_us']} |")
    lines += [
        "",
        "Note: «1 replica» usa tutti i thread di embedding della libreria, «2 repliche» uno "
        "ciascuna (repliche × thread ≤ core). nginx, i client, PostgreSQL e Chroma girano sugli "
        "stessi 2 core delle repliche: con più macchine ogni replica ha i suoi.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.scaleout", description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="report folder")
    parser.add_argument("--clients", type=_ints, default=[8, 32])
    parser.add_argument("--level-seconds", type=float, default=10.0)
    parser.add_argument("--level-requests", type=int, default=1500)
    parser.add_argument("--feedback-clients", type=_ints, default=[1, 8])
    parser.add_argument("--feedback-requests", type=int, default=1000)
    parser.add_argument("--log-writes", type=int, default=500)
    args = parser.parse_args(argv)

    import platform

    from core.settings import Settings
    from evals.gold import load_gold
    from evals.postgres import start_postgres
    from evals.servers import start_chroma
    from indexer.build import build_index
    from indexer.embedding import PianoEmbedding

    started = time.perf_counter()
    result: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m evals.scaleout" + (" " + " ".join(argv or sys.argv[1:])).rstrip(),
        "machine": f"{os.cpu_count()} CPU, {platform.machine()}, Python {platform.python_version()}",
        "load_start": _load(),
    }
    questions = [g.question for g in load_gold() if not g.history]
    with tempfile.TemporaryDirectory(prefix="piano-scaleout-") as tmp:
        root = Path(tmp)
        postgres = start_postgres(durable=True)
        chroma = start_chroma(root / "chroma")
        try:
            settings = Settings(
                _env_file=None,
                corpus_dir=REPO / "corpus" / "documents",
                data_dir=root / "data",
                chroma_host="127.0.0.1",
                chroma_port=chroma.port,
            )
            print("… pubblicazione dell'indice", file=sys.stderr)
            report = build_index(settings, PianoEmbedding.from_settings(settings), progress=False)
            result["chunks"] = report.chunks
            env = {
                "PIANO_DATA_DIR": str(settings.data_dir),
                "PIANO_CHROMA_HOST": "127.0.0.1",
                "PIANO_CHROMA_PORT": str(chroma.port),
                "PIANO_DATABASE_URL": postgres.create_database("piano"),
            }
            print("… repliche dietro nginx", file=sys.stderr)
            result["replicas"] = phase_replicas(root, env, questions, args)
            print("… database condiviso", file=sys.stderr)
            no_db = {k: v for k, v in env.items() if k != "PIANO_DATABASE_URL"}
            result["database"] = phase_database(root, no_db, postgres, questions, args)
            print("… registro delle domande", file=sys.stderr)
            result["question_log"] = phase_question_log(root, postgres, args.log_writes)
        finally:
            chroma.stop()
            postgres.stop()
    result["load_end"] = _load()
    result["seconds"] = round(time.perf_counter() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scaleout.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    path = args.out / "scaleout.md"
    path.write_text(to_markdown(result))
    print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
