"""A question analysed once — language, follow-up resolution, folded text, stems — then passed along.

Retrieval, the coverage checks and composition read the same `Question`: nothing downstream
re-folds, re-stems or re-detects the language of the text it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant.conversation import resolve_followup
from assistant.language import detect_language, is_instruction
from core.italian import content_stems, expand_acronyms, fold
from core.models import Turn


@dataclass(frozen=True)
class Question:
    """What the user asked, and what the pipeline looks for.

    `asked` is the user's own words: they decide the language, the lead-in and whether a list is
    wanted. `lexical` is what retrieval and the coverage checks read: the question itself, the
    question fused with the previous user turn for a bare follow-up ("E per i giovani?"), or the
    LLM's standalone rewrite of it.
    """

    asked: str
    lexical: str
    previous: str | None = None  # the earlier user turn fused in, if any
    standalone: str | None = None  # the LLM's rewrite, if any

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
            return cls(asked, f"{resolved.previous} {asked}", previous=resolved.previous)
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
    def folded(self) -> str:
        """`lexical`, case and accents folded."""
        return fold(self.lexical)

    @cached_property
    def stems(self) -> frozenset[str]:
        """Content stems of `lexical` (for word-overlap scores)."""
        return frozenset(content_stems(self.lexical))

    @cached_property
    def stems_with_acronyms(self) -> frozenset[str]:
        """Content stems of `lexical` with every acronym's other form added."""
        return frozenset(content_stems(expand_acronyms(self.lexical)))
