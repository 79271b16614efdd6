"""The Assistant: the one wiring point, built once from settings; API, UI, CLI and evals call it."""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

import numpy as np

from assistant import texts
from assistant.compose import Composed, ComposeParams, abstention, citation, compose_extractive
from assistant.conversation import resolve_followup
from assistant.coverage import CoverageParams, corpus_vocabulary
from assistant.language import detect_language, is_instruction
from assistant.models import Answer, SearchResults, Turn
from assistant.retrieve import Hit, HybridRetriever, RetrievalParams
from indexer.embedding import PianoEmbedding
from indexer.settings import Settings
from indexer.stores import IndexManifest, OpenIndex, open_index


class QueryEmbeddings:
    """Query vectors with a small LRU cache: repeated questions cost no model call."""

    def __init__(self, embedder: PianoEmbedding, size: int = 2048) -> None:
        self._embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self._embedder.embed_queries([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector


class Assistant:
    def __init__(
        self,
        index: OpenIndex,
        embedder: PianoEmbedding,
        retrieval: RetrievalParams,
        compose: ComposeParams,
        top_k: int = 5,
        followup_weight: float = 0.5,
        max_history_turns: int = 20,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.retriever = HybridRetriever(index, retrieval)
        self.compose_params = compose
        self.top_k = top_k
        self.followup_weight = followup_weight
        self.max_history_turns = max_history_turns
        self.embed_query = QueryEmbeddings(embedder)
        self.vocabulary = corpus_vocabulary(
            [f"{c.meta['title']} {c.meta['section']} {c.text}" for c in index.chunks.values()]
        )

    @classmethod
    def from_settings(cls, settings: Settings, embedder: PianoEmbedding | None = None) -> Assistant:
        embedder = embedder or PianoEmbedding.from_settings(settings)
        return cls(
            open_index(settings, embedder.embedder_id),
            embedder,
            RetrievalParams(settings.candidates, settings.rrf_k, settings.dense_weight,
                            settings.bm25_weight, settings.max_per_doc, settings.source_boost),
            ComposeParams(settings.answer_sentences,
                          CoverageParams(settings.min_similarity, settings.min_known_share)),
            settings.top_k,
            settings.followup_weight,
            settings.max_history_turns,
        )

    @property
    def manifest(self) -> IndexManifest:
        return self.index.manifest

    # --- retrieval -----------------------------------------------------------------------
    def query_vector(self, question: str, previous: str | None) -> np.ndarray:
        vector = self.embed_query(question)
        if previous:
            vector = vector + self.followup_weight * self.embed_query(previous)
            vector = vector / np.linalg.norm(vector)
        return vector

    def retrieve(
        self, question: str, history: list[Turn] | None = None, top_k: int | None = None,
        mode: str = "hybrid",
    ) -> tuple[list[Hit], np.ndarray, str]:
        """Passages for a question (follow-ups resolved); also the query vector and lexical query."""
        resolved = resolve_followup(question, (history or [])[-self.max_history_turns :])
        vector = self.query_vector(question, resolved.previous)
        lexical = f"{resolved.previous} {question}" if resolved.previous else question
        if mode == "hybrid" and detect_language(question) != "it":
            mode = "dense"  # Italian BM25 only adds noise to a question in another language
        hits = self.retriever.search(lexical, vector, top_k or self.top_k, mode)
        return hits, vector, lexical

    def search(self, query: str, top_k: int | None = None) -> SearchResults:
        started = time.perf_counter()
        hits, _, _ = self.retrieve(query, top_k=top_k)
        results = [citation(n, h.chunk, h.score) for n, h in enumerate(hits, start=1)]
        return SearchResults(query=query, results=results,
                             timings_ms={"total": _ms_since(started)})

    # --- answers ---------------------------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None, top_k: int | None = None) -> Answer:
        started = time.perf_counter()
        hits, vector, lexical = self.retrieve(question, history, top_k)
        retrieved = time.perf_counter()
        language = detect_language(question)
        composed: Composed
        if is_instruction(question):
            composed = abstention(hits, texts.ABSTAIN_INSTRUCTION, 0.0)
        else:
            composed = compose_extractive(lexical, vector, hits, self.index.sentence_vectors,
                                          self.compose_params, self.vocabulary, language == "it",
                                          asked=question)
        note = texts.LANGUAGE_NOTES.get(language) if language != "it" else None
        return Answer(
            question=question,
            answer=f"{note}\n\n{composed.answer}" if note else composed.answer,
            abstained=composed.abstained,
            mode="extractive",
            citations=composed.citations,
            note=note,
            timings_ms={
                "retrieve": round((retrieved - started) * 1000, 2),
                "compose": _ms_since(retrieved),
                "total": _ms_since(started),
            },
        )


def _ms_since(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)
