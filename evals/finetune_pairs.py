"""Contrastive training pairs the documents themselves give, for the fine-tuning experiment.

Three sources only: a heading ↔ each sentence or item under it (the indexer's passages), the
glossary's everyday words ↔ the plan's term, and dev-split gold questions ↔ the passage holding
their gold phrase. Test questions never enter: the test split is frozen (evals/gold.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from core.limits import SECTION_SEPARATOR
from evals.gold import GoldItem, normalise
from indexer.glossary import Glossary
from indexer.stores import StoredChunk

Source = Literal["heading", "glossary", "question"]
# A heading over a long list (the 136 organisations) would otherwise fill the pairs with one query.
MAX_PER_HEADING = 8


@dataclass(frozen=True)
class Pair:
    """A query-side text and the passage-side text it should sit next to."""

    source: Source
    query: str
    passage: str


def shown(chunk: StoredChunk) -> str:
    """A passage as the index embeds it: its heading path, then its text."""
    return f"{chunk.meta.section}\n{chunk.text}" if chunk.meta.section else chunk.text


def heading_pairs(chunks: Iterable[StoredChunk]) -> list[Pair]:
    """The nearest heading ↔ each sentence or list item under it (a sentence that only repeats
    the heading teaches nothing and is left out); at most MAX_PER_HEADING per heading."""
    pairs = []
    per_heading: Counter[str] = Counter()
    for chunk in chunks:
        heading = chunk.meta.section.split(SECTION_SEPARATOR)[-1].strip()
        if not heading:
            continue
        for sentence in chunk.sentences:
            text = sentence.strip().lstrip("-*").strip()
            if text and text.casefold() != heading.casefold():
                per_heading[heading] += 1
                if per_heading[heading] <= MAX_PER_HEADING:
                    pairs.append(Pair("heading", heading, text))
    return pairs


def glossary_pairs(glossary: Glossary) -> list[Pair]:
    """Each everyday wording ↔ the plan's own term."""
    return [
        Pair("glossary", everyday, entry.term)
        for entry in glossary.entries
        for everyday in entry.everyday
    ]


def question_pairs(
    gold: Iterable[GoldItem], chunks: Collection[StoredChunk], train_ids: Collection[str]
) -> list[Pair]:
    """Dev questions chosen for training ↔ the first passage holding each gold phrase.

    Follow-ups are left out (their question alone is elliptical), and so is every test item,
    whatever `train_ids` says — and every dev question worded like a test one (the gold set has
    a few: "cosa è cambiato nel piano dopo la consultazione online?" is in both).
    """
    gold = list(gold)
    test_questions = {normalise(g.question) for g in gold if g.split == "test"}
    pairs = []
    for item in gold:
        if item.split != "dev" or item.expect != "answer" or item.history:
            continue
        if item.id not in train_ids or normalise(item.question) in test_questions:
            continue
        for support in item.support:
            phrase = normalise(support.phrase)
            for chunk in chunks:
                if chunk.meta.doc_id == support.doc_id and phrase in normalise(shown(chunk)):
                    pairs.append(Pair("question", item.question, shown(chunk)))
                    break
    return list(dict.fromkeys(pairs))


def build_pairs(
    chunks: Collection[StoredChunk],
    glossary: Glossary,
    gold: Iterable[GoldItem],
    train_ids: Collection[str],
) -> list[Pair]:
    return [
        *heading_pairs(chunks),
        *glossary_pairs(glossary),
        *question_pairs(gold, chunks, train_ids),
    ]
