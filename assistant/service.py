"""The Assistant: the answering pipeline over one opened index — question → passages → cited answer.

It is built by `server.startup` (the one wiring point) and called by the API, the UI, the CLI
and the evals; it knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from assistant import templates
from assistant.answerability import AnswerabilityModel, Features, judge, measure
from assistant.citations import citation
from assistant.compose import Composed, abstention, compose_extractive
from assistant.evidence import Candidate, score_units
from assistant.expansion import QueryExpander
from assistant.generation.condense import condense_question
from assistant.generation.llm import ChatLLM
from assistant.generation.verify import SupportChecker
from assistant.generation.writer import AnswerWriter
from assistant.membership import Membership
from assistant.profiles import ProfileMatcher
from assistant.query_vectors import QueryEmbeddings
from assistant.question import Question
from assistant.retrieve import Hit, HybridRetriever
from assistant.spelling import Speller, apply_corrections
from assistant.streaming import AnswerEvent, line_deltas
from assistant.timings import Stopwatch
from core.italian import content_stems
from core.models import Answer, SearchResults, Turn
from core.sections import (
    AnswerSettings,
    ConversationSettings,
    ExpansionSettings,
    LLMSettings,
    RetrievalSettings,
)
from indexer.catalogue import Catalogue
from indexer.embedding import PianoEmbedding
from indexer.glossary import Glossary
from indexer.organisations import OrganisationCatalogue
from indexer.stores import IndexManifest, OpenIndex


@dataclass
class Retrieved:
    """A question's passages, with the analysed question and the vector that found them."""

    question: Question
    hits: list[Hit]
    vector: np.ndarray


