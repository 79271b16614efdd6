"""The index on disk: one build directory per build (chunks, sentence vectors and their statistics,
BM25, embedded Chroma), a CURRENT pointer switched atomically, and the one place where Chroma is
opened."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from core.italian import GENERIC_ACRONYMS, Acronyms, italian_stemmer, lexical_text
from core.settings import Settings
from indexer.bm25_index import Bm25Index
from indexer.knowledge.acronyms import load_acronyms
from indexer.lexicon import LEXICON_FILE, Lexicon
from indexer.loaders import DocumentMeta
from indexer.passages import StoredChunk, chunks_lexicon, read_chunks
from indexer.sentence_stats import STATS_FILE, SentenceStatistics

if TYPE_CHECKING:  # chromadb is imported when Chroma is opened: 0.6-1 s an unchanged build skips
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from indexer.chunking import Chunk  # writing a build only (and its import costs a server)

CURRENT = "CURRENT"
# Up to this many passages the dense search is an exact product in memory over the vectors read
# from Chroma at open (0.04 ms against Chroma's 0.5 ms, an HTTP round trip in server mode). At
# this size Chroma's HNSW is exact too: on the gold questions the rankings were identical at 65
# and 165 passages, while at 315 one in 154 already differed; larger indexes ask Chroma.
EXACT_DENSE_MAX_CHUNKS = 200
# Such a build also keeps its passage vectors in this file (row i: chunks.jsonl's passage i), so
# a server that answers from it never opens Chroma (0.5 s and 40 MiB at start-up).
DENSE_FILE = "passages.npy"


class IndexMissing(RuntimeError):
    """No complete index in the data directory."""


class ModelMismatch(RuntimeError):
    """The index was built with another embedding model than the one configured."""


class ChromaMismatch(RuntimeError):
    """The index's vectors are in a Chroma server and the settings name none, or the reverse."""


class DocumentInfo(BaseModel):
    meta: DocumentMeta
    file: str
    content_hash: str
    chunks: int


class IndexManifest(BaseModel):
    """What a build contains; written last, so a build without it is incomplete."""

    build_id: str
    created: str
    embedder_id: str
    fingerprint: str
    chroma_mode: str
    chroma_collection: str
    chunk_max_tokens: int
    list_max_items: int
    documents: list[DocumentInfo]
    chunks: int
    sentences: int
    previous_build_id: str | None = None
    chunker_version: str = ""  # see indexer.reuse.chunker_version; "" = unknown, never reused


# --- Chroma: opened here and nowhere else ------------------------------------------------


def open_chroma(settings: Settings, build_dir: Path) -> ClientAPI:
    """A Chroma server when settings name one, else an embedded store inside the build."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma.host:
        return chromadb.HttpClient(
            host=settings.chroma.host, port=settings.chroma.port, settings=chroma_settings
        )
    return chromadb.PersistentClient(path=str(build_dir / "chroma"), settings=chroma_settings)


def embedded_chroma_present(build_dir: Path) -> bool:
    """Whether an embedded Chroma's database file is in the build (without opening it)."""
    return (build_dir / "chroma" / "chroma.sqlite3").is_file()


def chroma_collection(client: ClientAPI, name: str, create: bool = False) -> Collection:
    # embedding_function=None: we always pass our own vectors, and Chroma's default function
    # would otherwise try to download an ONNX model.
    if create:
        return client.create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
    return client.get_collection(name, embedding_function=None)


# --- build directories and the CURRENT pointer -------------------------------------------


def current_build_id(settings: Settings) -> str | None:
    pointer = settings.data_dir / CURRENT
    return pointer.read_text().strip() or None if pointer.exists() else None


def switch_current(settings: Settings, build_id: str) -> None:
    """Point CURRENT at a complete build; os.replace makes the switch atomic."""
    pointer = settings.data_dir / CURRENT
    tmp = pointer.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(build_id + "\n")
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, pointer)


def read_manifest(build_dir: Path) -> IndexManifest:
    return IndexManifest.model_validate_json((build_dir / "manifest.json").read_text())


def current_manifest(settings: Settings) -> IndexManifest | None:
    build_id = current_build_id(settings)
    if build_id is None or not (settings.builds_dir / build_id / "manifest.json").exists():
        return None
    return read_manifest(settings.builds_dir / build_id)


def prune_builds(settings: Settings, keep: set[str]) -> None:
    """Remove builds other than `keep` (interrupted ones included) and their server collections."""
    if not settings.builds_dir.exists():
        return
    for build_dir in settings.builds_dir.iterdir():
        if build_dir.name in keep:
            continue
        if settings.chroma.host:
            try:
                open_chroma(settings, build_dir).delete_collection(
                    f"{settings.chroma.collection}-{build_dir.name}"
                )
            except Exception:  # the collection may never have been created
                pass
        shutil.rmtree(build_dir, ignore_errors=True)


# --- writing a build ------------------------------------------------------------------------


