"""Query vectors with a small LRU cache: repeated questions cost no model call."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

import numpy as np

from assistant.question.analysed import Question
from assistant.question.spelling import apply_corrections
from core.sections import ConversationSettings, ExpansionSettings
from indexer.embed_cache import EmbeddingCache
from indexer.embedding import PianoEmbedding


class QueryEmbeddings:
    """`embed_query(text)` → the normalised query vector, cached by text (and, while a build
    fits its models, in the data directory's embedding cache: a rebuild embeds no question
    twice)."""

    def __init__(
        self, embedder: PianoEmbedding, size: int = 2048, store: EmbeddingCache | None = None
    ) -> None:
        self._embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()
        self.store = store

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        if self.store is not None:
            vector = self.store.get_or_embed([text], self._embedder.embed_queries)[0][0]
        else:
            vector = self._embedder.embed_queries([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector


def question_vector(
    question: Question,
    embed_query: Callable[[str], np.ndarray],
    conversation: ConversationSettings,
    expansion: ExpansionSettings,
) -> np.ndarray:
    """The vector dense search looks with: the LLM's standalone rewrite when there is one; else
    the user's words (typos corrected), moved toward the earlier question a follow-up is fused
    with and toward the plan's terms its everyday words evoke, by the weights chosen on dev."""
    if question.standalone:
        return embed_query(question.standalone)
    vector = embed_query(question.spelled)
    if question.previous:
        previous = apply_corrections(question.previous, dict(question.corrections))
        weight = (
            conversation.followup_weight
            if question.followup == "bare"
            else conversation.elliptical_weight
        )
        vector = vector + weight * embed_query(previous)
        vector = vector / np.linalg.norm(vector)
    if question.expansion and expansion.glossary_weight:
        vector = vector + expansion.glossary_weight * embed_query(question.expansion)
        vector = vector / np.linalg.norm(vector)
    return vector
