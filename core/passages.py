"""Where a quote sits in its passage, and the address of a passage on its document's page.

Every indexed document is served as a page (`/documenti/{doc_id}`) with an anchor per passage;
a citation links there with the quoted sentences' character spans, which the page marks. The
spans are found here and nowhere else: the document page, the chat's source cards and the
citation's `page_url` all read them from this module's output.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from core.paths import DOCUMENTS

# The page's query: which passage was cited, and where in it the quoted sentences sit.
PASSAGE_PARAM = "passaggio"
SPANS_PARAM = "evidenzia"
# A passage's anchor is its chunk id's own part ("rapporto:cd119f27149a" → p-cd119f27149a).
ANCHOR_PREFIX = "p-"
ANCHOR = re.compile(r"^[0-9a-f]{1,40}(?:-[0-9]{1,4})?$")
MAX_SPANS = 20


Span = tuple[int, int]


# Runs of the quote found on their own count when each is this long and together they hold
# most of it (a few common words match anywhere: a quoted heading is not in the passage's text).
MIN_RUN_WORDS = 3
MIN_RUNS_SHARE = 0.5


def _find_words(text: str, words: list[str]) -> Span | None:
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.span() if match else None


def _runs(text: str, piece: str) -> list[Span]:
    """The longest runs of `piece`'s words that `text` holds, in order: sentences and list
    items quoted together (joined by spaces, apart in the passage or in another order) are
    found one by one."""
    words, spans, covered, i = piece.split(), [], 0, 0
    while i < len(words):
        j, found = i, None
        while j < len(words) and (longer := _find_words(text, words[i : j + 1])):
            j, found = j + 1, longer
        if found and j - i >= min(MIN_RUN_WORDS, len(words)):
            spans.append(found)
            covered += j - i
        i = max(j, i + 1)
    return spans if covered >= MIN_RUNS_SHARE * len(words) else []


def merged(spans: list[Span]) -> list[Span]:
    """Spans sorted, overlapping or touching ones joined."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def quote_spans(text: str, quote: str) -> list[Span]:
    """Where the quoted sentence(s) sit in the passage, whitespace-insensitively: the whole
    quote, else each quoted piece (one per line: a sentence, a list item, however short), else
    its runs (pieces joined by spaces)."""
    if not quote.strip():
        return []
    whole = _find_words(text, quote.split())
    if whole:
        return [whole]
    pieces = [p for p in quote.split("\n") if p.strip()]
    found = [_find_words(text, p.split()) for p in pieces] if len(pieces) > 1 else []
    if found and all(found):
        return merged([span for span in found if span])
    return merged(_runs(text, quote))


def passage_anchor(chunk_id: str) -> str:
    """The HTML id of a passage on its document's page."""
    return ANCHOR_PREFIX + chunk_id.rsplit(":", 1)[-1]


def document_page(doc_id: str) -> str:
    return f"{DOCUMENTS}/{quote(doc_id, safe='')}"


def page_url(doc_id: str, chunk_id: str, spans: list[Span]) -> str:
    """The passage on its document's page, the quoted sentences marked: a path on this server."""
    anchor = passage_anchor(chunk_id)
    query = f"?{PASSAGE_PARAM}={anchor.removeprefix(ANCHOR_PREFIX)}"
    if spans:
        query += f"&{SPANS_PARAM}=" + ",".join(f"{s}-{e}" for s, e in spans)
    return f"{document_page(doc_id)}{query}#{anchor}"


def cited_passage(passage: str | None, spans: str | None) -> tuple[str | None, list[Span]]:
    """What a document page was asked to mark: the passage's anchor and the quote's spans.
    Anything malformed is ignored (the page is shown without marks), never an error."""
    if not passage or not ANCHOR.match(passage):
        return None, []
    found: list[Span] = []
    for piece in (spans or "").split(",")[:MAX_SPANS]:
        start, _, end = piece.partition("-")
        if start.isdigit() and end.isdigit() and int(start) < int(end):
            found.append((int(start), int(end)))
    return ANCHOR_PREFIX + passage, merged(found)
