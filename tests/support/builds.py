"""Builds interrupted on purpose: documents that take a while to embed, and a build process
killed with SIGKILL at a chosen moment (shared by the indexer and fault tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


CONSULTAZIONE = """---
doc_id: "consultazione-online"
title: "La consultazione online"
source_type: "consultazione"
---

# La consultazione online

La bozza del Piano è rimasta aperta ai commenti dal 25 febbraio all'11 marzo 2025 e ha raccolto venti proposte.
"""


COMUNI = [
    "Torino", "Moncalieri", "Collegno", "Rivoli", "Nichelino", "Settimo Torinese", "Grugliasco",
    "Chieri", "Pinerolo", "Venaria Reale", "Carmagnola", "Ivrea", "Chivasso", "Orbassano",
    "Ciriè", "Beinasco", "Giaveno", "Avigliana", "Susa", "Cuorgnè",
]  # fmt: skip


def rete_dei_comuni() -> str:
    """A new document with some sixty new sentences: embedding them takes a while."""
    parts = [
        '---\ndoc_id: "rete-dei-comuni"\ntitle: "La rete dei comuni per l\'economia sociale"\n'
        'source_type: "piano"\n---\n\n# La rete dei comuni\n'
    ]
    for i, comune in enumerate(COMUNI):
        parts.append(
            f"\n## {comune}\n\n"
            f"A {comune} il tavolo locale dell'economia sociale si è riunito {i + 3} volte nel 2024. "
            f"Il comune di {comune} ha messo a disposizione {i + 1} locali per i servizi di comunità. "
            f"Nel 2025 {comune} ha avviato {i % 4 + 1} progetti di co-progettazione con le cooperative.\n"
        )
    return "".join(parts)


def kill_build_when(settings, ready, log: Path, timeout: float = 240) -> None:
    """Run `python -m indexer build --force`; SIGKILL it as soon as `ready(stderr)` holds."""
    env = {
        # Only the test's own settings: none of the developer's PIANO_* leak in.
        **{k: v for k, v in os.environ.items() if not k.startswith("PIANO_")},
        "PIANO_CORPUS_DIR": str(settings.corpus_dir),
        "PIANO_DATA_DIR": str(settings.data_dir),
        "PYTHONPATH": str(REPO),
    }
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer", "build", "--force"],
            env=env,
            cwd=settings.data_dir.parent,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    deadline = time.monotonic() + timeout
    try:
        while not ready(log.read_text(encoding="utf-8", errors="replace")):
            if proc.poll() is not None:
                pytest.fail(
                    f"the build ended (rc {proc.returncode}) before it could be "
                    f"interrupted:\n{log.read_text(errors='replace')[-2000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail("the build never reached the point where it should be interrupted")
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
