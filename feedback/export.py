"""Exports that are safe to open: CSV cells that a spreadsheet will not run as formulas, Markdown
cells that a viewer will not render as links, images or HTML. The text comes from the public."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from feedback.store import FeedbackRecord

# A cell starting with one of these is a formula for Excel/LibreOffice ("=HYPERLINK(...)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")

FEEDBACK_COLUMNS = (
    "id",
    "created",
    "channel",
    "rating",
    "question",
    "answer",
    "reason",
    "citations",
)


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def md_cell(text: str, limit: int = 300) -> str:
    """One line of literal text for a Markdown table: specials escaped, newlines flattened."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", flat)


def feedback_csv(records: Iterable[FeedbackRecord]) -> str:
    return to_csv(
        FEEDBACK_COLUMNS,
        (
            (
                r.id,
                r.created,
                r.channel,
                r.rating,
                r.question,
                r.answer,
                r.reason or "",
                " ".join(r.citations),
            )
            for r in records
        ),
    )
