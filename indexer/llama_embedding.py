"""`PianoEmbedding` as a LlamaIndex embedding model, for what runs LlamaIndex itself (the
baselines in evals/systems.py); the server never imports LlamaIndex."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from indexer.embedding import PianoEmbedding


class LlamaIndexEmbedding(BaseEmbedding):
    """The same vectors as `PianoEmbedding`, through LlamaIndex's embedding API."""

    _embedder: PianoEmbedding = PrivateAttr()

    def __init__(self, embedder: PianoEmbedding, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.embedder_id, embed_batch_size=32, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "PianoEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_queries([query])[0].tolist()  # type: ignore[no-any-return]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_passages([text])[0].tolist()  # type: ignore[no-any-return]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts).tolist()  # type: ignore[no-any-return]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
