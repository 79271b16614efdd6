"""`python -m evals.page_bytes`: the bytes the chat page costs a browser, gzipped and not.

A real server on 127.0.0.1 over the repository's index, the page opened in Chromium (Debian's),
every request it makes recorded; each one is then sent again with and without
`Accept-Encoding: gzip` and its bytes on the wire (body, as sent) counted. Writes
evals/results/page-bytes.md.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from core.offline import go_offline

RESULTS = Path(__file__).resolve().parent / "results" / "page-bytes.md"
CHROMIUM = "/usr/bin/chromium"


Request = tuple[str, str, bytes | None, dict[str, str]]


def _recorded_requests(url: str) -> list[Request]:
    from playwright.sync_api import sync_playwright

    seen: list[Request] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.on(
            "request",
            lambda r: seen.append((r.method, r.url, r.post_data_buffer, r.headers)),
        )
        page.goto(url + "/ui/", wait_until="networkidle", timeout=60_000)  # load calls too
        browser.close()
    return [r for r in seen if r[1].startswith(url)]


def _kind(path: str) -> str:
    if path.rstrip("/").endswith("/ui"):
        return "la pagina (HTML)"
    if "/gradio_api/run/" in path or "/gradio_api/call/" in path or path.endswith("/config"):
        return "chiamate al caricamento (JSON)"
    return "script, stili, caratteri"


def measure(url: str) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, int]] = defaultdict(lambda: {"requests": 0, "plain": 0, "gzip": 0})
    with httpx.Client(timeout=60) as http:
        for method, target, body, sent in _recorded_requests(url):
            row = sizes[_kind(httpx.URL(target).path)]
            row["requests"] += 1
            kept = {k: v for k, v in sent.items() if k.lower() == "content-type"}
            for encoding, key in (("identity", "plain"), ("gzip", "gzip")):
                headers = {**kept, "Accept-Encoding": encoding}
                reply = http.request(method, target, content=body, headers=headers)
                reply.raise_for_status()
                row[key] += reply.num_bytes_downloaded
    return dict(sizes)


def report(sizes: dict[str, dict[str, int]], load: str) -> str:
    lines = [
        "# Byte della pagina della chat",
        "",
        f"Generato il {datetime.now(UTC).isoformat(timespec='seconds')} con "
        f"`python -m evals.page_bytes` (carico medio {load}). Ogni richiesta della pagina, "
        "registrata in Chromium, inviata di nuovo senza e con `Accept-Encoding: gzip`. "
        "Gradio comprimeva già da sé script e stili; la pagina e le chiamate al caricamento "
        "(come ogni JSON dell'API) viaggiavano senza compressione fino al GZipMiddleware "
        "di `api/app.py`.",
        "",
        "| cosa | richieste | senza compressione kB | gzip kB | rapporto |",
        "|---|---|---|---|---|",
    ]
    total = {"requests": 0, "plain": 0, "gzip": 0}
    for kind, row in sorted(sizes.items()):
        for key in total:
            total[key] += row[key]
        lines.append(_row(kind, row))
    lines += [_row("**totale**", total), ""]
    return "\n".join(lines)


def _row(kind: str, row: dict[str, int]) -> str:
    ratio = row["gzip"] / row["plain"] if row["plain"] else 0.0
    return (
        f"| {kind} | {row['requests']} | {row['plain'] / 1000:.1f} | {row['gzip'] / 1000:.1f} "
        f"| {ratio:.2f} |"
    )


def main() -> int:
    go_offline()
    import os
    import tempfile

    from core.settings import Settings
    from evals.servers import start_api

    with tempfile.TemporaryDirectory(prefix="piano-bytes-") as tmp:
        server = start_api(Path(tmp), {"PIANO_DATA_DIR": str(Settings().data_dir.resolve())})
        try:
            sizes = measure(server.url)
        finally:
            server.stop()
    load = f"{os.getloadavg()[0]:.1f}"
    RESULTS.write_text(report(sizes, load), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
