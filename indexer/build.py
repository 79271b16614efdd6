"""The indexing pipeline: load → chunk → embed (cached) → write a new build → switch CURRENT."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from tqdm import tqdm

from core.settings import Settings
from indexer.build_lock import build_lock
from indexer.catalogue import CATALOGUE_VERSION, extract_catalogue
from indexer.chunking import Chunk, chunk_document
from indexer.embed_cache import EmbeddingCache
from indexer.embedding import PianoEmbedding
from indexer.knowledge.acronyms import corpus_acronyms, save_acronyms
from indexer.knowledge.files import knowledge_digest, knowledge_path
from indexer.knowledge.profiles import load_profiles
from indexer.lexicon import LEXICON_FILE, Lexicon, passage_text
from indexer.loaders import SourceDocument, UnreadableDocument, corpus_files, load_document
from indexer.reuse import chunker_version, reusable_chunks
from indexer.sentence_stats import STATS_FILE, SentenceStatistics
from indexer.stores import (
    EXACT_DENSE_MAX_CHUNKS,
    DocumentInfo,
    IndexManifest,
    chroma_collection,
    current_manifest,
    open_chroma,
    prune_builds,
    switch_current,
    write_bm25,
    write_chroma,
    write_chunks,
    write_dense,
)
from indexer.verify import is_sound, verify_build

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    build_id: str | None
    documents: int
    chunks: int
    sentences: int
    embedded: int
    cached: int
    seconds: float
    up_to_date: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        head = "Indice già aggiornato" if self.up_to_date else f"Indice {self.build_id} pronto"
        lines = [
            f"{head}: {self.documents} documenti, {self.chunks} passaggi, "
            f"{self.sentences} frasi; embedding nuovi {self.embedded}, dalla cache "
            f"{self.cached}; {self.seconds:.1f} s."
        ]
        lines += [f"  SALTATO {name}: {reason}" for name, reason in self.skipped]
        return "\n".join(lines)


class DuplicateDocId(UnreadableDocument):
    """Two documents of the corpus claim one doc_id: which one is meant cannot be guessed."""


DUPLICATE = (
    "Due documenti hanno lo stesso doc_id {doc_id!r}: {first} e {second}. Dai a ciascuno un "
    "doc_id suo (nei metadati): l'indice non è stato aggiornato."
)


def load_corpus(settings: Settings) -> tuple[list[SourceDocument], list[tuple[str, str]]]:
    """Every readable document; unreadable ones are reported by name, never fatal. Two that
    claim one doc_id are fatal (DuplicateDocId): either could be the one meant, and skipping
    the second would silently serve whichever file sorts first."""
    docs: list[SourceDocument] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path in corpus_files(settings.corpus_dir):
        name = str(path.relative_to(settings.corpus_dir))
        try:
            doc = load_document(path)
        except UnreadableDocument as exc:
            skipped.append((name, str(exc)))
            continue
        if doc.meta.doc_id in seen:
            raise DuplicateDocId(
                DUPLICATE.format(doc_id=doc.meta.doc_id, first=seen[doc.meta.doc_id], second=name)
            )
        seen[doc.meta.doc_id] = name
        docs.append(doc)
    return docs, skipped


def _fingerprint(settings: Settings, chunks: list[Chunk], salt: str = "") -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps(
            [
                salt,
                settings.embedder_id,
                settings.chroma.host,
                settings.chroma.port,
                settings.chroma.collection,
                CATALOGUE_VERSION,
                knowledge_digest(settings.corpus_dir),
            ]
        ).encode()
    )
    for c in chunks:
        h.update(
            json.dumps(
                [c.chunk_id, c.metadata().model_dump(), c.sentences], ensure_ascii=False
            ).encode()
        )
    return h.hexdigest()


# Called with a written build's id before it becomes current: what the build adds beyond the
# indexer's own files (the answering models, fitted on it by the wiring: server.indexing).
Finish = Callable[[str], None]


def build_index(
    settings: Settings,
    embedder: PianoEmbedding,
    *,
    force: bool = False,
    progress: bool = True,
    wait: float = 0.0,
    finish: Finish | None = None,
    salt: str = "",
) -> BuildReport:
    """Build or update the index, holding the data directory's build lock (BuildBusy if another
    build has it after `wait` seconds). `finish` completes a new build before it is switched
    to; `salt` names what `finish` depends on, so that a change there rebuilds."""
    with build_lock(settings, wait):
        return _build_index(settings, embedder, force, progress, finish, salt)


def _build_index(
    settings: Settings,
    embedder: PianoEmbedding,
    force: bool,
    progress: bool,
    finish: Finish | None,
    salt: str,
) -> BuildReport:
    started = time.perf_counter()
    docs, skipped = load_corpus(settings)
    if not docs:
        raise UnreadableDocument(f"nessun documento indicizzabile in {settings.corpus_dir}")

    previous = current_manifest(settings)
    version = chunker_version(settings)
    reused = reusable_chunks(settings, previous, version, docs)
    chunks_by_doc: dict[str, list[Chunk]] = {}
    for doc in tqdm(docs, desc="Suddivisione in passaggi", disable=not progress, unit="doc"):
        chunks_by_doc[doc.meta.doc_id] = reused.get(doc.meta.doc_id) or chunk_document(
            doc,
            embedder.count_tokens,
            settings.chunking.max_tokens,
            settings.chunking.list_max_items,
        )
    chunks = [c for doc_chunks in chunks_by_doc.values() for c in doc_chunks]
    sentences = [s for c in chunks for s in c.sentences]
    fingerprint = _fingerprint(settings, chunks, salt)

    # A current build whose files are damaged is rebuilt, not declared up to date.
    sound = previous is not None and is_sound(settings, previous.build_id)
    if previous and previous.fingerprint == fingerprint and not force and sound:
        # Still sweep what an interrupted build left behind (a killed `build --force`).
        kept = (previous.build_id, previous.previous_build_id)
        prune_builds(settings, keep={b for b in kept if b})
        return BuildReport(
            None,
            len(docs),
            len(chunks),
            len(sentences),
            0,
            len(chunks) + len(sentences),
            time.perf_counter() - started,
            up_to_date=True,
            skipped=skipped,
        )

    cache = EmbeddingCache(settings.embed_cache_path, embedder.embedder_id)
    try:
        with tqdm(total=len(chunks), desc="Embedding passaggi", disable=not progress) as bar:
            chunk_vectors, new_chunks = cache.get_or_embed(
                [c.embed_text for c in chunks], embedder.embed_passages, on_progress=bar.update
            )
        with tqdm(total=len(sentences), desc="Embedding frasi", disable=not progress) as bar:
            sentence_vectors, new_sentences = cache.get_or_embed(
                sentences, embedder.embed_passages, on_progress=bar.update
            )
    finally:
        cache.close()

    documents = [
        DocumentInfo(
            meta=d.meta,
            file=d.path.name,
            content_hash=d.content_hash,
            chunks=len(chunks_by_doc[d.meta.doc_id]),
        )
        for d in docs
    ]
    build_id = write_build(
        settings,
        embedder.embedder_id,
        fingerprint,
        documents,
        chunks,
        chunk_vectors,
        sentence_vectors,
        previous,
        progress,
        version,
        finish,
    )
    return BuildReport(
        build_id,
        len(docs),
        len(chunks),
        len(sentences),
        new_chunks + new_sentences,
        len(chunks) + len(sentences) - new_chunks - new_sentences,
        time.perf_counter() - started,
        skipped=skipped,
    )


def write_build(
    settings: Settings,
    embedder_id: str,
    fingerprint: str,
    documents: list[DocumentInfo],
    chunks: list[Chunk],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    previous: IndexManifest | None,
    progress: bool = False,
    chunker_version: str = "",
    finish: Finish | None = None,
) -> str:
    """Write a complete build of `chunks` and their vectors, switch CURRENT to it, prune; its id.

    Also the way in for indexes whose vectors come from elsewhere (evals/synthetic.py).
    """
    sentences = [s for c in chunks for s in c.sentences]
    # Microseconds too: two builds of one process can start within the same second.
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%f") + f"-{os.getpid()}"
    build_dir = settings.builds_dir / build_id
    build_dir.mkdir(parents=True)
    collection_name = f"{settings.chroma.collection}-{build_id}"
    with tqdm(total=4, desc="Scrittura indice", disable=not progress) as bar:
        write_chunks(build_dir, chunks)
        np.save(build_dir / "sentences.npy", sentence_vectors.astype(np.float32))
        SentenceStatistics.of(sentence_vectors).save(build_dir / STATS_FILE)
        acronyms = corpus_acronyms((c.text for c in chunks), settings.corpus_dir)
        save_acronyms(build_dir, acronyms)
        lexicon = Lexicon.of(
            (passage_text(c.meta.title, c.section, c.text) for c in chunks), acronyms
        )
        lexicon.save(build_dir / LEXICON_FILE)
        plan = load_profiles(knowledge_path(settings.corpus_dir, "profiles"))
        catalogue = extract_catalogue(chunks, dict(zip(sentences, sentence_vectors)), plan)
        (build_dir / "measures.json").write_text(catalogue.model_dump_json(indent=1))
        bar.update()
        write_bm25(build_dir, chunks, settings.retrieval.candidates, acronyms)
        bar.update()
        client = open_chroma(settings, build_dir)
        collection = chroma_collection(client, collection_name, create=True)
        write_chroma(collection, chunks, chunk_vectors)
        if len(chunks) <= EXACT_DENSE_MAX_CHUNKS:
            write_dense(build_dir, collection, chunks)
        bar.update()
        manifest = IndexManifest(
            build_id=build_id,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            embedder_id=embedder_id,
            fingerprint=fingerprint,
            chroma_mode="server" if settings.chroma.host else "embedded",
            chroma_collection=collection_name,
            chunk_max_tokens=settings.chunking.max_tokens,
            list_max_items=settings.chunking.list_max_items,
            documents=documents,
            chunks=len(chunks),
            sentences=len(sentences),
            previous_build_id=previous.build_id if previous else None,
            chunker_version=chunker_version,
        )
        # The manifest is written last: a build directory without one is incomplete.
        (build_dir / "manifest.json").write_text(manifest.model_dump_json(indent=2))
        bar.update()

    if finish is not None:
        finish(build_id)
    verify_build(settings, build_id)  # BuildDamaged: CURRENT stays on the build it names
    switch_current(settings, build_id)
    prune_builds(settings, keep={build_id, *([previous.build_id] if previous else [])})
    return build_id
