"""The Assistant: the answering pipeline over one opened index — question → passages → an answer,
"not sure", or "not covered".

It is built by `server.startup` (the one wiring point) and called by the API, the UI, the CLI
and the evals; it knows nothing of HTTP. The steps, in the order of the rooms: the question
analysed once (`question/`), passages ranked (`retrieval/`), routes that answer from what the
product knows (`routes/`), the evidence scored and the outcome decided (`answer/`), the text
composed — or, with an LLM, written and verified (`generation/`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assistant import templates
from assistant.answer.citations import citation
from assistant.answer.compose import (
    Composed,
    compose_answer,
    compose_headings,
    compose_not_covered,
    compose_unsure,
)
from assistant.answer.coverage import unknown_names
from assistant.answer.evidence import EvidenceScorer, Unit
from assistant.answer.outcome import CorpusContext, Decision, measure
from assistant.answer.rules import RuleOutcome
from assistant.answer.sections import SectionTree
from assistant.answer.suggestions import NextQuestions
from assistant.generation.condense import condense_question
from assistant.generation.llm import ChatLLM
from assistant.generation.verify import SupportChecker
from assistant.generation.writer import AnswerWriter
from assistant.learning.store import Models
from assistant.question.analysed import Question
from assistant.question.answer_types import AnswerType
from assistant.question.expansion import QueryExpander
from assistant.question.spelling import Speller, apply_corrections
from assistant.retrieval.features import PassageFeatures
from assistant.retrieval.hybrid import Hit, HybridRetriever
from assistant.retrieval.lexicon import Lexicon
from assistant.retrieval.query_vectors import QueryEmbeddings, question_vector
from assistant.retrieval.ranking import PassageRanker
from assistant.routes.definitions import Definitions
from assistant.routes.headings import Headings
from assistant.routes.membership import Membership
from assistant.routes.profiles import ProfileMatcher, measure_vectors
from assistant.routes.router import Router
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
from indexer.knowledge import CorpusKnowledge
from indexer.organisations import OrganisationCatalogue
from indexer.stores import IndexManifest, OpenIndex, StoredChunk


@dataclass
class Retrieved:
    """A question's passages, with the analysed question and the vector that found them."""

    question: Question
    hits: list[Hit]
    vector: np.ndarray


