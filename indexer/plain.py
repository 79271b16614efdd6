"""Document text made plain at index time: what a document carries is quoted to API clients as
it is stored, so no raw HTML and no link to anything but a web page is stored.

Raw HTML inside a Markdown (or text) document loses its tags (what they enclose stays, a script's
or a style's code does not); a Markdown link or image whose target is not an http(s) URL keeps
only its words; a document's own `url` is kept only when it is an http(s) URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
_CODE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# A tag, or an autolink (`<javascript:…>`): "<" then a letter, "/" or "!", up to ">".
_TAG = re.compile(r"<[/!]?[A-Za-z][^<>]*>")
# A Markdown link or image; its target may hold one level of parentheses (`alert(1)`).
_LINK = re.compile(
    r"(!?)\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+[\"'][^)]*[\"'])?\s*\)"
)


def is_web_url(url: str | None) -> bool:
    """An http(s) URL with a host."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def plain_text(text: str) -> str:
    """`text` without raw HTML and without links to anything but web pages."""
    text = _CODE.sub("", text)
    text = _COMMENT.sub("", text)
    text = _TAG.sub("", text)
    return _LINK.sub(_keep_web_links, text)


def _keep_web_links(match: re.Match[str]) -> str:
    _, label, target = match.groups()
    if is_web_url(target):
        return match.group(0)
    return label