def write_chunks(build_dir: Path, chunks: list[Chunk]) -> None:
    with open(build_dir / "chunks.jsonl", "w", encoding="utf-8") as f:
        for c in chunks:
            row = {
                "chunk_id": c.chunk_id,
                "text": c.text,
                "sentences": c.sentences,
                **c.metadata().model_dump(),
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_bm25(build_dir: Path, chunks: list[Chunk], top_k: int, acronyms: Acronyms) -> None:
    """The passages' BM25 index of their lexical text (acronyms both ways, by the build's
    table), row i being chunks[i], as LlamaIndex's BM25Retriever writes it (bm25s's files);
    `open_index` reads it with bm25s alone."""
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    nodes = [TextNode(id_=c.chunk_id, text=lexical_text(c.embed_text, acronyms)) for c in chunks]
    retriever = BM25Retriever.from_defaults(
        nodes=nodes,
        stemmer=italian_stemmer(),
        language="it",
        similarity_top_k=min(top_k, len(nodes)),
    )
    retriever.persist(str(build_dir / "bm25"))


def write_chroma(
    collection: Collection, chunks: list[Chunk], vectors: np.ndarray, batch: int = 500
) -> None:
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        collection.add(
            ids=[c.chunk_id for c in part],
            embeddings=vectors[start : start + batch],
            documents=[c.text for c in part],
            metadatas=[c.metadata().model_dump() for c in part],  # type: ignore[misc]
        )


def write_dense(build_dir: Path, collection: Collection, chunks: list[Chunk]) -> None:
    """The passage vectors as Chroma returns them (it rounds them when it normalises them),
    row i being chunks[i]: what the exact dense search of a small index reads."""
    stored = collection.get(ids=[c.chunk_id for c in chunks], include=["embeddings"])
    assert stored["embeddings"] is not None, "asked for in include="
    by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    vectors = np.asarray([by_id[c.chunk_id] for c in chunks], dtype=np.float32)
    np.save(build_dir / DENSE_FILE, vectors)


# --- reading a build ------------------------------------------------------------------------


@dataclass
class OpenIndex:
    """Everything the assistant reads, loaded once (the sentence vectors mapped from their file,
    Chroma opened when first needed)."""

    manifest: IndexManifest
    build_dir: Path
    chunks: dict[str, StoredChunk]
    sentence_vectors: np.ndarray
    open_collection: Callable[[], Collection]
    bm25: Bm25Index
    sentence_stats: SentenceStatistics
    lexicon: Lexicon
    # Small indexes only (EXACT_DENSE_MAX_CHUNKS): the chunk vectors, row i being dense_ids[i].
    dense_ids: list[str] = field(default_factory=list)
    dense_vectors: np.ndarray | None = None
    # The acronyms the BM25 index was built with: its queries, and every stem, use the same.
    acronyms: Acronyms = GENERIC_ACRONYMS
    _collection: Collection | None = field(default=None, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def collection(self) -> Collection:
        """The build's Chroma collection, opened at the first call."""
        with self._opening:
            if self._collection is None:
                self._collection = self.open_collection()
            return self._collection

    @cached_property
    def documents(self) -> dict[str, list[StoredChunk]]:
        """Each document's passages in their order (references to `chunks`, made once)."""
        by_doc: dict[str, list[StoredChunk]] = defaultdict(list)
        for chunk in self.chunks.values():
            by_doc[chunk.meta.doc_id].append(chunk)
        for passages in by_doc.values():
            passages.sort(key=lambda c: c.meta.position)
        return dict(by_doc)


def open_index(settings: Settings, embedder_id: str, build_id: str | None = None) -> OpenIndex:
    """The build CURRENT names, or `build_id` (a build being finished before it is current, or
    an earlier one when the current is damaged)."""
    if build_id is None:
        manifest = current_manifest(settings)
    else:
        manifest = read_manifest(settings.builds_dir / build_id)
    if manifest is None:
        raise IndexMissing(
            f"Nessun indice in {settings.data_dir}. Costruiscilo con `make index` "
            "(oppure `python -m indexer build`)."
        )
    if manifest.embedder_id != embedder_id:
        raise ModelMismatch(
            f"L'indice è stato costruito con il modello {manifest.embedder_id!r}, ma le "
            f"impostazioni usano {embedder_id!r}: ricostruisci l'indice (`python -m indexer "
            "build`) o torna al modello dell'indice."
        )
    if manifest.chroma_mode != ("server" if settings.chroma.host else "embedded"):
        raise ChromaMismatch(
            f"L'indice {manifest.build_id} ha i vettori "
            + (
                "in un server Chroma, ma PIANO_CHROMA_HOST non è impostato: indica lo stesso "
                "server di chi ha costruito l'indice."
                if manifest.chroma_mode == "server"
                else "nella cartella dati (Chroma incorporato), ma PIANO_CHROMA_HOST indica un "
                "server: ricostruisci l'indice verso quel server o togli PIANO_CHROMA_HOST."
            )
        )
    build_dir = settings.builds_dir / manifest.build_id
    chunks = read_chunks(build_dir)
    # Mapped, not read: a question reads the rows of its passages only.
    sentence_vectors = np.load(build_dir / "sentences.npy", mmap_mode="r")
    stats_file = build_dir / STATS_FILE
    stats = (
        SentenceStatistics.load(stats_file)
        if stats_file.exists()
        else SentenceStatistics.of(sentence_vectors)  # a build written before the file
    )

    def open_collection() -> Collection:
        return chroma_collection(open_chroma(settings, build_dir), manifest.chroma_collection)

    bm25 = Bm25Index.load(build_dir / "bm25", list(chunks))
    acronyms = load_acronyms(build_dir)
    lexicon_file = build_dir / LEXICON_FILE
    lexicon = (
        Lexicon.load(lexicon_file) if lexicon_file.exists() else chunks_lexicon(chunks, acronyms)
    )
    index = OpenIndex(
        manifest,
        build_dir,
        chunks,
        sentence_vectors,
        open_collection,
        bm25,
        stats,
        lexicon,
        acronyms=acronyms,
    )
    if manifest.chunks <= EXACT_DENSE_MAX_CHUNKS:
        if (build_dir / DENSE_FILE).exists():
            index.dense_ids = list(chunks)
            index.dense_vectors = np.load(build_dir / DENSE_FILE)
        else:  # a build written before the file
            stored = index.collection.get(include=["embeddings"])
            index.dense_ids = list(stored["ids"])
            index.dense_vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    return index
