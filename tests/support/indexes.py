"""A small index of two Italian documents, built once per module by the tests that serve it."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from server.indexing import build
from tests.support.builds import CONSULTAZIONE
from tests.support.documents import SPORTELLO

# Answered from the small index, and one it abstains on.
ANSWERED = "In quali giorni riceve lo sportello?"
ABSTAINED = "Quanto costa il biglietto del tram a Napoli?"


def small_index(root: Path, embedder, **overrides) -> Settings:
    """Sportello + consultazione in `root/corpus`, indexed into `root/data`."""
    settings = Settings(
        _env_file=None, corpus_dir=root / "corpus", data_dir=root / "data", **overrides
    )
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    (settings.corpus_dir / "sportello.md").write_text(SPORTELLO, encoding="utf-8")
    (settings.corpus_dir / "consultazione.md").write_text(CONSULTAZIONE, encoding="utf-8")
    build(settings, embedder, progress=False)
    return settings
