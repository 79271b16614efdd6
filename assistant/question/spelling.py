"""Typo tolerance: a word no document contains and Italian does not know is read as the corpus
word it nearly spells ("socile" → "sociale", "cosultazione" → "consultazione").

A correct Italian word is never "corrected": only words below a frequency floor in Italian
(wordfreq's offline lists) are candidates, and only a corpus word at a small edit distance
replaces them (rapidfuzz).
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process

from core.italian import fold, italian_frequency, words

MIN_LENGTH = 4  # shorter words have too many neighbours to guess from
MAX_ZIPF = 1.5  # more frequent than this in Italian: a real word, left alone
MIN_SIMILARITY = 80.0  # rapidfuzz ratio (0-100) to the corpus word


class Speller:
    """Corrections against the words of the indexed documents."""

    def __init__(self, texts: list[str], word_counts: dict[str, int] | None = None) -> None:
        """From the corpus's texts, or from its word counts, most frequent first (the build's
        `indexer.lexicon`)."""
        if word_counts is None:
            word_counts = dict(Counter(w for text in texts for w in words(text)).most_common())
        # Most frequent first: on a tie, the word the documents use most wins.
        self._choices = [w for w in word_counts if len(w) >= MIN_LENGTH]
        self.known = frozenset(self._choices)
        italian_frequency("sociale")  # loads the word lists now, not on the first question

    def correction(self, word: str) -> str | None:
        """The corpus word `word` misspells, or None."""
        w = fold(word)
        if len(w) < MIN_LENGTH or w in self.known or not w.isalpha():
            return None
        if italian_frequency(w) > MAX_ZIPF:
            return None
        found = process.extractOne(w, self._choices, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY)
        return found[0] if found else None

    def corrections(self, text: str) -> dict[str, str]:
        """Every misspelled word of `text` (folded) and its correction."""
        out = {}
        for w in dict.fromkeys(words(text)):
            fixed = self.correction(w)
            if fixed is not None and fixed != w:
                out[w] = fixed
        return out


def apply_corrections(text: str, corrections: dict[str, str]) -> str:
    """`text` with each misspelled word replaced (case and accents of the rest untouched)."""
    if not corrections:
        return text

    def fix(match: re.Match[str]) -> str:
        return corrections.get(fold(match.group(0)), match.group(0))

    return re.sub(r"[^\W\d_]+", fix, text)
