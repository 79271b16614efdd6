"""The Assistant: the one wiring point, built once from settings; API, UI, CLI and evals call it."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Generator, Iterator
from threading import Lock

import numpy as np

from assistant import texts
from assistant.compose import Composed, ComposeParams, abstention, citation, compose_extractive
from assistant.condense import condense_question
from assistant.conversation import resolve_followup
from assistant.coverage import CoverageParams, corpus_vocabulary
from assistant.language import detect_language, is_instruction
from assistant.llm import ChatLLM, LLMError
from assistant.measures import ProfileMatcher, compose_measures_answer, is_measures_question
from assistant.models import Answer, SearchResults, Turn
from assistant.retrieve import Hit, HybridRetriever, RetrievalParams
from assistant.streaming import AnswerEvent, TextDelta, line_deltas
from assistant.verify import StreamVerifier, SupportChecker, SupportParams
from indexer.embedding import PianoEmbedding
from indexer.measures import Catalogue, load_catalogue
from indexer.settings import Settings
from indexer.stores import IndexManifest, OpenIndex, open_index

log = logging.getLogger(__name__)


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
        catalogue: Catalogue | None = None,
        llm: ChatLLM | None = None,
        support: SupportParams | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.retriever = HybridRetriever(index, retrieval)
        self.compose_params = compose
        self.top_k = top_k
        self.followup_weight = followup_weight
        self.max_history_turns = max_history_turns
        self.embed_query = QueryEmbeddings(embedder)
        sentence_vectors = {
            sentence: index.sentence_vectors[chunk.sentence_start + i]
            for chunk in index.chunks.values()
            for i, sentence in enumerate(chunk.sentences)
        }
        self.measures = ProfileMatcher(
            catalogue or Catalogue(areas=[], measures=[]), sentence_vectors.get, self.embed_query
        )
        self.vocabulary = corpus_vocabulary(
            [f"{c.meta['title']} {c.meta['section']} {c.text}" for c in index.chunks.values()]
        )
        self.llm = llm  # None: extractive answers only, and no network at all
        self.checker = SupportChecker(embedder, index.sentence_vectors, support or SupportParams())

    @classmethod
    def from_settings(cls, settings: Settings, embedder: PianoEmbedding | None = None) -> Assistant:
        embedder = embedder or PianoEmbedding.from_settings(settings)
        index = open_index(settings, embedder.embedder_id)
        return cls(
            index,
            embedder,
            RetrievalParams(
                settings.candidates,
                settings.rrf_k,
                settings.dense_weight,
                settings.bm25_weight,
                settings.max_per_doc,
                settings.source_boost,
            ),
            ComposeParams(
                settings.answer_sentences,
                CoverageParams(settings.min_similarity, settings.min_known_share),
            ),
            settings.top_k,
            settings.followup_weight,
            settings.max_history_turns,
            load_catalogue(settings.builds_dir / index.manifest.build_id),
            llm=ChatLLM.from_settings(settings),
            support=SupportParams(
                threshold=settings.llm_min_support, unsupported=settings.llm_unsupported
            ),
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
        self,
        question: str,
        history: list[Turn] | None = None,
        top_k: int | None = None,
        mode: str = "hybrid",
        standalone: str | None = None,
    ) -> tuple[list[Hit], np.ndarray, str]:
        """Passages for a question (follow-ups resolved); also the query vector and lexical query.
        `standalone` is the question rewritten by the LLM to stand alone: it then replaces the
        rule-based fusion with the previous turn."""
        if standalone:
            vector, lexical = self.embed_query(standalone), standalone
        else:
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
        return SearchResults(query=query, results=results, timings_ms={"total": _ms_since(started)})

    # --- answers ---------------------------------------------------------------------------
    def ask(
        self, question: str, history: list[Turn] | None = None, top_k: int | None = None
    ) -> Answer:
        answer = None
        for event in self.ask_stream(question, history, top_k):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None, "ask_stream always ends with the Answer"
        return answer

    def ask_stream(
        self, question: str, history: list[Turn] | None = None, top_k: int | None = None
    ) -> Iterator[AnswerEvent]:
        """The answer as text pieces, then the whole `Answer`. Without an LLM, or when the
        documents do not cover the question, the extractive answer line by line; with one, the
        generated sentences that survive verification as they arrive, and the extractive answer
        whenever the LLM fails or nothing it wrote is supported."""
        started = time.perf_counter()
        if is_measures_question(question) and (
            matches := self.measures.match(description=question)
        ):
            text, citations = compose_measures_answer(matches, self.index.chunks.__getitem__)
            yield from line_deltas(text)
            yield Answer(
                question=question,
                answer=text,
                abstained=False,
                citations=citations,
                timings_ms={
                    "retrieve": 0.0,
                    "compose": _ms_since(started),
                    "total": _ms_since(started),
                },
            )
            return
        history = (history or [])[-self.max_history_turns :]
        timings: dict[str, float] = {}
        standalone = None
        if self.llm is not None and history:
            standalone = condense_question(self.llm, question, history)
            timings["condense"] = _ms_since(started)
        retrieving = time.perf_counter()
        hits, vector, lexical = self.retrieve(question, history, top_k, standalone=standalone)
        retrieved = time.perf_counter()
        language = detect_language(question)
        composed: Composed
        if is_instruction(question):
            composed = abstention(hits, texts.ABSTAIN_INSTRUCTION, 0.0)
        else:
            composed = compose_extractive(
                lexical,
                vector,
                hits,
                self.index.sentence_vectors,
                self.compose_params,
                self.vocabulary,
                language == "it",
                asked=question,
            )
        note = texts.LANGUAGE_NOTES.get(language) if language != "it" else None
        timings = {
            "retrieve": round((retrieved - retrieving) * 1000, 2),
            "compose": _ms_since(retrieved),
            **timings,
        }
        extractive = Answer(
            question=question,
            answer=f"{note}\n\n{composed.answer}" if note else composed.answer,
            abstained=composed.abstained,
            mode="extractive",
            citations=composed.citations,
            note=note,
            timings_ms=timings,
        )
        if self.llm is not None and not composed.abstained:
            # The extractive check decides whether the documents cover the question at all:
            # its calibrated abstention stands, and the LLM is asked only about covered ones.
            generated = yield from self._generate(question, standalone, hits, note, extractive)
            if generated is not None:
                generated.timings_ms["total"] = _ms_since(started)
                yield generated
                return
            yield from line_deltas(extractive.answer)
        else:
            yield from line_deltas(extractive.answer)
        extractive.timings_ms["total"] = _ms_since(started)
        yield extractive

    def _generate(
        self,
        question: str,
        standalone: str | None,
        hits: list[Hit],
        note: str | None,
        extractive: Answer,
    ) -> Generator[AnswerEvent, None, Answer | None]:
        """Streams the LLM's verified sentences; returns the `llm` Answer, or None when the
        extractive one must be given instead (nothing yielded then)."""
        assert self.llm is not None
        started = time.perf_counter()
        passages = [
            texts.llm_passage(
                n, h.chunk.meta["title"], h.chunk.meta.get("section", ""), h.chunk.text
            )
            for n, h in enumerate(hits, start=1)
        ]
        request = texts.llm_answer_request(passages, question, standalone)
        verifier = StreamVerifier(self.checker, hits)
        head = f"{note}\n\n" if note else ""
        failure = None
        try:
            for delta in self.llm.stream(texts.LLM_ANSWER_SYSTEM, request):
                for piece in verifier.feed(delta):
                    yield TextDelta(head + piece)
                    head = ""
            for piece in verifier.finish():
                yield TextDelta(head + piece)
                head = ""
        except LLMError as exc:
            failure = exc
        timings = {**extractive.timings_ms, "generate": _ms_since(started)}
        dropped = len(verifier.verdicts) - verifier.supported
        if not verifier.supported:
            # The question itself stays out of the log (PIANO_LOG_QUESTIONS decides about it).
            log.warning(
                "LLM answer not used (%s): extractive answer given instead",
                failure or f"no supported sentence of {len(verifier.verdicts)}",
            )
            extractive.timings_ms = timings
            return None
        if failure:
            log.warning(
                "LLM stream broke off (%s): keeping its %d verified sentences",
                failure,
                verifier.supported,
            )
        if dropped:
            log.info(
                "%d of %d generated sentences unsupported (%s)",
                dropped,
                len(verifier.verdicts),
                self.checker.params.unsupported,
            )
        return Answer(
            question=question,
            answer=(f"{note}\n\n" if note else "") + verifier.text,
            abstained=False,
            mode="llm",
            citations=verifier.citations(),
            note=note,
            timings_ms=timings,
        )


def _ms_since(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)
