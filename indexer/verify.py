"""A build is checked before it is served: every file it needs is there and agrees with its
manifest. Checked before CURRENT is switched to a new build, and before an incremental build
says that the current one is up to date."""

from __future__ import annotations

import json

import numpy as np

from core.settings import Settings
from indexer.stores import chroma_collection, current_build_id, open_chroma, read_manifest


class BuildDamaged(RuntimeError):
    """A build whose files are missing or disagree with its manifest."""


def verify_build(settings: Settings, build_id: str) -> None:
    """Raise BuildDamaged (saying what is wrong) unless the build can be served."""
    build_dir = settings.builds_dir / build_id
    try:
        manifest = read_manifest(build_dir)
        with open(build_dir / "chunks.jsonl", encoding="utf-8") as f:
            chunks = sum(1 for line in f if line.strip())
        sentences = np.load(build_dir / "sentences.npy", mmap_mode="r").shape[0]
        json.loads((build_dir / "measures.json").read_text(encoding="utf-8"))
        bm25_files = list((build_dir / "bm25").iterdir())
        stored = chroma_collection(
            open_chroma(settings, build_dir), manifest.chroma_collection
        ).count()
    except Exception as exc:  # a missing or unreadable file, whatever the library says
        raise BuildDamaged(f"{build_id}: {type(exc).__name__}: {exc}") from exc
    problems = [
        f"{what} {found} invece di {expected}"
        for what, found, expected in (
            ("passaggi in chunks.jsonl", chunks, manifest.chunks),
            ("frasi in sentences.npy", sentences, manifest.sentences),
            ("passaggi in Chroma", stored, manifest.chunks),
        )
        if found != expected
    ]
    if not bm25_files:
        problems.append("indice BM25 vuoto")
    if problems:
        raise BuildDamaged(f"{build_id}: " + "; ".join(problems))


def is_sound(settings: Settings, build_id: str) -> bool:
    try:
        verify_build(settings, build_id)
    except BuildDamaged:
        return False
    return True


def last_sound_build(settings: Settings) -> str | None:
    """The newest build other than the current one that passes the checks, if any: what to
    serve when the current build is damaged (a build is never deleted while it is the previous
    one, so the build before a damaged one is usually still there)."""
    if not settings.builds_dir.exists():
        return None
    current = current_build_id(settings)
    # Build ids start with their UTC time: the newest sorts last.
    for build_dir in sorted(settings.builds_dir.iterdir(), reverse=True):
        if build_dir.name != current and is_sound(settings, build_dir.name):
            return build_dir.name
    return None
