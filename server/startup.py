"""Opening what the server serves: the Assistant over the current index (built from the settings'
sections, the one place that does it) and the feedback stores.

A missing or corrupt index becomes a clear Italian message (and an unhealthy /api/health), never
an exception that sends the server into a crash loop."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from assistant.generation.llm import ChatLLM
from assistant.service import Assistant
from core.settings import Settings
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore
from indexer.catalogue import load_catalogue
from indexer.embedding import PianoEmbedding
from indexer.stores import IndexMissing, ModelMismatch, open_index

log = logging.getLogger(__name__)

CORRUPT = (
    "L'indice in {data_dir} è danneggiato o incompleto ({what}). Ricostruiscilo con "
    "`python -m indexer build --force` (oppure `make index`)."
)
NO_EMBEDDER = (
    "Il modello di embedding {model!r} non si carica ({what}): controlla "
    "PIANO_EMBED_BACKEND e PIANO_EMBED_MODEL."
)


class IndexCorrupt(RuntimeError):
    """The index opens, but its parts disagree with its manifest."""


def build_assistant(settings: Settings, embedder: PianoEmbedding | None = None) -> Assistant:
    """The Assistant over the current index; raises IndexMissing or ModelMismatch."""
    embedder = embedder or PianoEmbedding.from_settings(settings)
    index = open_index(settings, embedder.embedder_id)
    return Assistant(
        index,
        embedder,
        retrieval=settings.retrieval,
        conversation=settings.conversation,
        coverage=settings.coverage,
        answers=settings.answers,
        catalogue=load_catalogue(settings.builds_dir / index.manifest.build_id),
        llm=ChatLLM.from_settings(settings.llm),
        llm_settings=settings.llm,
    )


def check_consistent(assistant: Assistant) -> None:
    """The parts of an opened index agree with its manifest (a truncated file shows up here)."""
    index, manifest = assistant.index, assistant.manifest
    problems = []
    if len(index.chunks) != manifest.chunks:
        problems.append(f"chunks.jsonl ha {len(index.chunks)} passaggi invece di {manifest.chunks}")
    if index.sentence_vectors.shape[0] != manifest.sentences:
        problems.append(
            f"sentences.npy ha {index.sentence_vectors.shape[0]} frasi invece di "
            f"{manifest.sentences}"
        )
    if index.collection.count() != manifest.chunks:
        problems.append("Chroma non contiene tutti i passaggi")
    if problems:
        raise IndexCorrupt("; ".join(problems))


def open_assistant(
    settings: Settings, embedder: PianoEmbedding | None = None
) -> tuple[Assistant | None, str | None]:
    """The Assistant over the current index, or None and the message to show instead."""
    try:
        embedder = embedder or PianoEmbedding.from_settings(settings)
    except Exception as exc:
        log.exception("embedding model cannot be loaded")
        return None, NO_EMBEDDER.format(model=settings.embedder_id, what=type(exc).__name__)
    try:
        assistant = build_assistant(settings, embedder)
        check_consistent(assistant)
        return assistant, None
    except (IndexMissing, ModelMismatch) as exc:
        log.error("index unavailable: %s", exc)
        return None, _without_paths(str(exc), settings)
    except Exception as exc:  # any other failure to open is a damaged data directory
        log.exception("index cannot be opened")
        what = str(exc) if isinstance(exc, IndexCorrupt) else type(exc).__name__
        return None, _without_paths(CORRUPT.format(data_dir=settings.data_dir, what=what), settings)


def _without_paths(message: str, settings: Settings) -> str:
    """The message for the public (/api/health, 503s): the data directory by its setting's
    name, not by where it is on this server (the log has the path)."""
    return message.replace(str(settings.data_dir), "PIANO_DATA_DIR")


def open_stores(settings: Settings) -> tuple[FeedbackStore, QuestionLog]:
    """The feedback store and the question log (one SQLite file in the data directory).

    A file that is not a database any more is moved aside, kept for whoever wants to recover it,
    and a new one is started: feedback keeps working and nothing is deleted.
    """
    path = settings.feedback_db_path
    days = settings.feedback.retention_days
    try:
        return FeedbackStore(path, days), QuestionLog(path, days)
    except sqlite3.DatabaseError:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            damaged = path.with_name(path.name + suffix)
            if damaged.exists():
                damaged.rename(path.with_name(f"{path.name}.damaged-{stamp}{suffix}"))
        log.exception(
            "feedback database unreadable: moved aside as %s.damaged-%s, new one started",
            path.name,
            stamp,
        )
        return FeedbackStore(path, days), QuestionLog(path, days)
