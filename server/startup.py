"""Opening what the server serves: the Assistant over the current index (built from the settings'
sections, the one place that does it) and the feedback stores.

A missing or corrupt index becomes a clear Italian message (and an unhealthy /api/health), never
an exception that sends the server into a crash loop."""

from __future__ import annotations

import gc
import logging

from assistant.generation.llm import ChatLLM
from assistant.learning.store import Models, load_models
from assistant.service import Assistant
from core.settings import Settings
from feedback.database import FeedbackDatabase
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore
from indexer.catalogue import load_catalogue
from indexer.embedding import PianoEmbedding
from indexer.glossary import load_glossary
from indexer.knowledge import CorpusKnowledge, load_knowledge
from indexer.organisations import extract_organisations
from indexer.stores import (
    DENSE_FILE,
    ChromaMismatch,
    IndexMissing,
    ModelMismatch,
    OpenIndex,
    embedded_chroma_present,
    open_index,
)
from indexer.verify import last_sound_build

log = logging.getLogger(__name__)

CORRUPT = (
    "L'indice in {data_dir} è danneggiato o incompleto ({what}). Ricostruiscilo con "
    "`python -m indexer build --force` (oppure `make index`)."
)
FALLBACK = (
    "L'indice corrente non si può servire ({why}); si risponde dall'ultimo indice integro, "
    "{build}, finché non ne viene pubblicato uno nuovo."
)
NO_EMBEDDER = (
    "Il modello di embedding {model!r} non si carica ({what}): controlla "
    "PIANO_EMBED_BACKEND e PIANO_EMBED_MODEL."
)


class IndexCorrupt(RuntimeError):
    """The index opens, but its parts disagree with its manifest."""


def build_assistant(
    settings: Settings, embedder: PianoEmbedding | None = None, build_id: str | None = None
) -> Assistant:
    """The Assistant over the current index (or over `build_id`) and its models; raises
    IndexMissing or ModelMismatch."""
    embedder = embedder or PianoEmbedding.from_settings(settings)
    index = open_index(settings, embedder.embedder_id, build_id)
    operating = settings.answerability
    models = load_models(settings.builds_dir / index.manifest.build_id)
    return assistant_over(
        settings, embedder, index, models.at(operating.answer_at, operating.decline_below)
    )


def assistant_over(
    settings: Settings, embedder: PianoEmbedding, index: OpenIndex, models: Models
) -> Assistant:
    """The Assistant over an opened build, with the models given, and what the corpus knows of
    itself (the knowledge files beside the documents, completed from their metadata)."""
    knowledge = corpus_knowledge(settings, index)
    return Assistant(
        index,
        embedder,
        retrieval=settings.retrieval,
        conversation=settings.conversation,
        expansion=settings.expansion,
        answers=settings.answers,
        catalogue=load_catalogue(settings.builds_dir / index.manifest.build_id),
        organisations=extract_organisations(index.chunks.values(), knowledge.kinds),
        glossary=load_glossary(settings.glossary_file),
        llm=ChatLLM.from_settings(settings.llm),
        llm_settings=settings.llm,
        models=models,
        knowledge=knowledge,
    )


def corpus_knowledge(settings: Settings, index: OpenIndex) -> CorpusKnowledge:
    """The knowledge files beside the corpus, completed from the indexed documents' metadata."""
    return load_knowledge(settings.corpus_dir, (d.meta for d in index.manifest.documents))


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
    if index.dense_vectors is None:  # Chroma answers the dense search: it must hold them all
        if index.collection.count() != manifest.chunks:
            problems.append("Chroma non contiene tutti i passaggi")
    elif len(index.dense_vectors) != manifest.chunks:
        problems.append(
            f"{DENSE_FILE} ha {len(index.dense_vectors)} passaggi invece di {manifest.chunks}"
        )
    elif manifest.chroma_mode == "embedded" and not embedded_chroma_present(index.build_dir):
        problems.append("manca il database di Chroma")
    if problems:
        raise IndexCorrupt("; ".join(problems))


def open_assistant(
    settings: Settings, embedder: PianoEmbedding | None = None
) -> tuple[Assistant | None, str | None]:
    """The Assistant over the current index, or None and the message to show instead. When the
    current build cannot be served and an earlier one is sound, the Assistant over that one,
    with the message saying so (`/api/health` shows it)."""
    try:
        embedder = embedder or PianoEmbedding.from_settings(settings)
    except Exception as exc:
        return _no_embedder(settings, exc)
    assistant, error = _open_build(settings, embedder, None)
    if assistant is None and error is not None:
        last_good = last_sound_build(settings)
        fallback = _open_build(settings, embedder, last_good)[0] if last_good else None
        if fallback is None:
            return None, error
        log.error("current build not served (%s): serving the last good build %s", error, last_good)
        assistant, error = fallback, FALLBACK.format(build=last_good, why=error)
    if assistant is None:
        return None, error
    try:
        embedder.ready()
    except Exception as exc:
        return _no_embedder(settings, exc)
    # What was opened lives as long as it is served: kept out of the collector's full passes,
    # which walked every passage of a large index in the middle of requests.
    gc.freeze()
    return assistant, error


def _open_build(
    settings: Settings, embedder: PianoEmbedding, build_id: str | None
) -> tuple[Assistant | None, str | None]:
    """The Assistant over one build (the model loads meanwhile), or None and why not."""
    try:
        assistant = build_assistant(settings, embedder, build_id)
        check_consistent(assistant)
    except (IndexMissing, ModelMismatch, ChromaMismatch) as exc:
        log.error("index unavailable: %s", exc)
        return None, _without_paths(str(exc), settings)
    except Exception as exc:  # any other failure to open is a damaged data directory
        log.exception("index cannot be opened")
        what = str(exc) if isinstance(exc, IndexCorrupt) else type(exc).__name__
        return None, _without_paths(CORRUPT.format(data_dir=settings.data_dir, what=what), settings)
    return assistant, None


def _no_embedder(settings: Settings, exc: Exception) -> tuple[None, str]:
    log.error("embedding model cannot be loaded", exc_info=exc)
    return None, NO_EMBEDDER.format(model=settings.embedder_id, what=type(exc).__name__)


def _without_paths(message: str, settings: Settings) -> str:
    """The message for the public (/api/health, 503s): the data directory by its setting's
    name, not by where it is on this server (the log has the path)."""
    return message.replace(str(settings.data_dir), "PIANO_DATA_DIR")


def open_stores(settings: Settings) -> tuple[FeedbackStore, QuestionLog]:
    """The feedback store and the question log, over one pooled feedback database: the SQLite
    file in the data directory, or PIANO_DATABASE_URL's (PostgreSQL, shared by replicas).

    The schema is migrated on the way (Alembic); a SQLite file that is not a database any more
    is moved aside and a new one started, so feedback keeps working and nothing is deleted.
    """
    database = FeedbackDatabase(
        settings.feedback_database_url, pool_size=settings.feedback.database_pool_size
    )
    days = settings.feedback.retention_days
    return FeedbackStore(database, days), QuestionLog(database, days)
