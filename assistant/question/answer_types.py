"""The kinds of answer a question can ask for (a number, a date, a person, a place, a title…)
and the pieces of a sentence that carry one.

The question's kind is read once by the fitted tagger (`question.tagger`); `find_spans` then
finds, in a candidate sentence, the verbatim pieces of that kind — "104 persone", "30 giugno
2025", "Guido Bolatto", "nella Sala Panoramica…", "«Guida alla discussione»". Composition
prefers sentences that carry the asked kind, leads the answer with the span, and marks it in
the quote.
"""

from __future__ import annotations

import re
from enum import StrEnum


class AnswerType(StrEnum):
    NUMBER = "numero"
    DATE = "data"
    PERSON = "persona"
    PLACE = "luogo"
    TITLE = "titolo"
    MONEY = "importo"
    LIST = "elenco"
    DEFINITION = "definizione"
    YESNO = "sì/no"
    OTHER = "altro"


# Answer types whose span can lead the answer.
SPAN_TYPES = frozenset(
    {
        AnswerType.NUMBER,
        AnswerType.DATE,
        AnswerType.PERSON,
        AnswerType.PLACE,
        AnswerType.TITLE,
        AnswerType.MONEY,
    }
)


# --- spans in a sentence (original text, not folded: spans are quoted verbatim) ------------------

_MONTHS = (
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
)
_WEEKDAYS = "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica"
_DAY = r"(?:1°|[12]?\d|3[01])"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"(?i)\b(?:(?:{_WEEKDAYS})\s+)?"
    rf"(?:"
    rf"(?:dal|tra il|fra il|da)\s+{_DAY}\s+(?:{_MONTHS})(?:\s+{_YEAR})?\s+(?:al|all'|e il|e l'|a)\s*{_DAY}\s+(?:{_MONTHS})(?:\s+{_YEAR})?"
    rf"|tra\s+(?:{_MONTHS})\s+e\s+(?:{_MONTHS})(?:\s+{_YEAR})?"
    rf"|{_DAY}\s+(?:{_MONTHS})(?:\s+{_YEAR})?"
    rf"|\d{{1,2}}/\d{{1,2}}/{_YEAR}"
    rf"|(?:nei\s+)?(?:primi|ultimi)\s+mesi\s+del\s+{_YEAR}"
    rf"|(?:{_MONTHS})\s+{_YEAR}"
    rf"|(?:nel|dal|entro il|al)\s+{_YEAR}"
    rf")"
)
_NUMBER_WORDS = (
    r"\w+mila|mille|\w*cento|"
    "due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|quattordici|"
    "quindici|sedici|diciassette|diciotto|diciannove|venti|trenta|quaranta|cinquanta"
)
# A count and the noun it counts: "104 persone", "cinque tavoli tematici", "fino ai 35 anni".
_COUNT = re.compile(
    rf"(?i)(?<![\w/.,-])(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS})(?![\w/.,-]?\d)"
    rf"(?:\s+(?!(?:{_MONTHS})\b)(?!(?:di|del|della|e|o|a|in)\b)[a-zàèéìòù'’]+){{1,2}}"
)
_MONEY = re.compile(
    rf"(?i)(?:€\s*\d[\d.,]*|(?:\d[\d.,]*|\b(?:{_NUMBER_WORDS}))\s*"
    rf"(?:€|euro|milioni|mila euro|miliardi)\b)"
)
_QUOTED = re.compile(r"[“\"«]([^”\"»]{3,160})[”\"»]")
_PLACE = re.compile(
    r"(?i)\b(?:nella|nel|nell['’]|presso(?: la| il| l['’])?|sulla|sul)\s*"
    r"(?:(?:sala|auditorium|sede|piattaforma|sito)\b[^,.;:()]{0,70})"
)
# Common Italian first names: a capitalised pair starting with one is a person's name.
_FIRST_NAMES = frozenset(
    """alberto alessandra alessandro alessia andrea angela anna antonella antonio barbara
    beatrice carla carlo carmen caterina chiara claudia claudio cristina daniela daniele davide
    elena elisa emanuele enrico enzo federica federico francesca francesco franco gabriele
    giacomo gianluca gianni giorgia giorgio giovanna giovanni giulia giulio giuseppe guido
    irene jacopo laura lorenzo luca lucia luigi manuela marco maria mario marta massimo matteo
    mauro michela michele monica nicola paola paolo patrizia piero pietro raffaele riccardo
    roberta roberto rosa sara sergio silvia simona simone sonia stefania stefano tommaso
    valentina valeria valerio vincenzo""".split()
)
_CAPITALISED_PAIR = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ]+)\s+((?:[A-ZÀ-Ý][a-zà-ÿ'’]+\s?){1,2})")


def _people(sentence: str) -> list[str]:
    out = []
    for match in _CAPITALISED_PAIR.finditer(sentence):
        if match.group(1).lower() in _FIRST_NAMES:
            out.append(f"{match.group(1)} {match.group(2).strip()}")
    return out


def _counts(sentence: str) -> list[str]:
    dates = [m.span() for m in _DATE.finditer(sentence)]
    out = []
    for match in _COUNT.finditer(sentence):
        start, end = match.span()
        if any(a <= start < b for a, b in dates):
            continue
        out.append(match.group(0).strip())
    return out


def find_spans(sentence: str, kind: AnswerType) -> list[str]:
    """The verbatim pieces of `sentence` that carry an answer of `kind` (empty if none)."""
    if kind is AnswerType.DATE:
        return [m.group(0).strip() for m in _DATE.finditer(sentence)]
    if kind is AnswerType.NUMBER:
        return _counts(sentence)
    if kind is AnswerType.MONEY:
        return [m.group(0).strip() for m in _MONEY.finditer(sentence)]
    if kind is AnswerType.PERSON:
        return _people(sentence)
    if kind is AnswerType.PLACE:
        return [m.group(0).strip() for m in _PLACE.finditer(sentence)]
    if kind is AnswerType.TITLE:
        return [m.group(1).strip() for m in _QUOTED.finditer(sentence)]
    return []


def counted_nouns(span: str) -> str:
    """The words after the number of a count span ("104 persone" → "persone")."""
    return span.split(maxsplit=1)[1] if " " in span else ""
