"""Every embedded text is cut to what the model reads, before the model runs: the vector of a
pasted page is the vector of its first 504 tokens, and what reaches the backend is that prefix."""

from __future__ import annotations

import numpy as np
import pytest

from core.limits import MAX_EMBED_TOKENS
from indexer.embedding import PianoEmbedding
from indexer.token_bound import EMBED_TEXT_TOKENS, bound_tokens

PAGE = "Il Piano metropolitano per l'economia sociale di Torino prevede molte azioni. " * 250
TEXTS = {
    "italian": PAGE,
    "cjk": "社会经济计划的目标是什么？" * 160,  # a 2,000-character question in Chinese
    "emoji": "🤔" * 700,
    "one long word": "a" * 9000,
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_the_longest_prefix_within_the_budget(embedder, text):
    bounded = bound_tokens(text, embedder.count_tokens)
    assert text.startswith(bounded)
    assert embedder.count_tokens(bounded) <= EMBED_TEXT_TOKENS < MAX_EMBED_TOKENS
    assert embedder.count_tokens(text[: len(bounded) + 1]) > EMBED_TEXT_TOKENS


def test_short_texts_are_left_alone(embedder):
    assert bound_tokens("Quando è stato presentato il Piano?", embedder.count_tokens) == (
        "Quando è stato presentato il Piano?"
    )


class Recording:
    """The real backend, remembering the texts it was given."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.seen: list[str] = []

    def encode(self, texts, is_query):
        self.seen += texts
        return self.backend.encode(texts, is_query)

    def count_tokens(self, text):
        return self.backend.count_tokens(text)


def test_the_model_only_ever_sees_the_bounded_text(embedder):
    recording = Recording(embedder._backend)
    wrapped = PianoEmbedding(recording, embedder.embedder_id)
    page_vector = wrapped.embed_queries([PAGE])[0]
    prefix = bound_tokens(PAGE, embedder.count_tokens)
    assert recording.seen == [prefix]
    assert np.allclose(page_vector, embedder.embed_queries([prefix])[0], atol=1e-6)
