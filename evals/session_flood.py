"""`python -m evals.session_flood`: the memory a flood of chat UI sessions costs a server.

A real server (`python -m assistant serve`, rate limits off, so that the flood measures memory
and not the limiter) over a copy of the index; its resident memory at rest, after a few ordinary
questions, then after `--sessions` calls to the chat's own door (`component_server`), each with
a session id of its own, as a client making up ids would send them (Gradio keeps a copy of the
page's state for each). Writes evals/results/session-flood.md and .json; compare runs of the
same machine and load only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

from evals.loadtest import copy_index, serve

RESULTS = Path(__file__).resolve().parent / "results"


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def chat_component(url: str) -> int:
    """The id of the chat's HTML component, from the page's own config."""
    page = httpx.get(url + "/ui/", timeout=30).text
    config = json.loads(re.search(r"window\.gradio_config = (\{.*?\});\s*</script>", page, re.S)[1])  # type: ignore[index]
    return next(
        c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "chat"
    )


def flood(url: str, component: int, sessions: int, clients: int) -> dict[str, int]:
    statuses: dict[str, int] = {}

    def call(n: int) -> None:
        body = {
            "component_id": component,
            "fn_name": "rate",
            "data": {},
            "session_hash": f"f{n:08d}",
        }
        try:
            status = str(
                httpx.post(
                    url + "/ui/gradio_api/component_server", json=body, timeout=30
                ).status_code
            )
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(call, range(sessions)))
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.session_flood", description=__doc__)
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--data-dir", type=Path, default=None, help="index to copy")
    parser.add_argument("--label", default="", help="what this run measures (e.g. the commit)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from core.offline import go_offline
    from core.settings import Settings

    go_offline()
    source = args.data_dir or Settings().data_dir
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="piano-flood-") as tmp:
        server = serve(copy_index(source, Path(tmp) / "data"), Path(tmp))
        try:
            pid = server.proc.pid
            for q in ("Quando è stato presentato il Piano?", "Quali misure per i giovani?"):
                httpx.post(server.url + "/api/ask", json={"question": q}, timeout=60)
            at_rest = rss_mib(pid)
            started = time.perf_counter()
            statuses = flood(server.url, chat_component(server.url), args.sessions, args.clients)
            seconds = time.perf_counter() - started
            after = rss_mib(pid)
        finally:
            server.stop()
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": args.label,
        "sessions": args.sessions,
        "statuses": statuses,
        "seconds": round(seconds, 1),
        "rss_at_rest_mib": round(at_rest, 1),
        "rss_after_mib": round(after, 1),
        "growth_mib": round(after - at_rest, 1),
        "growth_per_session_kib": round((after - at_rest) * 1024 / args.sessions, 1),
        "load_before": load,
        "load_after": "/".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    name = "session-flood" + (f"-{args.label}" if args.label else "")
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
