"""The gold set: Italian questions by kind of user, with the phrase the right passage contains."""

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


class GoldItem(BaseModel):
    id: str
    kind: Literal["giovane", "giornalista", "pa"]
    lang: str
    split: Literal["dev", "test"]
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
