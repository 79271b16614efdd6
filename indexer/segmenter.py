"""pysbd's Italian segmenter with its regular expressions compiled once, not once per use.

pysbd builds a regex per abbreviation for every line it reads (about 1,800 Italian
abbreviations), and one per sentence to find it back in the text: far more patterns than the
`re` module caches (512), so nearly every use compiled again — 930,000 `re` look-ups and 158,000
compilations for a 120-page PDF, most of a build's splitting time. The methods below are
pysbd 0.3.4's, line for line, with the same patterns taken from a cache of our own, and skip a
substitution only when it provably has nothing to replace. tests/indexer/test_segmenter.py holds
them to plain pysbd's output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pysbd
from pysbd.lang.italian import Italian
from pysbd.processor import Processor
from pysbd.utils import TextSpan

_PREPOSITIVE = frozenset(Italian.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
_NUMBER = frozenset(Italian.Abbreviation.NUMBER_ABBREVIATIONS)
_ABBREVIATIONS = tuple(a.strip() for a in Italian.Abbreviation.ABBREVIATIONS)


@lru_cache(maxsize=1)
def _by_start() -> dict[str, list[int]]:
    """Positions in `_ABBREVIATIONS` by the abbreviation's first two characters (or only one)."""
    index: dict[str, list[int]] = {}
    for i, abbr in enumerate(_ABBREVIATIONS):
        index.setdefault(abbr[:2], []).append(i)
    return index


def _candidates(lowered: str) -> list[str]:
    """The abbreviations that may occur in `lowered`, in pysbd's order: an abbreviation that is
    a substring starts with one of the line's characters or pairs of characters."""
    index = _by_start()
    starts = set(lowered) | {lowered[i : i + 2] for i in range(len(lowered) - 1)}
    positions = sorted(i for start in starts for i in index.get(start, ()))
    return [_ABBREVIATIONS[i] for i in positions]


@lru_cache(maxsize=8192)
def _pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(source, flags)


def _cannot_match(abbr: str, txt: str) -> bool:
    """True when `(?<=\\s<abbr>)\\.` has no match in `txt`: `abbr` is a plain literal (no regex
    syntax) and `abbr.` does not occur."""
    return re.escape(abbr) == abbr and abbr + "." not in txt


def _replace_unescaped_abbr(txt: str, abbr: str, lookahead: str) -> str:
    """pysbd's replace_pre_number_abbr and replace_prepositive_abbr (the abbreviation unescaped)."""
    stripped = abbr.strip()
    if _cannot_match(stripped, txt):
        return txt
    pattern = _pattern(rf"(?<=\s{stripped})\.(?={lookahead})")
    return pattern.sub("∯", " " + txt)[1:]


class _AbbreviationReplacer(Italian.AbbreviationReplacer):  # type: ignore[misc]
    def replace_period_of_abbr(self, txt: str, abbr: str) -> str:
        if abbr.strip() + "." not in txt:  # the abbreviation is escaped: it must occur as is
            return txt
        escaped = re.escape(abbr.strip())
        pattern = _pattern(
            rf"(?<=\s{escaped})\.(?=((\.|\:|-|\?|,)|(\s([a-z]|I\s|I'm|I'll|\d|\())))"
        )
        return pattern.sub("∯", " " + txt)[1:]

    def search_for_abbreviations_in_string(self, text: str) -> str:
        lowered = text.lower()
        for stripped in _candidates(lowered):
            if stripped not in lowered:
                continue
            abbrev_match = _pattern(rf"(?:^|\s|\r|\n){stripped}", re.IGNORECASE).findall(text)
            if not abbrev_match:
                continue
            next_word_start = _pattern(r"(?<={" + str(re.escape(stripped)) + "} ).{1}")
            # The braces are literal ({<letters>} is no repeat): without "{" nothing matches.
            char_array = next_word_start.findall(text) if "{" in text else []
            for ind, match in enumerate(abbrev_match):
                text = self.scan_for_replacements(text, match, ind, char_array)
        return text

    def scan_for_replacements(self, txt: str, am: str, ind: int, char_array: list[str]) -> str:
        try:
            char = char_array[ind]
        except IndexError:
            char = ""
        upper = str(char).isupper()
        key = am.strip().lower()
        if not upper or key in _PREPOSITIVE:
            if key in _PREPOSITIVE:
                txt = _replace_unescaped_abbr(txt, am, r"(\s|:\d+)")
            elif key in _NUMBER:
                txt = _replace_unescaped_abbr(txt, am, r"(\s\d|\s+\()")
            else:
                txt = self.replace_period_of_abbr(txt, am)
        return txt


class _Processor(Processor):  # type: ignore[misc]
    def abbreviations_replacer(self) -> _AbbreviationReplacer:
        return _AbbreviationReplacer(self.text, self.lang)


class ItalianSegmenter(pysbd.Segmenter):  # type: ignore[misc]
    """`pysbd.Segmenter(language="it", clean=False)`, giving the same sentences, faster."""

    def __init__(self) -> None:
        super().__init__(language="it", clean=False)

    def processor(self, text: str) -> _Processor:
        return _Processor(text, self.language_module, char_span=self.char_span)

    def sentences_with_char_spans(self, sentences: list[str]) -> list[Any]:
        """Each sentence found back in the text with its trailing whitespace, as pysbd's
        `re.finditer(re.escape(sent) + r"\\s*")` does, by plain string search."""
        text = self.original_text
        spans = []
        prior_end = 0
        for sent in sentences:
            for start, end in _occurrences(sent, text):
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
        return spans


def _occurrences(sent: str, text: str) -> Iterator[tuple[int, int]]:
    """Spans of `re.finditer(re.escape(sent) + r"\s*", text)`, found without a regex."""
    if not sent:  # "\s*" alone also matches empty strings: leave that to the regex
        yield from (m.span() for m in re.finditer(r"\s*", text))
        return
    pos = 0
    while (start := text.find(sent, pos)) >= 0:
        end = start + len(sent)
        while end < len(text) and text[end].isspace():  # str.isspace() is the regex's \s
            end += 1
        yield start, end
        pos = end
