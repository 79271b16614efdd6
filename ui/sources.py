"""The source cards of an answer: one per cited passage, built as HTML from escaped text only.

Document text is data, never markup: every string from a document or a user goes through
`html.escape` before it is placed in the HTML; only the tags written here are real tags.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

from core.limits import SECTION_SHOWN, section_parts
from core.models import Citation
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

Span = tuple[int, int]


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


def document_link(url: str | None, text: str = labels.OPEN_SOURCE) -> str:
    """A link to the original document, or the words saying there is none online."""
    link = safe_link(url)
    if link is None:
        return f'<span class="fonte-offline">{labels.NOT_ONLINE}</span>'
    return (
        f'<a class="fonte-link" href="{esc(link)}" target="_blank" rel="noopener noreferrer">'
        f'{esc(text)}<span class="sr-only"> {labels.NEW_TAB}</span></a>'
    )


def _find(text: str, piece: str) -> Span | None:
    """Where `piece` sits in `text`, whitespace-insensitively."""
    words = piece.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.span() if match else None


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def quote_spans(text: str, quote: str) -> list[Span]:
    """Where the quoted sentence(s) sit in the passage, merged."""
    if not quote.strip():
        return []
    whole = _find(text, quote)
    if whole:
        return [whole]
    found = (_find(text, piece) for piece in SENTENCE_END.split(quote))
    return _merged([span for span in found if span])


def phrase_spans(text: str, phrases: list[str], within: list[Span] | None = None) -> list[Span]:
    """Every occurrence of each phrase, inside `within` when it occurs there, else anywhere."""
    spans: list[Span] = []
    for phrase in phrases:
        if not phrase.strip():
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in phrase.split()))
        hits = [m.span() for m in pattern.finditer(text)]
        inside = [h for h in hits if within and any(s <= h[0] and h[1] <= e for s, e in within)]
        spans += inside or hits
    return _merged(spans)


def marked(text: str, spans: list[Span], css: str = "") -> str:
    """`text` escaped, with each span wrapped in <mark> (class `css` if given)."""
    out, cursor = [], 0
    tag = f'<mark class="{css}">' if css else "<mark>"
    for start, end in spans:
        out.append(esc(text[cursor:start]))
        out.append(f"{tag}{esc(text[start:end])}</mark>")
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def highlight(text: str, quote: str, highlights: list[str] | None = None) -> str:
    """The passage as escaped HTML: the quoted sentence(s) in <mark>, and inside them the
    words that answer (`highlights`) in <mark class="esatta">."""
    quotes = quote_spans(text, quote)
    answers = phrase_spans(text, highlights or [], quotes)
    out, cursor = [], 0
    for start, end in _merged(quotes + answers):
        out.append(esc(text[cursor:start]))
        inner = [
            (max(s, start) - start, min(e, end) - start)
            for s, e in answers
            if s < end and e > start
        ]
        body = marked(text[start:end], inner, "esatta")
        is_quote = any(s < end and e > start for s, e in quotes)
        out.append(f"<mark>{body}</mark>" if is_quote else body)
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def section_path(citation: Citation) -> str:
    # The first heading is usually the document title (or its start), already shown above.
    parts = section_parts(citation.section)
    if parts and _comparable(citation.title).startswith(_comparable(parts[0])):
        parts = parts[1:]
    return SECTION_SHOWN.join(parts)


def _comparable(heading: str) -> str:
    return heading.replace("’", "'").casefold()


def card_id(turn: str, n: int) -> str:
    return f"f-{turn}-{n}"


def source_meta(citation: Citation) -> str:
    meta = [esc(citation.publisher)] if citation.publisher else []
    if citation.date:
        meta.append(esc(italian_date(citation.date)))
    section = section_path(citation)
    if section:
        meta.append(f"{labels.SECTION}: {esc(section)}")
    if citation.page:
        meta.append(f"{labels.PAGE} {citation.page}")
    return f'<p class="fonte-meta">{source_badge(citation.source_type)} {" · ".join(meta)}</p>'


def source_card(citation: Citation, turn: str) -> str:
    """One cited passage; it links to its document and back to the answer that cites it."""
    own = card_id(turn, citation.n)
    back = f'<a class="torna" href="#r-{turn}" data-risposta="r-{turn}">{labels.BACK_TO_ANSWER}</a>'
    return (
        f'<article class="fonte" id="{own}" tabindex="-1" aria-labelledby="{own}-titolo">'
        f'<h4 class="fonte-titolo" id="{own}-titolo">'
        f'<span class="fonte-n">[{citation.n}]</span> {esc(citation.title)}</h4>'
        f"{source_meta(citation)}"
        f'<blockquote class="fonte-testo" aria-label="{labels.PASSAGE}">'
        f"{highlight(citation.text, citation.quote, citation.highlights)}</blockquote>"
        f'<p class="fonte-azioni">{document_link(citation.url)} {back}</p></article>'
    )


def render_sources(citations: list[Citation], turn: str, abstained: bool) -> str:
    """The answer's sources, folded in a <details> (the page opens it on wide screens)."""
    if not citations:
        return f'<p class="fonti-nessuna">{labels.SOURCES_NONE}</p>'
    title = labels.SOURCES_SUMMARY.format(n=len(citations))
    if abstained:
        title = labels.SOURCES_CLOSEST.format(n=len(citations))
    badges = "".join(sorted({source_badge(c.source_type) for c in citations}))
    cards = "".join(source_card(c, turn) for c in citations)
    return (
        f'<details class="fonti" id="fonti-{turn}"><summary>'
        f'<span class="fonti-titolo">{title}</span> {badges}</summary>{cards}</details>'
    )
