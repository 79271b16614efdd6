"""The build's lexicon is what reading its passages gives, and the speller and the coverage
check get from it what they got from the passages themselves."""

from __future__ import annotations

from assistant.answer.coverage import corpus_vocabulary
from assistant.question.spelling import Speller
from indexer.lexicon import LEXICON_FILE, Lexicon
from indexer.stores import chunks_lexicon, open_index


def test_the_build_keeps_the_lexicon_its_passages_give(corpus_settings, corpus_index, embedder):
    index = open_index(corpus_settings, embedder.embedder_id)
    stored = Lexicon.load(corpus_settings.builds_dir / index.manifest.build_id / LEXICON_FILE)
    read_now = chunks_lexicon(index.chunks, index.acronyms)

    assert stored == read_now == index.lexicon
    assert list(stored.words) == list(read_now.words)  # the order is the speller's tie-break
    assert "piano" in stored.words and len(stored.stems) > 500


def test_speller_and_vocabulary_are_the_same_from_the_lexicon_or_the_texts(
    corpus_settings, corpus_index, embedder
):
    index = open_index(corpus_settings, embedder.embedder_id)
    texts = [f"{c.meta.title} {c.meta.section} {c.text}" for c in index.chunks.values()]
    from_texts, from_counts = Speller(texts), Speller([], index.lexicon.words)

    assert from_texts._choices == from_counts._choices and from_texts.known == from_counts.known
    assert corpus_vocabulary(texts, index.acronyms) == set(index.lexicon.stems)
    assert from_counts.corrections("cosultazione propste") == from_texts.corrections(
        "cosultazione propste"
    )
