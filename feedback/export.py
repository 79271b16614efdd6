"""Exports that are safe to open: CSV cells that a spreadsheet will not run as formulas, Markdown
cells that a viewer will not render as links, images or HTML. The text comes from the public."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from feedback.store import FeedbackRecord

# A cell starting with one of these is a formula for Excel/LibreOffice ("=HYPERLINK(...)"), also
# after leading spaces, invisible characters or a line break, which spreadsheets skip, and in the
# full-width forms (＝, ＋, －, ＠) that some of them fold to the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "|", "%")
# Whitespace, control and format characters (NBSP, zero-width, BOM, bidi marks…).
_SKIPPED = ("Zs", "Zl", "Zp", "Cc", "Cf")
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


def _formula_like(text: str) -> bool:
    for char in text:
        if unicodedata.category(char) in _SKIPPED:
            if char in "\t\r\n":
                return True  # a cell that opens with a tab or a line break is suspect already
            continue
        return unicodedata.normalize("NFKC", char).startswith(_FORMULA_START)
    return False


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if _formula_like(text) else text


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