@dataclass
class Judged:
    """The evidence of a retrieved question and the outcome decided on it."""

    found: Retrieved
    units: list[Unit]
    decision: Decision


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
        llm: ChatLLM | None = None,
        llm_settings: LLMSettings | None = None,
        models: Models | None = None,
        knowledge: CorpusKnowledge | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.models = models or Models()
        self.knowledge = knowledge or CorpusKnowledge()
        self.retriever = HybridRetriever(index, retrieval, self.knowledge.sources)
        publishers = (d.meta.publisher for d in index.manifest.documents)
        self.lexicon = Lexicon(index.lexicon, index.acronyms, publishers)
        self.ranker = PassageRanker(
            self.retriever, PassageFeatures(index, self.lexicon), self.models.passages
        )
        self.evidence_scorer = EvidenceScorer(
            index.sentence_vectors, self.lexicon, answers, self.models.sentences
        )
        self.corpus = CorpusContext(
            self.lexicon.vocabulary,
            index.sentence_stats.mean_and_spread,
            self.models.everyday,
            self.lexicon.weighted_share,
        )
        self.outcomes = self.models.outcome or RuleOutcome()
        self.conversation = conversation
        self.expansion = expansion or ExpansionSettings()
        self.glossary = glossary or Glossary()
        self.expander = QueryExpander(self.glossary)
        self.answers = answers
        self.whom_to_ask = self.knowledge.about.whom_to_ask()  # the promoting bodies, as data
        self.embed_query = QueryEmbeddings(embedder)
        self.llm = llm  # None: extractive answers only, and no network at all
        self.checker = SupportChecker(
            embedder, index.sentence_vectors, llm_settings or LLMSettings(), index.acronyms
        )
        plan = self.knowledge.about.plan
        self.writer = AnswerWriter(llm, self.checker, plan) if llm is not None else None
        self._open_routes(index, catalogue, organisations)
        self.next_questions = NextQuestions(index, self.glossary, self.router.definitions.vouched)
        self.analysed = 0  # questions analysed, for the test that each is analysed once

    def _open_routes(
        self,
        index: OpenIndex,
        catalogue: Catalogue,
        organisations: OrganisationCatalogue | None,
    ) -> None:
        """What answers beside the passages: measures, organisations, definitions, headings."""
        self.profiles = ProfileMatcher(
            catalogue, measure_vectors(index, catalogue), self.embed_query, self.knowledge.plan
        )
        self.vocabulary = set(self.lexicon.vocabulary)
        self.speller = Speller([], index.lexicon.words)
        organisations = organisations or OrganisationCatalogue(organisations=[])
        self.membership = Membership(organisations, index.chunks, self.knowledge.kinds)
        self.sections = SectionTree(list(index.chunks.values()))
        self.router = Router(
            self.profiles,
            self.membership,
            Definitions(self.glossary, index.chunks, self._supported),
            Headings(index, self.answers.max_bullets, self.knowledge.sources.lead_ins),
            index.chunks.__getitem__,
            self._names_unknown,
        )

    def _names_unknown(self, question: Question) -> bool:
        """The question (in Italian) names a capitalised word no document contains."""
        return question.italian and bool(
            unknown_names(question.asked, self.vocabulary, question.acronyms)
        )

    def _supported(self, text: str, chunk: StoredChunk) -> bool:
        """`text` says only what `chunk` says (the LLM verifier's check and threshold)."""
        support = self.checker.support(text, self.checker.embed(text), [chunk])
        return support.score >= self.checker.params.min_support

    @property
    def manifest(self) -> IndexManifest:
        return self.index.manifest

    # --- the question and its passages -------------------------------------------------------
    def analyse(
        self, question: str, history: list[Turn] | None = None, standalone: str | None = None
    ) -> Question:
        """The question in its conversation (the recent turns only), analysed once."""
        self.analysed += 1
        recent = (history or [])[-self.conversation.max_history_turns :]
        q = Question.in_conversation(question, recent, standalone)
        corrections = self.speller.corrections(q.base) if q.italian else {}
        spelled = apply_corrections(q.base, corrections)
        expansion = self.expander.expansion(frozenset(content_stems(spelled)))
        return q.refined(corrections, expansion, self.index.acronyms)

    def query_vector(self, question: Question) -> np.ndarray:
        return question_vector(question, self.embed_query, self.conversation, self.expansion)

    def retrieve_for(
        self, question: Question, top_k: int | None = None, mode: str = "hybrid"
    ) -> Retrieved:
        vector = self.query_vector(question)
        if mode == "hybrid" and not question.italian:
            mode = "dense"  # Italian BM25 only adds noise to a question in another language
        hits = self.ranker.rank(question, vector, top_k or self.retriever.params.top_k, mode)
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

    # --- evidence and outcome --------------------------------------------------------------------
    def judge(self, found: Retrieved) -> Judged:
        """The scored units of the passages, and which outcome they warrant."""
        units = self.evidence_scorer.units(found.question, found.vector, found.hits)
        features = measure(found.question, found.vector, found.hits, units, self.corpus)
        return Judged(found, units, self.outcomes.decide(found.question, units, features))

    def compose(self, judged: Judged) -> Composed:
        question, hits = judged.found.question, judged.found.hits
        decision = judged.decision
        if question.asks is AnswerType.LIST and decision.reason == "model":
            # "Quali sono le sei aree?": the headings under the parent it names answer it.
            siblings = self.sections.heading_list(question, hits)
            if siblings is not None:
                return compose_headings(siblings)
        if decision.outcome == "answer":
            lead_ins = self.knowledge.sources.lead_ins
            return compose_answer(
                question, hits, judged.units, self.answers, self.sections, lead_ins
            )
        if decision.outcome == "unsure":
            return compose_unsure(judged.units)
        message = (
            templates.abstain_instruction(self.knowledge.about.plan)
            if decision.reason == "instruction"
            else templates.ABSTAIN
        )
        return compose_not_covered(hits, message, decision.missing, self.whom_to_ask)

    # --- answers -----------------------------------------------------------------------------------
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
        documents do not answer the question, the extractive answer line by line; with one, the
        generated sentences that survive verification as they arrive, and the extractive answer
        whenever the LLM fails or nothing it wrote is supported."""
        clock = Stopwatch()
        standalone = None
        if self.llm is not None and history:
            recent = history[-self.conversation.max_history_turns :]
            standalone = condense_question(self.llm, question, recent)
            clock.lap("condense")
        analysed = self.analyse(question, history, standalone)
        routed = self.routed(analysed)
        if routed is not None:
            clock.laps = {"retrieve": 0.0}
            clock.lap("compose")
            yield from self._finish(routed, clock)
            return
        found = self.retrieve_for(analysed, top_k)
        clock.lap("retrieve")
        composed = self.compose(self.judge(found))
        clock.lap("compose")
        note = templates.LANGUAGE_NOTES.get(analysed.language)
        extractive = Answer(
            question=question,
            answer=f"{note}\n\n{composed.answer}" if note else composed.answer,
            abstained=composed.abstained,
            outcome=composed.outcome,
            citations=composed.citations,
            note=note,
            direct=composed.direct,
        )
        if self.writer is not None and composed.outcome == "answer":
            # The extractive judgement decides whether the documents answer the question at
            # all: the LLM is asked only about answered ones.
            generated = yield from self.writer.write(found.question, found.hits, note)
            clock.lap("generate")
            if generated is not None:
                generated.timings_ms = clock.timings()
                yield generated
                return
        yield from self._finish(extractive, clock)

    def routed(self, question: Question) -> Answer | None:
        """An answer from what the product knows beside the passages (measures for a role,
        who took part, a glossary definition), when a route proposes one."""
        return self.router.route(question)

    @staticmethod
    def _finish(answer: Answer, clock: Stopwatch) -> Iterator[AnswerEvent]:
        """An already composed answer, line by line, then the Answer with its timings."""
        yield from line_deltas(answer.answer)
        answer.timings_ms = clock.timings()
        yield answer
