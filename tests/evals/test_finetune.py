"""The fine-tuning pairs: only from the three sources the documents give, never a test question."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from evals.finetune import _no_duplicate_batches, fold_of
from evals.finetune_pairs import MAX_PER_HEADING, Pair, build_pairs, shown
from evals.gold import load_gold, normalise
from indexer.glossary import load_glossary


@pytest.fixture(scope="module")
def gold():
    return load_gold()


@pytest.fixture(scope="module")
def chunks(assistant):
    return list(assistant.index.chunks.values())


@pytest.fixture(scope="module")
def pairs(chunks, gold, corpus_settings):
    # Every id offered for training, test ones included: the builder must still refuse them.
    every_id = {g.id for g in gold}
    return build_pairs(chunks, load_glossary(corpus_settings.glossary_file), gold, every_id)


def test_no_test_question_reaches_the_pairs(pairs, gold):
    test_questions = {normalise(g.question) for g in gold if g.split == "test"}
    assert not {normalise(p.query) for p in pairs} & test_questions
    assert not {normalise(p.passage) for p in pairs} & test_questions


def test_pairs_come_from_each_of_the_three_sources(pairs):
    counts = Counter(p.source for p in pairs)
    assert set(counts) == {"heading", "glossary", "question"}
    assert min(counts.values()) >= 50


def test_held_out_dev_questions_stay_out(chunks, gold, corpus_settings):
    dev = [g for g in gold if g.split == "dev"]
    train_ids = {g.id for g in dev if fold_of(g) == 0}
    pairs = build_pairs(chunks, load_glossary(corpus_settings.glossary_file), gold, train_ids)
    questions = {p.query for p in pairs if p.source == "question"}
    assert not {normalise(q) for q in questions} & {
        normalise(g.question) for g in dev if fold_of(g) == 1
    }
    assert questions <= {g.question for g in dev if g.id in train_ids}


def test_question_pairs_hold_the_gold_phrase(pairs, gold):
    phrases = {g.question: [normalise(s.phrase) for s in g.support] for g in gold}
    for pair in (p for p in pairs if p.source == "question"):
        assert any(phrase in normalise(pair.passage) for phrase in phrases[pair.query])


def test_heading_pairs_are_items_under_their_heading(pairs, chunks):
    by_heading = Counter(p.query for p in pairs if p.source == "heading")
    assert max(by_heading.values()) <= MAX_PER_HEADING
    for pair in (p for p in pairs if p.source == "heading"):
        assert any(
            c.meta.section.endswith(pair.query) and pair.passage in shown(c) for c in chunks
        ), pair


def test_no_batch_repeats_a_text():
    pairs = [Pair("heading", "Le priorità", f"Azione {n}") for n in range(10)]
    pairs += [Pair("glossary", f"parola comune {n}", "social procurement") for n in range(5)]
    pairs += [Pair("question", f"Domanda {n}?", f"Passaggio {n}") for n in range(40)]
    batches = _no_duplicate_batches(pairs, 16, random.Random(0))
    for batch in batches:
        texts = [t.casefold() for p in batch for t in (p.query, p.passage)]
        assert len(texts) == len(set(texts))
    assert all(len(b) > 16 // 4 for b in batches)