class Assistant:
    def __init__(
        self,
        index: OpenIndex,
        embedder: PianoEmbedding,
        *,
        retrieval: RetrievalSettings,
        conversation: ConversationSettings,
        expansion: ExpansionSettings | None = None,
        answers: AnswerSettings,
        catalogue: Catalogue,
        organisations: OrganisationCatalogue | None = None,
        glossary: Glossary | None = None,
        answerability: AnswerabilityModel | None = None,
        llm: ChatLLM | None = None,
        llm_settings: LLMSettings | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.retriever = HybridRetriever(index, retrieval)
        self.conversation = conversation
        self.expansion = expansion or ExpansionSettings()
        self.glossary = glossary or Glossary()
        self.expander = QueryExpander(self.glossary)
        self.answerability = answerability or AnswerabilityModel.load()
        self.answers = answers
        self.embed_query = QueryEmbeddings(embedder)
        measures = {m.text for m in catalogue.measures}
        measure_rows = {  # the measures' rows only (a view of every row: 2 s at 350,000)
            sentence: chunk.sentence_start + i
            for chunk in index.chunks.values()
            for i, sentence in enumerate(chunk.sentences)
            if sentence in measures
        }
        self.profiles = ProfileMatcher(catalogue, self._row_vector(measure_rows), self.embed_query)
        self.vocabulary = set(index.lexicon.stems)
        self.speller = Speller([], index.lexicon.words)
        self.membership = Membership(
            organisations or OrganisationCatalogue(organisations=[]), index.chunks
        )
        self.llm = llm  # None: extractive answers only, and no network at all
        self.checker = SupportChecker(
            embedder, index.sentence_vectors, llm_settings or LLMSettings()
        )
        self.writer = AnswerWriter(llm, self.checker) if llm is not None else None

    def _row_vector(self, rows: dict[str, int]) -> Callable[[str], np.ndarray | None]:
        def vector_of(sentence: str) -> np.ndarray | None:
            row = rows.get(sentence)
            return None if row is None else self.index.sentence_vectors[row]

        return vector_of

    @property
    def manifest(self) -> IndexManifest:
        return self.index.manifest

    # --- retrieval -----------------------------------------------------------------------
    def analyse(
        self, question: str, history: list[Turn] | None = None, standalone: str | None = None
    ) -> Question:
        """The question in its conversation (the recent turns only)."""
        recent = (history or [])[-self.conversation.max_history_turns :]
        q = Question.in_conversation(question, recent, standalone)
        corrections = self.speller.corrections(q.base) if q.italian else {}
        spelled = apply_corrections(q.base, corrections)
        return q.refined(corrections, self.expander.expansion(frozenset(content_stems(spelled))))

    def query_vector(self, question: Question) -> np.ndarray:
        if question.standalone:
            return self.embed_query(question.standalone)
        vector = self.embed_query(question.spelled)
        if question.previous:
            previous = apply_corrections(question.previous, dict(question.corrections))
            weight = (
                self.conversation.followup_weight
                if question.followup == "bare"
                else self.conversation.elliptical_weight
            )
            vector = vector + weight * self.embed_query(previous)
            vector = vector / np.linalg.norm(vector)
        if question.expansion and self.expansion.glossary_weight:
            vector = vector + self.expansion.glossary_weight * self.embed_query(question.expansion)
            vector = vector / np.linalg.norm(vector)
        return vector

    def retrieve_for(
        self, question: Question, top_k: int | None = None, mode: str = "hybrid"
    ) -> Retrieved:
        vector = self.query_vector(question)
        if mode == "hybrid" and not question.italian:
            mode = "dense"  # Italian BM25 only adds noise to a question in another language
        hits = self.retriever.search(question, vector, top_k or self.retriever.params.top_k, mode)
        return Retrieved(question, hits, vector)

    def retrieve(
        self,
        question: str,
        history: list[Turn] | None = None,
        top_k: int | None = None,
        mode: str = "hybrid",
    ) -> Retrieved:
        """Passages for a question, follow-ups resolved against `history`."""
        return self.retrieve_for(self.analyse(question, history), top_k, mode)

    def search(self, query: str, top_k: int | None = None) -> SearchResults:
        clock = Stopwatch()
        found = self.retrieve(query, top_k=top_k)
        results = [citation(n, h.chunk, h.score) for n, h in enumerate(found.hits, start=1)]
        return SearchResults(query=query, results=results, timings_ms=clock.timings())

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
        clock = Stopwatch()
        routed = self._measures_answer(question) or self._membership_answer(question, history)
        if routed is not None:
            clock.laps = {"retrieve": 0.0}
            clock.lap("compose")
            yield from self._finish(routed, clock)
            return
        standalone = None
        if self.llm is not None and history:
            recent = history[-self.conversation.max_history_turns :]
            standalone = condense_question(self.llm, question, recent)
            clock.lap("condense")
        found = self.retrieve_for(self.analyse(question, history, standalone), top_k)
        clock.lap("retrieve")
        composed = self._compose(found)
        clock.lap("compose")
        note = templates.LANGUAGE_NOTES.get(found.question.language)
        extractive = Answer(
            question=question,
            answer=f"{note}\n\n{composed.answer}" if note else composed.answer,
            abstained=composed.abstained,
            citations=composed.citations,
            note=note,
            direct=composed.direct,
        )
        if self.writer is not None and not composed.abstained:
            # The extractive check decides whether the documents cover the question at all:
            # its calibrated abstention stands, and the LLM is asked only about covered ones.
            generated = yield from self.writer.write(found.question, found.hits, note)
            clock.lap("generate")
            if generated is not None:
                generated.timings_ms = clock.timings()
                yield generated
                return
        yield from self._finish(extractive, clock)

    def _measures_answer(self, question: str) -> Answer | None:
        """A "what is there for me?" question: the measures that fit, or none for that role."""
        return self.profiles.answer_for(question, self.index.chunks.__getitem__)

    def _membership_answer(self, question: str, history: list[Turn] | None) -> Answer | None:
        """Who took part ("c'era il Politecnico?"): answered from the list of organisations."""
        found = self.membership.answer(self.analyse(question, history))
        if found is None:
            return None
        return Answer(
            question=question,
            answer=found.text,
            abstained=False,
            citations=found.citations,
            direct=found.direct,
        )

    def evidence(self, found: Retrieved) -> tuple[list[Candidate], Features]:
        """The scored units of the retrieved passages, and the measurements that decide whether
        they answer the question."""
        units = score_units(
            found.question, found.vector, found.hits, self.index.sentence_vectors, self.answers
        )
        p = self.retriever.params
        fused_max = (p.dense_weight + p.bm25_weight) / (p.rrf_k + 1)
        corpus_spread = self.index.sentence_stats.mean_and_spread(found.vector)
        return units, measure(
            found.question, found.hits, units, self.vocabulary, fused_max, corpus_spread
        )

    def _compose(self, found: Retrieved) -> Composed:
        question = found.question
        if question.is_instruction:
            return abstention(found.hits, templates.ABSTAIN_INSTRUCTION)
        units, features = self.evidence(found)
        verdict = judge(question, units, features, self.answerability)
        if not units or not verdict.answerable:
            return abstention(found.hits, templates.ABSTAIN)
        return compose_extractive(question, found.hits, units, self.answers)

    @staticmethod
    def _finish(answer: Answer, clock: Stopwatch) -> Iterator[AnswerEvent]:
        """An already composed answer, line by line, then the Answer with its timings."""
        yield from line_deltas(answer.answer)
        answer.timings_ms = clock.timings()
        yield answer
