"""Sentence splitting: the indexer's sentences are plain pysbd's, and each text is split once."""

from __future__ import annotations

from pathlib import Path

import pysbd
import pytest

from core.settings import Settings
from evals.plan_pdf import write_plan_pdf
from indexer import sentences
from indexer.chunking import chunk_document
from indexer.loaders import corpus_files, load_document
from indexer.sentences import split_sentences

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    pdf = write_plan_pdf(tmp_path_factory.mktemp("pdf") / "piano.pdf", pages=12)
    return [load_document(p) for p in [*corpus_files(CORPUS), pdf]]


@pytest.fixture(scope="module")
def chunks(documents, embedder):
    chunking = Settings(_env_file=None).chunking
    sentences.segment.cache_clear()
    return [
        c
        for d in documents
        for c in chunk_document(
            d, embedder.count_tokens, chunking.max_tokens, chunking.list_max_items
        )
    ]


def _reference_split(texts: list[str], monkeypatch) -> list[list[str]]:
    """split_sentences with a plain pysbd Segmenter, as it was before it was compiled once."""
    plain = pysbd.Segmenter(language="it", clean=False)
    with monkeypatch.context() as m:
        m.setattr(sentences, "_segmenter", lambda: plain)
        sentences.segment.cache_clear()
        out = [split_sentences(t) for t in texts]
    sentences.segment.cache_clear()
    return out


def test_every_passage_has_plain_pysbds_sentences(chunks, monkeypatch):
    texts = [c.text for c in chunks]
    assert len({c.meta.doc_id for c in chunks}) == 6 and len(texts) > 100
    assert [c.sentences for c in chunks] == _reference_split(texts, monkeypatch)


def test_a_passage_split_again_is_not_segmented_again(chunks):
    sentences.segment.cache_clear()
    first = [split_sentences(c.text) for c in chunks]
    runs = sentences.segment.cache_info().misses
    again = [split_sentences(c.text) for c in chunks]
    assert again == first and sentences.segment.cache_info().misses == runs
    again[0].append("modificata")  # a caller's list is its own: the cache keeps tuples
    assert split_sentences(chunks[0].text) == first[0]


def test_repeated_lines_of_a_pdf_are_segmented_once(documents, embedder):
    chunking = Settings(_env_file=None).chunking
    sentences.segment.cache_clear()
    chunk_document(documents[-1], embedder.count_tokens, chunking.max_tokens, 12)
    info = sentences.segment.cache_info()
    assert info.misses == info.currsize and info.hits > 0
