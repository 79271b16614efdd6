"""A question analysed once — language, follow-up resolution, folded text, stems — then passed along.

Retrieval, the coverage checks and composition read the same `Question`: nothing downstream
re-folds, re-stems or re-detects the language of the text it was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from assistant.question.answer_types import AnswerType
from assistant.question.conversation import FollowUp, resolve_followup
from assistant.question.language import detect_language, is_instruction
from assistant.question.spelling import apply_corrections
from assistant.question.tagger import shipped_tagger
from core.italian import GENERIC_ACRONYMS, Acronyms, content_stems, fold
from core.models import Turn

# "In che fase…?", "quale area del piano…?": the answer is the name of a section.
_NAMES_A_SECTION = re.compile(
    r"\b(che|quale|quali|in che|in quale|nome della|nome del)\s+"
    r"(fase|fasi|area|aree|capitolo|sezione|tavolo|tavoli|macro-?tem\w*|priorita|ambito)\b"
)


@dataclass(frozen=True)
class Question:
    """What the user asked, and what the pipeline looks for.

    `asked` is the user's own words: they decide the language, the answer type and whether a
    list is wanted. `base` is the question itself, the question fused with the previous user
    turn for a bare follow-up ("E per i giovani?"), or the LLM's standalone rewrite of it;
    `lexical` adds the corrections and the glossary's terms to it.
    """

    asked: str
    base: str  # the question, fused with the previous turn, or the LLM's rewrite
    previous: str | None = None  # the earlier user turn fused in, if any
    followup: FollowUp | None = None  # "bare" or "elliptical" when fused
    standalone: str | None = None  # the LLM's rewrite, if any
    corrections: tuple[tuple[str, str], ...] = ()  # (misspelled folded word, corpus word)
    expansion: str = ""  # the plan's own terms for the everyday words used (glossary)
    # The corpus's acronyms (the index's table): its stems read them both ways.
    acronyms: Acronyms = field(default=GENERIC_ACRONYMS, compare=False, repr=False)

    def refined(
        self, corrections: dict[str, str], expansion: str, acronyms: Acronyms | None = None
    ) -> Question:
        """The same question with its typos read right and the plan's terms (glossary,
        acronyms) added."""
        return replace(
            self,
            corrections=tuple(corrections.items()),
            expansion=expansion,
            acronyms=acronyms or self.acronyms,
        )

    @cached_property
    def lexical(self) -> str:
        """What retrieval and the coverage checks read: `base`, typos corrected, plus the
        glossary's plan terms."""
        text = apply_corrections(self.base, dict(self.corrections))
        return f"{text} {self.expansion}" if self.expansion else text

    @cached_property
    def spelled(self) -> str:
        """The user's own words with typos corrected (what the dense query embeds)."""
        return apply_corrections(self.asked, dict(self.corrections))

    @classmethod
    def of(cls, text: str) -> Question:
        """A question with no conversation before it."""
        return cls(text, text)

    @classmethod
    def in_conversation(
        cls, asked: str, history: list[Turn], standalone: str | None = None
    ) -> Question:
        if standalone:
            return cls(asked, standalone, standalone=standalone)
        resolved = resolve_followup(asked, history)
        if resolved.previous:
            return cls(
                asked,
                f"{resolved.previous} {asked}",
                previous=resolved.previous,
                followup=resolved.kind,
            )
        return cls(asked, asked)

    @cached_property
    def language(self) -> str:
        return detect_language(self.asked)

    @property
    def italian(self) -> bool:
        return self.language == "it"

    @cached_property
    def is_instruction(self) -> bool:
        return is_instruction(self.asked)

    @cached_property
    def asks(self) -> AnswerType:
        """What the user's own words ask for (a number, a date, a person…), read by the fitted
        tagger (`question.tagger`)."""
        tagger = shipped_tagger()
        return tagger.tag(self.asked) if tagger is not None else AnswerType.OTHER

    @cached_property
    def asks_heading(self) -> bool:
        """A title, or the name of a phase, area or table: headings can answer it."""
        return self.asks is AnswerType.TITLE or bool(_NAMES_A_SECTION.search(fold(self.asked)))

    @cached_property
    def folded(self) -> str:
        """`lexical`, case and accents folded."""
        return fold(self.lexical)

    @cached_property
    def stems(self) -> frozenset[str]:
        """Content stems of `lexical` (for word-overlap scores)."""
        return frozenset(content_stems(self.lexical))

    @cached_property
    def expansion_stems(self) -> frozenset[str]:
        """Content stems of the glossary's plan terms the question evokes."""
        return frozenset(content_stems(self.expansion)) if self.expansion else frozenset()

    @cached_property
    def stems_with_acronyms(self) -> frozenset[str]:
        """Content stems of `lexical` with every acronym's other form added."""
        return frozenset(content_stems(self.acronyms.expand(self.lexical)))
