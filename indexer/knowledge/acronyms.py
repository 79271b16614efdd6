"""A corpus's acronyms, derived from its documents when the index is built: wherever the text
spells one out — "Consorzio Intercomunale dei Servizi Sociali di Valfonda (CISS)", "CDR
(Corporate Digital Responsibility)", "Unione dei Comuni della Valdorno - UCVal" — the pair is
kept; `acronyms.toml` beside the corpus adds, reviewed, those the text never spells out.

The table is stored in the build (`acronyms.json`) next to the BM25 index it was used for, so the
queries of a build always see the table its passages were indexed with.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from core.italian import GENERIC_ACRONYMS, Acronyms, fold, words
from indexer.knowledge.files import SourcePassage, knowledge_path, read_toml

ACRONYMS_FILE = "acronyms.json"
# An acronym: 2-8 letters, at least two of them capitals ("CISS", "UCVal", "ATS").
_ACRONYM = r"[A-Z][A-Za-z]{1,7}"
_IN_PARENTHESES = re.compile(rf"\(({_ACRONYM})\)")  # "Long Form (LF)"
_SPELLED_AFTER = re.compile(rf"\b({_ACRONYM})\s*\(([^()\n]+)\)")  # "LF (Long Form)"
_DASHED = re.compile(rf"\s[-–—]\s+({_ACRONYM})\s*(?:$|[.,;)])", re.MULTILINE)  # "Long Form - LF"
# Where the words before an acronym start: the line or the last bracket (and, before a dash,
# the last dash or clause mark).
_BEFORE_BRACKET = re.compile(r"[^()\n]*$")
_BEFORE_DASH = re.compile(r"[^()\n\-–—:;]*$")
# Words an acronym usually skips ("Ministero dell'Economia e delle Finanze" → MEF).
_LINKS = frozenset(
    "a al alla d da dal dalla de dei del della delle dello degli dell di e ed il in l la le lo "
    "per of and for the".split()
)
MAX_TRAILING = 2  # words after the long form before the parenthesis ("… di Valfonda (CISS)")


class ReviewedAcronym(BaseModel):
    acronym: str
    expansions: list[str]
    source: SourcePassage  # where the documents use the acronym or its expansion


def _is_acronym(token: str) -> bool:
    return sum(ch.isupper() for ch in token) >= 2


def _ends(letters: str, tokens: list[str], at: int) -> Iterator[int]:
    """Where a long form starting at `tokens[at]` can end (exclusive) with the acronym's letters,
    in order, prefixes of its words: every word but a link word gives at least one letter
    ("Unione dei Comuni della Valdorno" → u·c·val); one letter a word is tried first."""

    def walk(rest: str, i: int) -> Iterator[int]:
        if not rest:
            yield i
            return
        if i >= len(tokens):
            return
        word = tokens[i]
        for n in range(1, min(len(word), len(rest)) + 1):
            if word[:n] == rest[:n]:
                yield from walk(rest[n:], i + 1)
        if word in _LINKS:
            yield from walk(rest, i + 1)

    if tokens[at] not in _LINKS and tokens[at].startswith(letters[0]):
        yield from walk(letters, at)


def _long_form(acronym: str, text: str, before: bool) -> str | None:
    """The words of `text` that spell `acronym` out: the ones right before it (`before`), or
    the text's own first words; a few words may follow ("… di Valfonda (CISS)")."""
    tokens = [t for t in words(text) if not t.isdigit()]
    letters = fold(acronym)
    starts = range(len(tokens) - 1, -1, -1) if before else range(min(1, len(tokens)))
    for at in starts:
        for end in _ends(letters, tokens, at):
            trailing = tokens[end:]
            content = [t for t in tokens[at:end] if t not in _LINKS]
            if len(content) < 2 or len(trailing) > MAX_TRAILING:
                continue
            if trailing and trailing[0] not in _LINKS:
                continue
            return " ".join(tokens[at:end])
    return None


def _spelled(text: str) -> Iterator[tuple[str, str, bool]]:
    """(acronym, the words around it, whether they come before it) wherever the text may
    spell an acronym out."""
    for m in _IN_PARENTHESES.finditer(text):
        yield m[1], _words_before(_BEFORE_BRACKET, text, m.start()), True
    for m in _SPELLED_AFTER.finditer(text):
        yield m[1], m[2], False
    for m in _DASHED.finditer(text):
        yield m[1], _words_before(_BEFORE_DASH, text, m.start()), True


def _words_before(pattern: re.Pattern[str], text: str, end: int) -> str:
    """The words right before `end`, back to where `pattern` says they start (300 characters
    at most: a long form is a few words)."""
    before = pattern.search(text, max(0, end - 300), end)
    return before.group(0) if before else ""


def derive_acronyms(texts: Iterable[str]) -> Acronyms:
    """Every acronym the texts spell out, with its long forms in order of appearance."""
    found: dict[str, list[str]] = {}
    for text in texts:
        for acronym, around, before in _spelled(text):
            if not _is_acronym(acronym):
                continue
            long_form = _long_form(acronym, around, before)
            if long_form:
                known = found.setdefault(fold(acronym), [])
                known += [long_form] if long_form not in known else []
    return Acronyms.of(found)


def reviewed_acronyms(path: Path) -> Acronyms:
    """The acronyms of `acronyms.toml` (none without the file)."""
    entries = [ReviewedAcronym.model_validate(e) for e in read_toml(path).get("acronym", [])]
    return Acronyms.of(
        {fold(e.acronym): [" ".join(words(x)) for x in e.expansions] for e in entries}
    )


def corpus_acronyms(texts: Iterable[str], corpus_dir: Path) -> Acronyms:
    """What a build uses: derived from the texts, then the reviewed file's, then Italian ones."""
    reviewed = reviewed_acronyms(knowledge_path(corpus_dir, "acronyms"))
    return derive_acronyms(texts).merged(reviewed).merged(GENERIC_ACRONYMS)


def save_acronyms(build_dir: Path, acronyms: Acronyms) -> None:
    text = json.dumps(acronyms.as_dict(), ensure_ascii=False, indent=1)
    (build_dir / ACRONYMS_FILE).write_text(text, encoding="utf-8")


def load_acronyms(build_dir: Path) -> Acronyms:
    """A build's table; the Italian ones alone for a build made before tables were stored."""
    path = build_dir / ACRONYMS_FILE
    if not path.exists():
        return GENERIC_ACRONYMS
    return Acronyms.of(json.loads(path.read_text(encoding="utf-8")))
