"""Structure-aware chunking: passages stay inside one section and never cut a list item."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from core.limits import SECTION_SEPARATOR
from core.models import ChunkMeta
from indexer.loaders import DocumentMeta, SourceDocument
from indexer.sentences import split_sentences

TokenCounter = Callable[[str], int]
HARD_MAX_TOKENS = 512  # multilingual-e5-small truncates beyond this


@dataclass
class Chunk:
    """One indexed passage with everything a citation needs."""

    chunk_id: str
    meta: DocumentMeta
    text: str
    section: str
    page: int | None
    position: int
    sentences: list[str] = field(default_factory=list)

    @property
    def embed_text(self) -> str:
        """What the embedder sees: the heading path gives a short passage its context."""
        return f"{self.section}\n{self.text}" if self.section else self.text

    def metadata(self) -> ChunkMeta:
        """What the stores keep beside the passage (flat scalars: Chroma accepts nothing else)."""
        m = self.meta
        return ChunkMeta(
            doc_id=m.doc_id,
            title=m.title,
            source_type=m.source_type,
            publisher=m.publisher,
            date=m.date,
            url=m.url or "",
            language=m.language,
            section=self.section,
            page=self.page or 0,
            position=self.position,
        )


@dataclass
class _Unit:
    """A block that is never cut: a paragraph, or one list item with its sub-items."""

    text: str
    section: str
    list_id: int | None  # units of the same list share an id


def _units(markdown: str) -> Iterable[_Unit]:
    """Walk the Markdown's top-level blocks, tracking the heading path; texts are sliced verbatim."""
    lines = markdown.splitlines()
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings: list[tuple[int, str]] = []
    list_counter = 0
    current_list: int | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            title = tokens[i + 1].content.strip()
            headings = [h for h in headings if h[0] < level] + [(level, title)]
            continue
        section = SECTION_SEPARATOR.join(t for _, t in headings)
        if tok.type in ("bullet_list_open", "ordered_list_open") and tok.level == 0:
            list_counter += 1
            current_list = list_counter
        elif tok.type in ("bullet_list_close", "ordered_list_close") and tok.level == 0:
            current_list = None
        elif tok.type == "list_item_open" and tok.level == 1 and tok.map:
            yield _Unit("\n".join(lines[tok.map[0] : tok.map[1]]).strip(), section, current_list)
        elif tok.level == 0 and tok.nesting in (0, 1) and tok.map and current_list is None:
            if tok.type in (
                "paragraph_open",
                "blockquote_open",
                "fence",
                "code_block",
                "html_block",
                "table_open",
            ):
                text = "\n".join(lines[tok.map[0] : tok.map[1]]).strip()
                if text:
                    yield _Unit(text, section, None)


def _split_long(text: str, max_tokens: int, count: TokenCounter) -> list[str]:
    """Cut an over-long paragraph at sentence boundaries (never inside a sentence).

    The pieces are slices of `text`, not sentences joined again, so a passage stays verbatim
    (joining with spaces turned "città.**" into "città. **").
    """
    starts: list[int] = []
    pos = 0
    for sentence in split_sentences(text):
        at = text.find(sentence, pos)
        if at >= 0:
            starts.append(at)
            pos = at + len(sentence)
    if not starts:
        return [text]
    starts[0] = 0
    ends = starts[1:] + [len(text)]
    parts: list[str] = []
    piece_start = 0
    for start, end in zip(starts, ends, strict=True):
        if start > piece_start and count(text[piece_start:end].strip()) > max_tokens:
            parts.append(text[piece_start:start].strip())
            piece_start = start
    parts.append(text[piece_start:].strip())
    return [p for p in parts if p]


def chunk_document(
    doc: SourceDocument, count_tokens: TokenCounter, max_tokens: int, list_max_items: int
) -> list[Chunk]:
    """Pack consecutive units of one section into passages of at most `max_tokens` tokens."""
    chunks: list[Chunk] = []
    seen_ids: dict[str, int] = {}

    def emit(units: list[_Unit], page: int | None) -> None:
        text = _join_mixed(units)
        section = units[0].section
        digest = hashlib.sha1(f"{section}\n{text}".encode()).hexdigest()[:12]
        n = seen_ids.get(digest, 0)
        seen_ids[digest] = n + 1
        chunk_id = f"{doc.meta.doc_id}:{digest}" + (f"-{n}" if n else "")
        chunks.append(
            Chunk(chunk_id, doc.meta, text, section, page, len(chunks), split_sentences(text))
        )

    for page in doc.pages:
        pending: list[_Unit] = []
        pending_tokens = 0
        for unit in _units(page.text):
            pieces = [unit]
            if count_tokens(unit.text) > (max_tokens if unit.list_id is None else HARD_MAX_TOKENS):
                pieces = [
                    _Unit(t, unit.section, unit.list_id)
                    for t in _split_long(unit.text, max_tokens, count_tokens)
                ]
            for piece in pieces:
                tokens = count_tokens(piece.text)
                same_list_items = sum(
                    1 for u in pending if u.list_id and u.list_id == piece.list_id
                )
                fits = (
                    pending
                    and pending[0].section == piece.section
                    and pending_tokens + tokens <= max_tokens
                    and (piece.list_id is None or same_list_items < list_max_items)
                )
                if pending and not fits:
                    emit(pending, page.number)
                    pending, pending_tokens = [], 0
                pending.append(piece)
                pending_tokens += tokens
        if pending:
            emit(pending, page.number)
    return chunks


def _join_mixed(units: list[_Unit]) -> str:
    """Paragraphs are separated by a blank line; items of one list stay on consecutive lines."""
    out = units[0].text
    for prev, unit in zip(units, units[1:]):
        same_list = prev.list_id is not None and prev.list_id == unit.list_id
        out += ("\n" if same_list else "\n\n") + unit.text
    return out
