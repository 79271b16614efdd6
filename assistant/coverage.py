"""Do the documents cover a question? The checks behind abstention, calibrated on the gold set.

Similarity alone cannot tell: e5 scores "how much money does the plan commit?" close to passages
about social finance. So besides a similarity floor, a question is covered only when the corpus
knows most of its words and, when it asks for a kind of fact (money, personal contacts), the
evidence contains that kind of fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question import Question
from core.italian import content_stems, expand_acronyms
from core.sections import CoverageSettings

# Question words that carry no topic: their absence from the corpus says nothing.
_GENERIC = content_stems(
    "cosa chi quale quali quando dove come perché quanto quanti quante vorrei sapere dimmi "
    "spiegami puoi mi dici c'è ci sono esiste esistono qualcosa qualche fare fa detto dice "
    "documento documenti piano piani testo"
)
# A question asking for an amount of money needs an amount of money in the evidence.
_ASKS_MONEY = re.compile(
    r"\b(euro|€|soldi|milion\w*|miliard\w*|budget|bilanci\w*|stanzia\w*|costa|costo|costi|"
    r"quota|finanziament\w* (di|da) quant\w*|how much money|cost)\b",
    re.IGNORECASE,
)
_HAS_MONEY = re.compile(r"(€|\beuro\b|\bmilion\w*|\bmiliard\w*)", re.IGNORECASE)
# A question asking for a deadline or date needs a date among the sentences that would answer it.
_ASKS_DATE = re.compile(
    r"\b(entro (che|quale) (data|giorno)|scadenza|quando scade|data esatta)\b", re.IGNORECASE
)
_HAS_DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(19|20)\d\d|gennaio|febbraio|marzo|aprile|maggio|"
    r"giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<=[\w,;:] )[A-ZÀ-Ý][\wà-ÿ']+")
# Personal contact details are never given, whoever asks.
_ASKS_CONTACT = re.compile(
    r"\b(cellulare|telefono|numero di telefono|indirizzo di casa|dove abita|e-?mail personale|"
    r"codice fiscale|phone number|home address)\b",
    re.IGNORECASE,
)


@dataclass
class Coverage:
    covered: bool
    reason: str  # which check decided: "ok", "similarity", "vocabulary", "money", "contact"
    similarity: float
    known_share: float


def topic_stems(question: Question) -> set[str]:
    return set(question.stems_with_acronyms - _GENERIC)


def unknown_names(question: str, vocabulary: set[str]) -> list[str]:
    """Capitalised words inside the question (names: "Napoli", "Juve") that no document contains."""
    return [
        w
        for w in _CAPITALISED.findall(question)
        if not content_stems(expand_acronyms(w)) & vocabulary
    ]


def assess(
    question: Question,
    evidence: list[str],
    similarity: float,
    vocabulary: set[str],
    params: CoverageSettings,
) -> Coverage:
    """`question.lexical` is what the checks read; `evidence` the sentences that would answer,
    best first.

    The vocabulary checks apply to Italian questions only: an English question's words are
    naturally absent from an Italian corpus.
    """
    italian = question.italian
    topics = topic_stems(question)
    known = len(topics & vocabulary) / len(topics) if topics else 1.0
    folded = question.folded
    reason = "ok"
    if not re.search(r"[a-z0-9]", folded):
        reason = "empty"  # emoji or punctuation only: nothing to look up
    elif _ASKS_CONTACT.search(folded):
        reason = "contact"
    elif similarity < params.min_similarity:
        reason = "similarity"
    elif italian and known < params.min_known_share:
        reason = "vocabulary"
    elif italian and unknown_names(question.lexical, vocabulary):
        reason = "name"
    elif _ASKS_MONEY.search(folded) and not any(_HAS_MONEY.search(s) for s in evidence):
        reason = "money"
    elif _ASKS_DATE.search(folded) and not any(_HAS_DATE.search(s) for s in evidence):
        reason = "date"
    return Coverage(reason == "ok", reason, similarity, known)


def corpus_vocabulary(texts: list[str]) -> set[str]:
    vocabulary: set[str] = set()
    for text in texts:
        vocabulary |= content_stems(expand_acronyms(text))
    return vocabulary
