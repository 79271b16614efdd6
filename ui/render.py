"""HTML of the interface from Jinja2 templates (ui/templates), autoescaped: document and user
text is data, never markup. The helpers here are the templates' filters and globals (how a
source type, a date, a link or a section path is shown)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core.limits import section_parts
from ui import labels

SOURCE_LABELS = {
    "piano": "Piano",
    "consultazione": "Consultazione",
    "ue": "UE",
    "istituzionale": "Istituzionale",
    "stampa": "Stampa",
}


def source_kind(source_type: str) -> str:
    """The badge's class: a known source type, else "altro"."""
    return source_type if source_type in SOURCE_LABELS else "altro"


def source_label(source_type: str) -> str:
    return SOURCE_LABELS.get(source_type, source_type.capitalize() or "Altro")


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


def host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.") or url


def section_path(section: str, title: str) -> str:
    """The headings of a passage, without the first when it is the document's title."""
    parts = section_parts(section)
    if parts and comparable(title).startswith(comparable(parts[0])):
        parts = parts[1:]
    return " › ".join(parts)


def comparable(heading: str) -> str:
    """A heading as compared with a title: apostrophes unified, case folded."""
    return heading.replace("’", "'").casefold()


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ui", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(italian_date=italian_date, host=host)
    env.globals.update(
        labels=labels,
        source_kind=source_kind,
        source_label=source_label,
        safe_link=safe_link,
        section_path=section_path,
    )
    return env


def render(template: str, **context: Any) -> str:
    """One template of ui/templates, rendered (whitespace between tags kept small)."""
    return environment().get_template(template).render(**context).strip()
