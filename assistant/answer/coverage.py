"""What a question is about, as the corpus knows it: its topic words, the names it uses that no
document contains, and the questions that are never answered whatever the documents say."""

from __future__ import annotations

import re

from assistant.question.analysed import Question
from core.italian import GENERIC_ACRONYMS, Acronyms, content_stems
from indexer.lexicon import Lexicon

# Question words that carry no topic: their absence from the corpus says nothing.
_GENERIC = content_stems(
    "cosa chi quale quali quando dove come perché quanto quanti quante vorrei sapere dimmi "
    "spiegami puoi mi dici c'è ci sono esiste esistono qualcosa qualche fare fa detto dice "
    "documento documenti piano piani testo"
)
_CAPITALISED = re.compile(r"(?<=[\w,;:] )[A-ZÀ-Ý][\wà-ÿ']+")
# Personal contact details are never given, whoever asks.
_ASKS_CONTACT = re.compile(
    r"\b(cellulare|telefono|numero di telefono|indirizzo di casa|dove abita|e-?mail|"
    r"indirizzo (di )?posta|pec|codice fiscale|phone number|home address|email address)\b",
    re.IGNORECASE,
)


def topic_stems(question: Question) -> set[str]:
    return set(question.stems_with_acronyms - _GENERIC)


def unknown_names(
    text: str, vocabulary: set[str], acronyms: Acronyms = GENERIC_ACRONYMS
) -> list[str]:
    """Capitalised words inside the text (names: "Napoli", "Juve") that no document contains
    (an acronym whose expansion it contains is known)."""
    return [
        w for w in _CAPITALISED.findall(text) if not content_stems(acronyms.expand(w)) & vocabulary
    ]


def hard_refusal(question: Question) -> str | None:
    """Why the question is never answered ("empty", "contact"), or None."""
    if not re.search(r"[a-z0-9]", question.folded):
        return "empty"  # emoji or punctuation only: nothing to look up
    if _ASKS_CONTACT.search(question.folded):
        return "contact"
    return None


def corpus_vocabulary(texts: list[str], acronyms: Acronyms = GENERIC_ACRONYMS) -> set[str]:
    """The content stems of `texts` (a build keeps its corpus's: `indexer.lexicon`)."""
    return set(Lexicon.of(texts, acronyms).stems)
