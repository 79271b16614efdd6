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
MAX_CHUNK_ID_CHARS = 200  # one of those ids

# --- what the embedding model reads --------------------------------------------------------
# e5 reads at most 512 tokens, its prefix and special tokens included: anything after is cut
# before the model runs (one such text costs ~1 s of CPU; 20,000 characters uncut cost 10-20 s).
MAX_EMBED_TOKENS = 512
# Texts longer than this (a pasted page, not a question) are embedded one at a time, so they
# never hold more than one core while ordinary questions wait.
LONG_EMBED_CHARS = 400
# Long texts waiting for (or in) that lane at most; more are refused (503, retry later), so that
# they cannot take every worker thread while ordinary questions queue behind them.
LONG_EMBED_QUEUE = 4
# Share of one core that lane may use: after a long text took t seconds, the next one starts
# t × (1/share − 1) later. On a busy machine one core is all a server gets; this keeps most of
# it for ordinary questions.
LONG_EMBED_SHARE = 0.25

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


def without_controls(text: str | None) -> str:
    """`text` with its control characters blanked and its ends stripped (search boxes)."""
    return CONTROL_CHARS.sub(" ", text or "").strip()


# Lone UTF-16 surrogates ("\\ud800" in JSON): valid in a Python str, not encodable as UTF-8.
SURROGATES = re.compile("[\ud800-\udfff]")

# --- the shape of a passage ------------------------------------------------------------------
# Headings of a passage joined into its section path: "Titolo > Fase III – Evento partecipativo".
SECTION_SEPARATOR = " > "
# How a section path is shown to people (the chat's cards, the gap report): no ">", which
# Markdown would read as a quote and HTML must escape.
SECTION_SHOWN = " › "
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
