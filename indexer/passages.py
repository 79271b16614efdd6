"""A build's passages as the server reads them back (chunks.jsonl), and the lexicon they give."""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from pathlib import Path

from core.italian import Acronyms
from core.models import ChunkMeta
from indexer.lexicon import Lexicon, passage_text


@dataclass
class StoredChunk:
    """A passage as read back from the index, with its quotable sentences."""

    chunk_id: str
    text: str
    sentences: list[str]
    sentence_start: int  # row of its first sentence in the sentence matrix
    meta: ChunkMeta


def read_chunks(build_dir: Path) -> dict[str, StoredChunk]:
    chunks: dict[str, StoredChunk] = {}
    row = 0
    # Every object made here lives as long as the index: the collector, run again and again
    # while they pile up, would find nothing to free (half of the 6 s at 100,000 passages).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open(build_dir / "chunks.jsonl", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                chunk_id, text, sentences = d.pop("chunk_id"), d.pop("text"), d.pop("sentences")
                chunks[chunk_id] = StoredChunk(chunk_id, text, sentences, row, ChunkMeta(**d))
                row += len(sentences)
    finally:
        if collecting:
            gc.enable()
    return chunks


def chunks_lexicon(chunks: dict[str, StoredChunk], acronyms: Acronyms) -> Lexicon:
    """The lexicon of a build written before lexicon.json."""
    texts = (passage_text(c.meta.title, c.meta.section, c.text) for c in chunks.values())
    return Lexicon.of(texts, acronyms)
