"""Read the corpus folder: each file (Markdown, text, PDF, HTML, DOCX) becomes a SourceDocument."""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
from pydantic import BaseModel, ValidationError, field_validator

from indexer.plain import is_web_url, plain_text

log = logging.getLogger(__name__)

SOURCE_TYPES = ("piano", "consultazione", "ue", "istituzionale", "stampa")
SIDECAR_SUFFIX = ".meta.toml"


class DocumentMeta(BaseModel):
    """The metadata every document carries, from front matter or a sidecar `<file>.meta.toml`."""

    doc_id: str
    title: str
    source_type: str
    publisher: str = ""
    date: str = ""
    url: str | None = None
    language: str = "it"
    publication: str = ""  # a press article's newspaper or magazine

    @field_validator("doc_id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,99}", v):
            raise ValueError(f"doc_id must be a lowercase slug, got {v!r}")
        return v

    @field_validator("source_type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        if v not in SOURCE_TYPES:
            raise ValueError(f"source_type must be one of {', '.join(SOURCE_TYPES)}, got {v!r}")
        return v

    @field_validator("date", mode="before")
    @classmethod
    def _date_str(cls, v: object) -> str:
        return "" if v is None else str(v)

    @field_validator("url", mode="before")
    @classmethod
    def _web_url(cls, v: object) -> object:
        # Only a web page is a link users may follow: `javascript:`, `file:`, `data:`… dropped.
        if v is not None and not (isinstance(v, str) and is_web_url(v)):
            log.warning("url %r is not an http(s) URL: not kept", str(v)[:100])
            return None
        return v

    @field_validator("title", "publisher")
    @classmethod
    def _plain(cls, v: str) -> str:
        return plain_text(v).strip()


@dataclass
class Page:
    """A stretch of a document as Markdown; `number` is the 1-based PDF page, None elsewhere."""

    text: str
    number: int | None = None


@dataclass
class SourceDocument:
    meta: DocumentMeta
    path: Path
    pages: list[Page]
    content_hash: str = field(default="")


class UnreadableDocument(Exception):
    """A file that cannot be indexed: corrupt, empty, unknown format or bad metadata."""


def _read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        return tomllib.loads(sidecar.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise UnreadableDocument(f"{sidecar.name}: TOML non valido ({exc})") from exc


def _markdown(path: Path) -> tuple[dict, list[Page]]:
    # utf-8-sig: a byte-order mark before the front matter would hide it.
    post = frontmatter.loads(path.read_text(encoding="utf-8-sig"))
    return dict(post.metadata), [Page(post.content)]


def _plain_text(path: Path) -> tuple[dict, list[Page]]:
    return {}, [Page(path.read_text(encoding="utf-8-sig"))]


def _pdf(path: Path) -> tuple[dict, list[Page]]:
    from llama_index.readers.file import PDFReader

    docs = PDFReader(return_full_document=False).load_data(path)
    pages = []
    for i, doc in enumerate(docs, start=1):
        label = doc.metadata.get("page_label")
        number = int(label) if str(label).isdigit() else i
        pages.append(Page(doc.text, number))
    return {}, pages


def _html(path: Path) -> tuple[dict, list[Page]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript"]):
        tag.decompose()
    meta = {"title": soup.title.get_text(" ", strip=True)} if soup.title else {}
    lines: list[str] = []
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "td"]):
        if el.find_parent(["li", "td"]) is not None and el.name in ("p", "li"):
            continue  # its text is already part of the enclosing item or cell
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name.startswith("h"):
            lines.append(f"\n{'#' * int(el.name[1])} {text}\n")
        elif el.name == "li":
            lines.append(f"- {text}")
        else:
            lines.append(f"\n{text}\n")
    return meta, [Page("\n".join(lines))]


def _docx(path: Path) -> tuple[dict, list[Page]]:
    import docx

    document = docx.Document(str(path))
    meta = {"title": document.core_properties.title} if document.core_properties.title else {}
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style.startswith("Heading") and style[-1:].isdigit():
            lines.append(f"\n{'#' * int(style[-1])} {text}\n")
        elif style == "Title":
            lines.append(f"\n# {text}\n")
        elif "List" in style:
            lines.append(f"- {text}")
        else:
            lines.append(f"\n{text}\n")
    return meta, [Page("\n".join(lines))]


READERS: dict[str, Callable[[Path], tuple[dict, list[Page]]]] = {
    ".md": _markdown,
    ".markdown": _markdown,
    ".txt": _plain_text,
    ".pdf": _pdf,
    ".html": _html,
    ".htm": _html,
    ".docx": _docx,
}


def load_document(path: Path) -> SourceDocument:
    """Read one file; raise UnreadableDocument with an Italian reason if it can't be indexed."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocument(f"formato non supportato ({path.suffix or 'senza estensione'})")
    raw = path.read_bytes()
    if not raw.strip():
        raise UnreadableDocument("file vuoto")
    try:
        found_meta, pages = reader(path)
    except UnreadableDocument:
        raise
    except Exception as exc:  # a corrupt file can make any parser raise anything
        # LlamaIndex's PDFReader retries and wraps the parser's error in tenacity's RetryError.
        last_attempt = getattr(exc, "last_attempt", None)
        cause = (last_attempt.exception() if last_attempt is not None else None) or exc
        raise UnreadableDocument(
            f"file illeggibile o corrotto ({type(cause).__name__}: {cause})"
        ) from exc
    meta = {**found_meta, **_read_sidecar(path)}
    meta.setdefault("doc_id", re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-"))
    meta.setdefault("source_type", "istituzionale")
    meta.setdefault("title", path.stem)
    try:
        doc_meta = DocumentMeta.model_validate(meta)
    except ValidationError as exc:
        raise UnreadableDocument(f"metadati non validi: {exc.errors()[0]['msg']}") from exc
    # Plain text whatever the format: no raw HTML, no link to anything but a web page.
    pages = [Page(plain_text(p.text), p.number) for p in pages]
    pages = [p for p in pages if p.text.strip()]
    if not pages:
        raise UnreadableDocument("nessun testo estraibile")
    return SourceDocument(doc_meta, path, pages, hashlib.sha256(raw).hexdigest())


def corpus_files(corpus_dir: Path) -> Iterator[Path]:
    """Every file of the corpus folder except sidecars, README and hidden files, sorted."""
    for path in sorted(corpus_dir.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.name.endswith(SIDECAR_SUFFIX) or path.name.lower() == "readme.md":
            continue
        yield path
