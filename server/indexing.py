"""Building the index as the product does: the indexer's build, completed by the answering
models fitted on it (`assistant.learning`) before it becomes current. The CLI (`python -m
indexer build`), the admin reindex, `make run` and the tests all build through here."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from assistant.learning import train as learning
from assistant.learning.generate import EVERYDAY, FORMS
from assistant.learning.store import FEATURES, Models, save_models
from assistant.retrieval.query_vectors import QueryEmbeddings
from core.settings import Settings
from indexer.build import BuildReport, build_index
from indexer.embed_cache import EmbeddingCache
from indexer.embedding import PianoEmbedding
from indexer.stores import open_index
from server.startup import assistant_over

log = logging.getLogger(__name__)
LEARNING_VERSION = "1"


def models_salt(settings: Settings) -> str:
    """What the models depend on beyond the passages: a change rebuilds."""
    h = hashlib.sha256(LEARNING_VERSION.encode())
    h.update(repr(sorted(FEATURES.items())).encode())
    files: list[Path] = [FORMS, EVERYDAY, settings.glossary_file]
    files += sorted(learning.DEV_DIR.glob("*")) if learning.DEV_DIR.exists() else []
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:16]


def fit_models(settings: Settings, embedder: PianoEmbedding, build_id: str) -> None:
    """Fit the answering models on a written build and store them in it."""
    started = time.perf_counter()
    index = open_index(settings, embedder.embedder_id, build_id)
    assistant = assistant_over(settings, embedder, index, Models())
    store = EmbeddingCache(settings.embed_cache_path, f"{embedder.embedder_id}#query")
    assistant.embed_query = QueryEmbeddings(embedder, store=store)
    try:
        models = learning.train(
            assistant, assistant.glossary, settings.answers, assistant.embed_query
        )
    finally:
        store.close()
    save_models(models, settings.builds_dir / build_id)
    log.info(
        "modelli adattati sulla costruzione %s in %.1f s", build_id, time.perf_counter() - started
    )


def build(
    settings: Settings,
    embedder: PianoEmbedding,
    *,
    force: bool = False,
    progress: bool = True,
    wait: float = 0.0,
) -> BuildReport:
    """Build or update the index; a new build gets its models before it is switched to."""
    return build_index(
        settings,
        embedder,
        force=force,
        progress=progress,
        wait=wait,
        finish=lambda build_id: fit_models(settings, embedder, build_id),
        salt=models_salt(settings),
    )


def product_build(settings: Settings, embedder: PianoEmbedding) -> BuildReport:
    """The build the admin reindex runs (quietly)."""
    return build(settings, embedder, progress=False)
