"""The sources panel: one card per cited passage, built as HTML from escaped text only.

Document text is data, never markup: every string from a document or a user goes through
`html.escape` before it is placed in the HTML; only the tags written here are real tags.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

from core.models import Answer, Citation
from ui import labels

SOURCE_LABELS = {
    "piano": "Piano",
    "consultazione": "Consultazione",
    "ue": "UE",
    "istituzionale": "Istituzionale",
    "stampa": "Stampa",
}

# The quote is the cited sentences joined by spaces; they may be apart in the passage.
SENTENCE_END = re.compile(r"(?<=[.!?…;:»”\"])\s+")


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def source_badge(source_type: str) -> str:
    label = SOURCE_LABELS.get(source_type, source_type.capitalize() or "Altro")
    kind = source_type if source_type in SOURCE_LABELS else "altro"
    return f'<span class="badge badge-{kind}">{esc(label)}</span>'


def italian_date(date: str) -> str:
    """'2025-06-30' → '30/06/2025', '2024-12' → '12/2024'; anything else as it is."""
    parts = date.split("-")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
        return "/".join(reversed(parts))
    return date


def safe_link(url: str | None) -> str | None:
    """Only http(s) links become anchors: a `javascript:` URL in metadata must not."""
    if url and urlparse(url).scheme in ("http", "https"):
        return url
    return None


def quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where the quoted sentence(s) sit in the passage, whitespace-insensitively, merged."""
    if not quote.strip():
        return []
    pieces = [quote, *SENTENCE_END.split(quote)]
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        words = piece.split()
        if not words:
            continue
        match = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if match:
            spans.append(match.span())
            if piece is quote:
                break
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, quote: str) -> str:
    """The passage as escaped HTML with the quoted sentence(s) wrapped in <mark>."""
    out, cursor = [], 0
    for start, end in quote_spans(text, quote):
        out.append(esc(text[cursor:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def section_path(citation: Citation) -> str:
    # The first heading is usually the document title, already shown above.
    parts = [p.strip() for p in citation.section.split(" > ") if p.strip()]
    if parts and _comparable(parts[0]) == _comparable(citation.title):
        parts = parts[1:]
    return " › ".join(parts)


def _comparable(heading: str) -> str:
    return heading.replace("’", "'").casefold()


def source_card(citation: Citation, answer_number: int) -> str:
    card_id = f"fonte-{answer_number}-{citation.n}"
    meta = [esc(citation.publisher)] if citation.publisher else []
    if citation.date:
        meta.append(esc(italian_date(citation.date)))
    section = section_path(citation)
    if section:
        meta.append(f"{labels.SECTION}: {esc(section)}")
    if citation.page:
        meta.append(f"{labels.PAGE} {citation.page}")
    link = safe_link(citation.url)
    link_html = (
        f'<a class="fonte-link" href="{esc(link)}" target="_blank" rel="noopener noreferrer">'
        f'{labels.OPEN_SOURCE}<span class="sr-only"> {labels.NEW_TAB}</span></a>'
        if link
        else ""
    )
    return (
        f'<article class="fonte" id="{card_id}" aria-labelledby="{card_id}-titolo">'
        f'<h4 class="fonte-titolo" id="{card_id}-titolo">'
        f'<span class="fonte-n">[{citation.n}]</span> {esc(citation.title)}</h4>'
        f'<p class="fonte-meta">{source_badge(citation.source_type)} {" · ".join(meta)}</p>'
        f'<blockquote class="fonte-testo" aria-label="{labels.PASSAGE}">'
        f"{highlight(citation.text, citation.quote)}</blockquote>"
        f"{link_html}</article>"
    )


def render_sources(answer: Answer | None, number: int = 0, total: int = 0) -> str:
    """The whole panel for one answer (number `number` of `total` in the conversation)."""
    if answer is None:
        return f'<div class="fonti"><p class="fonti-vuoto">{labels.SOURCES_EMPTY}</p></div>'
    heading = labels.SOURCES_OF.format(n=number, total=total)
    parts = [f'<div class="fonti"><h3 class="fonti-titolo">{heading}</h3>']
    if total > 1:
        parts.append(f'<p class="fonti-nota">{labels.SOURCES_SELECT_HINT}</p>')
    if answer.abstained and answer.citations:
        parts.append(f'<p class="fonti-nota">{labels.SOURCES_ABSTAINED}</p>')
    if not answer.citations:
        parts.append(f"<p>{labels.SOURCES_NONE}</p>")
    parts.extend(source_card(c, number) for c in answer.citations)
    parts.append("</div>")
    return "".join(parts)
