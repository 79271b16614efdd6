"""Italian sentence splitting: the quotable units of a passage, each a verbatim substring of it."""

from __future__ import annotations

import re
from functools import lru_cache

from core.limits import LIST_ITEM_START
from indexer.segmenter import ItalianSegmenter


@lru_cache(maxsize=1)
def _segmenter() -> ItalianSegmenter:
    return ItalianSegmenter()


@lru_cache(maxsize=4096)
def segment(unit: str) -> tuple[str, ...]:
    """pysbd's sentences of one paragraph or list line, each run once: the chunker splits an
    over-long paragraph to cut it, then the passages cut from it, and a PDF repeats lines."""
    return tuple(_segmenter().segment(unit))


def strip_list_marker(line: str) -> str:
    return LIST_ITEM_START.sub("", line, count=1)


def split_sentences(text: str) -> list[str]:
    """Sentences of a Markdown passage; every list item or line of a list is its own sentence.

    Each returned sentence occurs verbatim in `text`, so a quote can always be found in its passage.
    """
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.split("\n")
        if any(LIST_ITEM_START.match(line) for line in lines):
            units = [strip_list_marker(line).strip() for line in lines]
        else:
            units = [block.strip()]
        for unit in units:
            if not unit:
                continue
            for sentence in segment(unit):
                sentence = sentence.strip()
                # "**" left over from Markdown emphasis is no sentence to quote.
                quotable = len(sentence) > 1 and any(ch.isalnum() for ch in sentence)
                if quotable and sentence in text:
                    out.append(sentence)
    return out
