"""Answers written by the optional LLM: streamed sentence by sentence, each verified on its passage."""

from __future__ import annotations

import logging
from collections.abc import Generator

from assistant import templates
from assistant.generation.llm import ChatLLM, LLMError
from assistant.generation.verify import StreamVerifier, SupportChecker
from assistant.question.analysed import Question
from assistant.retrieval.hybrid import Hit
from assistant.streaming import AnswerEvent, TextDelta
from core.models import Answer

log = logging.getLogger(__name__)


class AnswerWriter:
    """The LLM writes, the checker keeps only what the cited passages support."""

    def __init__(self, llm: ChatLLM, checker: SupportChecker, plan: str = "") -> None:
        self.llm = llm
        self.checker = checker
        self.system = templates.llm_answer_system(plan)  # `plan`: the plan's title

    def write(
        self, question: Question, hits: list[Hit], note: str | None
    ) -> Generator[AnswerEvent, None, Answer | None]:
        """Streams the verified sentences; returns the `llm` Answer (timings left to the caller),
        or None when the extractive answer must be given instead (nothing yielded then)."""
        passages = [
            templates.llm_passage(n, h.chunk.meta.title, h.chunk.meta.section, h.chunk.text)
            for n, h in enumerate(hits, start=1)
        ]
        request = templates.llm_answer_request(passages, question.asked, question.standalone)
        verifier = StreamVerifier(self.checker, hits)
        head = f"{note}\n\n" if note else ""
        failure = None
        try:
            for delta in self.llm.stream(self.system, request):
                for piece in verifier.feed(delta):
                    yield TextDelta(head + piece)
                    head = ""
            for piece in verifier.finish():
                yield TextDelta(head + piece)
                head = ""
        except LLMError as exc:
            failure = exc
        dropped = len(verifier.verdicts) - verifier.supported
        if not verifier.supported:
            # The question itself stays out of the log (PIANO_LOG_QUESTIONS decides about it).
            log.warning(
                "LLM answer not used (%s): extractive answer given instead",
                failure or f"no supported sentence of {len(verifier.verdicts)}",
            )
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
            question=question.asked,
            answer=(f"{note}\n\n" if note else "") + verifier.text,
            abstained=False,
            mode="llm",
            citations=verifier.citations(),
            note=note,
        )
