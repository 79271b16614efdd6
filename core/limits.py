"""Limits and shared patterns with one home: lengths, ranges, separators, the list-item syntax.

Imported wherever they apply (API models, UI, feedback, indexer), never retyped.
"""

from __future__ import annotations

import re

# --- lengths of what users send ----------------------------------------------------------
MAX_QUESTION_CHARS = 2000  # a question, a search query, a measures description
MAX_TURN_CHARS = 20_000  # one earlier turn of a conversation
MAX_HISTORY_TURNS = 100  # more is refused; of what is accepted only the last few are used
MAX_REASON_CHARS = 1000  # the reason given with a 👍/👎
MAX_ANSWER_CHARS = 20_000  # an answer quoted back with its rating
MAX_CITATIONS = 20  # chunk ids sent back with a rating
# The chat page sends its earlier turns with each question: the last few, each cut short (the
# pipeline reads the previous question, an LLM the recent exchange), so a request stays small
# however long the conversation kept in the browser grows.
MAX_UI_HISTORY_TURNS = 6
MAX_UI_TURN_CHARS = 2000
MAX_UI_KEPT_ANSWERS = 50  # answers the browser keeps (and shows after a reload)

# --- ranges ----------------------------------------------------------------------------------
TOP_K_MIN, TOP_K_MAX = 1, 20  # passages an answer or a search may return

# --- characters ----------------------------------------------------------------------------
# Control characters refused in user text: all of C0 but tab and newlines, and DEL.
CONTROL_CHAR_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL_CHARS = re.compile(f"[{CONTROL_CHAR_CLASS}]")

# --- the shape of a passage ------------------------------------------------------------------
# Headings of a passage joined into its section path: "Titolo > Fase III – Evento partecipativo".
SECTION_SEPARATOR = " > "
# A Markdown list item's marker: "- ", "* ", "+ ", "1. ", "1) ".
LIST_MARKER = r"(?:[-*+]|\d+[.)])"
LIST_ITEM_START = re.compile(rf"^\s*{LIST_MARKER}\s+")


def section_parts(section: str) -> list[str]:
    """The headings of a section path, outermost first (empty ones dropped)."""
    return [p.strip() for p in section.split(SECTION_SEPARATOR) if p.strip()]


def section_leaf(section: str) -> str:
    """The innermost heading of a section path ("" when there is none)."""
    parts = section_parts(section)
    return parts[-1] if parts else ""
