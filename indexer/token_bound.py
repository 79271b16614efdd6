"""Texts cut to what the embedding model reads, cheaply, before it runs.

e5 reads at most MAX_EMBED_TOKENS tokens and the cost of a call grows with its length (~1.8 ms
a token on one core): a 20,000-character history turn cost 10-20 s of CPU for a vector the model
could only have computed from its first 512 tokens anyway. Counting tokens is ~500 times cheaper
than embedding them, so the text is cut by a few counts on prefixes.
"""

from __future__ import annotations

from collections.abc import Callable

from core.limits import MAX_EMBED_TOKENS

# Room for the "query: "/"passage: " prefix a backend adds itself.
EMBED_TEXT_TOKENS = MAX_EMBED_TOKENS - 8
# No token of the e5 (XLM-R SentencePiece) vocabulary is longer than 16 characters, and a
# character is at most 4 tokens (byte fallback): these bounds need no counting.
_MAX_CHARS_PER_TOKEN = 16
_MAX_TOKENS_PER_CHAR = 4
_SPECIALS = 16


def bound_tokens(
    text: str, count_tokens: Callable[[str], int], max_tokens: int = EMBED_TEXT_TOKENS
) -> str:
    """The longest prefix of `text` with at most `max_tokens` tokens (the text itself if short)."""
    if len(text) * _MAX_TOKENS_PER_CHAR + _SPECIALS <= max_tokens:
        return text
    text = text[: max_tokens * _MAX_CHARS_PER_TOKEN]
    tokens = count_tokens(text)
    if tokens <= max_tokens:
        return text
    fits, too_long = 0, len(text)  # prefix lengths known to fit / known not to
    guess = len(text) * max_tokens // tokens  # tokens are spread about evenly
    while too_long - fits > 1:
        cut = min(max(guess, fits + 1), too_long - 1)
        if count_tokens(text[:cut]) <= max_tokens:
            fits = cut
        else:
            too_long = cut
        guess = (fits + too_long) // 2
    return text[:fits]
