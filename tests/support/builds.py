"""Builds interrupted on purpose: a document with some sixty new sentences, and a build process
killed with SIGKILL at a chosen moment (shared by the indexer and fault tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.support.gates import Gate

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
    """A new document with some sixty new sentences (four batches to embed)."""
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


# A sentence of the third batch (of 16) of rete_dei_comuni's sentences: a build held there has
# embedded (and cached) every passage and the first two batches of sentences, nothing more.
THIRD_BATCH_SENTENCE = r"^A Chivasso il tavolo"
# The file a build opens right after writing its passages (chunks.jsonl): a build held there has
# made its directory and written its passages, not yet its Chroma collection nor its manifest.
WRITING = r"/builds/[^/]+/sentences\.npy$"


def _build_env(settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        # Only the test's own settings: none of the developer's PIANO_* leak in.
        **{k: v for k, v in os.environ.items() if not k.startswith("PIANO_")},
        "PIANO_CORPUS_DIR": str(settings.corpus_dir),
        "PIANO_DATA_DIR": str(settings.data_dir),
        "PYTHONPATH": str(REPO),
        **(extra or {}),
    }


def gated_build(settings, gate: Gate, log: Path) -> subprocess.Popen[bytes]:
    """`python -m indexer build --force` with the embedding model behind `gate`
    (tests/support/gated.py): it stops where the test holds it, for as long as it holds it."""
    with open(log, "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.support.gated", "build", "--force"],
            env=_build_env(settings, gate.env()),
            cwd=settings.data_dir.parent,
            stdout=err,
            stderr=subprocess.STDOUT,
        )


def kill_build_at(
    settings, gate: Gate, name: str, log: Path, while_held: Callable[[], None] = lambda: None
) -> None:
    """Run a gated build (its gate `name` already held) and SIGKILL it once it waits there,
    after `while_held()`: the build is caught at the same point on any machine."""
    proc = gated_build(settings, gate, log)
    try:
        gate.wait_reached(name, alive=lambda: proc.poll() is None)
        while_held()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, log.read_text(errors="replace")[-2000:]
