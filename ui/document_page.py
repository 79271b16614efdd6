"""Every indexed document as a page, `/documenti/{doc_id}`: its passages in order under their
headings (PDF page numbers where it has them), an anchor per passage, and — opened from a
citation — the cited passage's quoted sentences marked. The page says it is a copy and where
the original is. Plain HTML and CSS, no script: it reads the same with or without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from assistant.service import Assistant
from core.limits import section_parts
from core.passages import PASSAGE_PARAM, SPANS_PARAM, Span, cited_passage, passage_anchor
from core.paths import DOCUMENTS, UI
from indexer.stores import StoredChunk
from ui import labels
from ui.render import comparable, render, safe_link

CHAT_URL = f"{UI}/"
STYLESHEET = f"{DOCUMENTS}/stile.css"

router = APIRouter(include_in_schema=False)


@dataclass
class ShownPassage:
    anchor: str
    headings: list[tuple[int, str]]  # (level, text) of the headings that open here
    page: int | None  # the PDF page, when it changes here
    pieces: list[tuple[str, bool]]  # the text, cut where the marks start and end
    cited: bool


def marked_pieces(text: str, spans: list[Span]) -> list[tuple[str, bool]]:
    """`text` in pieces, each saying whether it is inside one of `spans`."""
    pieces, cursor = [], 0
    for start, end in spans:
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        pieces += [(text[cursor:start], False), (text[start:end], True)]
        cursor = end
    pieces.append((text[cursor:], False))
    return [(piece, marked) for piece, marked in pieces if piece]


def shown_passages(
    chunks: list[StoredChunk], cited: str | None, spans: list[Span]
) -> list[ShownPassage]:
    """The document's passages in order, each with the headings and page that open there."""
    shown: list[ShownPassage] = []
    open_headings: list[str] = []
    page: int | None = None
    for chunk in chunks:
        parts = section_parts(chunk.meta.section)
        if parts and comparable(chunk.meta.title).startswith(comparable(parts[0])):
            parts = parts[1:]  # the document's own title: the page's <h1>
        same = 0
        while same < min(len(parts), len(open_headings)) and parts[same] == open_headings[same]:
            same += 1
        headings = [(min(level + 2, 6), parts[level]) for level in range(same, len(parts))]
        open_headings = parts
        new_page = chunk.meta.page or None
        anchor = passage_anchor(chunk.chunk_id)
        is_cited = anchor == cited
        shown.append(
            ShownPassage(
                anchor=anchor,
                headings=headings,
                page=new_page if new_page != page else None,
                pieces=marked_pieces(chunk.text, spans if is_cited else []),
                cited=is_cited,
            )
        )
        page = new_page or page
    return shown


def page_heading(chunks: list[StoredChunk]) -> str:
    """The page's <h1>: the document's own first heading when it is its title (verbatim, as
    quoted: "l’economia", not the metadata's "l'economia"), else the title."""
    title = chunks[0].meta.title
    parts = section_parts(chunks[0].meta.section)
    if parts and comparable(parts[0]) == comparable(title):
        return parts[0]
    return title


def _page(template: str, status: int, **context: object) -> HTMLResponse:
    html = render(template, chat_url=CHAT_URL, stylesheet=STYLESHEET, **context)
    return HTMLResponse(html, status_code=status)


@router.get(STYLESHEET)
def stylesheet() -> Response:
    css = resources.files("ui").joinpath("assets/document.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get(DOCUMENTS + "/{doc_id}", response_class=HTMLResponse)
def document_page(
    doc_id: str,
    request: Request,
    passaggio: Annotated[str | None, Query(alias=PASSAGE_PARAM, max_length=64)] = None,
    evidenzia: Annotated[str | None, Query(alias=SPANS_PARAM, max_length=400)] = None,
) -> HTMLResponse:
    """A document's copy as a page; `passaggio` and `evidenzia` (from a citation's `page_url`)
    mark the cited passage and its quoted sentences."""
    served: Assistant | None = request.app.state.services.assistant
    if served is None:
        return _page("document_missing.html", 503, message=labels.UNAVAILABLE)
    chunks = served.index.documents.get(doc_id, [])
    if not chunks:
        return _page("document_missing.html", 404, message=labels.PAGE_NOT_FOUND)
    cited, spans = cited_passage(passaggio, evidenzia)
    return _page(
        "document.html",
        200,
        meta=chunks[0].meta,
        heading=page_heading(chunks),
        original=safe_link(chunks[0].meta.url),
        passages=shown_passages(chunks, cited, spans),
    )
