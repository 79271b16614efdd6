"""The gold set: questions by kind of user and kind of difficulty, with the phrase that answers.

Discipline (see README, "Quality"): the questions were written from the documents before any
system ran on them. The `test` split (blind, written by someone who never saw the system) is
frozen: no weight, threshold, rule or glossary entry is ever chosen by looking at it; tuning uses
cross-validation on `dev` only, and reports give dev and test apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from core.italian import fold
from core.models import Turn

GOLD_PATH = Path(__file__).resolve().parent / "gold.jsonl"


class Support(BaseModel):
    doc_id: str
    phrase: str


Category = Literal[
    "plain",  # ordinary phrasing
    "jargon",  # everyday words for the plan's terms
    "typo",  # typos and missing accents in the key word
    "membership",  # the list of organisations read as data
    "heading",  # answered by a title, heading or list label
    "answer_type",  # how many / when / who / where
    "decline_near",  # near-topic, not answered by the documents
    "decline_far",  # off-topic
    "followup",  # an elliptical next turn
    "followup_switch",  # the last turn switches topic
    "foreign",  # not in Italian
]


class GoldItem(BaseModel):
    id: str
    kind: Literal["giovane", "giornalista", "pa"]
    lang: str
    split: Literal["dev", "test", "second"]  # "second": the second corpus's questions
    category: Category
    question: str
    history: list[Turn] = []
    expect: Literal["answer", "abstain"]
    support: list[Support] = []
    note: str = ""

    @property
    def followup(self) -> bool:
        return bool(self.history)


def load_gold(path: Path = GOLD_PATH) -> list[GoldItem]:
    with open(path, encoding="utf-8") as f:
        return [GoldItem.model_validate(json.loads(line)) for line in f if line.strip()]


def normalise(text: str) -> str:
    """Case, apostrophes, accents and whitespace folded, for phrase matching."""
    return " ".join(fold(text).split())


def supports(item: GoldItem, doc_id: str, text: str) -> bool:
    """True when a passage of `doc_id` with `text` contains one of the item's support phrases."""
    body = normalise(text)
    return any(s.doc_id == doc_id and normalise(s.phrase) in body for s in item.support)
