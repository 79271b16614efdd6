"""What the chat page adds to the API's own time, measured in Chromium, and what an idle server
costs with the page mounted. `python -m evals.ui_bench` writes `evals/results/ui_bench.md/.json`.

Two fresh servers on 127.0.0.1 over the data directory's index: on one the questions go first to
`/api/ask` (new) and then through the page (cached); on the other first through the page (new)
and then to the API (cached). So each question is timed new and cached on both paths. The page
time runs from the Enter key to the answer (with its sources: they come in the same reply) being
in the page. Idle CPU: the server process's CPU time over a quiet window, with the page open in a
browser and with the API alone (no UI mounted).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = "/usr/bin/chromium"
QUESTIONS = [
    "Quando è stato presentato il Piano?",
    "Quante persone hanno partecipato all'evento del 5 dicembre?",
    "Quali sono i macro-temi del Piano?",
    "Chi ha dato il supporto metodologico al percorso?",
    "Cosa prevede il Piano per la finanza a impatto sociale?",
    "Quante interviste sono state fatte?",
    "Quando è stato firmato l'accordo tra Città metropolitana e Camera di commercio?",
    "Cosa dice il Piano sul social procurement?",
    "Quali sono le fasi del percorso?",
    "Quando è nata Torino Social Impact?",
]
# Armed before Enter: the time from the key to the answer's turn in the page.
ARM = """(n) => {
  window.__ms = null;
  let start = null;
  document.addEventListener('keydown', (e) => { if (e.key === 'Enter') start = performance.now(); },
    {capture: true, once: true});
  const done = () => document.querySelectorAll(
    '#conversazione article.turno:not(.in-attesa)').length > n;
  const watch = new MutationObserver(() => {
    if (start !== null && done()) { window.__ms = performance.now() - start; watch.disconnect(); }
  });
  watch.observe(document.getElementById('conversazione'), {childList: true, subtree: true});
}"""


def api_only():  # type: ignore[no-untyped-def]
    """uvicorn factory: the API without the UI, for the idle comparison."""
    from api.app import create_api
    from core.settings import Settings
    from server.app import services_opener
    from server.indexing import product_build
    from server.startup import open_assistant

    settings = Settings()
    return create_api(settings, services_opener(settings, None), open_assistant, product_build)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(factory: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _port()
    env = {
        **os.environ,
        "PIANO_RATE_LIMIT_PER_MINUTE": "0",
        "PIANO_PAGE_RATE_LIMIT_PER_MINUTE": "0",
        "PIANO_LOG_QUESTIONS": "false",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1"]
    proc = subprocess.Popen([*command, "--port", str(port), "--log-level", "warning"], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start (is there an index? `make index`)")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _api_times(port: int) -> tuple[list[float], list[float]]:
    """Round trips, and the pipeline's own time inside each (`timings_ms.total`)."""
    out, own = [], []
    with httpx.Client(timeout=30) as client:
        for q in QUESTIONS:
            start = time.perf_counter()
            r = client.post(f"http://127.0.0.1:{port}/api/ask", json={"question": q})
            out.append((time.perf_counter() - start) * 1000)
            own.append(r.raise_for_status().json()["timings_ms"]["total"])
    return out, own


def _page_times(page) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Enter → answer in the page, and the pipeline's own time for that answer."""
    from ui.layout import STORAGE_KEY

    out, own = [], []
    box = page.locator("#domanda")
    for n, q in enumerate(QUESTIONS):
        box.fill(q)
        page.evaluate(ARM, n)
        box.press("Enter")
        page.wait_for_function("window.__ms !== null", timeout=60_000)
        out.append(page.evaluate("window.__ms"))
        own.append(
            page.evaluate(
                f"JSON.parse(localStorage.getItem('{STORAGE_KEY}')).at(-1).answer.timings_ms.total"
            )
        )
        page.wait_for_timeout(200)
    return out, own


def _idle(pid: int, seconds: float) -> float:
    time.sleep(3)
    before = _cpu_seconds(pid)
    time.sleep(seconds)
    return round((_cpu_seconds(pid) - before) / seconds * 100, 2)


def run(idle_seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    idle: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for phase in ("api first", "page first"):
            proc, port = _start("server.app:create_app")
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/ui/")
            page.locator("#domanda").wait_for()
            if phase == "api first":
                times["api_new"], times["api_new_pipeline"] = _api_times(port)
                times["page_cached"], times["page_cached_pipeline"] = _page_times(page)
            else:
                times["page_new"], times["page_new_pipeline"] = _page_times(page)
                times["api_cached"], times["api_cached_pipeline"] = _api_times(port)
                idle["api + ui, page open"] = _idle(proc.pid, idle_seconds)
                page.close()
                idle["api + ui, no page"] = _idle(proc.pid, idle_seconds)
            proc.terminate()
            proc.wait()
        browser.close()
    proc, _ = _start("evals.ui_bench:api_only")
    idle["api alone"] = _idle(proc.pid, idle_seconds)
    proc.terminate()
    return {"times_ms": times, "idle_cpu_percent": idle}


def _over(result: dict, path: str) -> float:
    """Median over the questions of (time on the path − the pipeline's own time)."""
    t = result["times_ms"]
    return round(statistics.median(a - b for a, b in zip(t[path], t[f"{path}_pipeline"])), 1)


def report(result: dict, load: str) -> str:
    med = {k: round(statistics.median(v), 1) for k, v in result["times_ms"].items()}
    lines = [
        "# The chat page's cost (Chromium, 127.0.0.1)",
        "",
        f"Machine load when run: `{load}` (2 shared cores; compare ratios, not absolutes).",
        "",
        "| median of 10 questions | API `/api/ask` | page (Enter → answer with sources) | added by the page |",
        "|---|---|---|---|",
        f"| new questions | {med['api_new']} ms | {med['page_new']} ms | {round(med['page_new'] - med['api_new'], 1)} ms |",
        f"| cached questions | {med['api_cached']} ms | {med['page_cached']} ms | {round(med['page_cached'] - med['api_cached'], 1)} ms |",
        "",
        "Time on each path beyond the pipeline's own time for the same request (`timings_ms.total`), "
        "median: the page's cost net of the machine's load on the embedding.",
        "",
        "| | new questions | cached questions |",
        "|---|---|---|",
        f"| `/api/ask` over its pipeline | {_over(result, 'api_new')} ms | {_over(result, 'api_cached')} ms |",
        f"| page over its pipeline | {_over(result, 'page_new')} ms | {_over(result, 'page_cached')} ms |",
        "",
        "| idle server | CPU (% of one core) |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in result["idle_cpu_percent"].items()],
        "",
        "Reproduce: `make index && .venv/bin/python -m evals.ui_bench`.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.ui_bench", description=__doc__)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    args = parser.parse_args()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    result = run(args.idle_seconds)
    result["load"] = load
    (RESULTS / "ui_bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    (RESULTS / "ui_bench.md").write_text(report(result, load), encoding="utf-8")
    print(report(result, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
