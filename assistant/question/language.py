"""Which language a question is in (Italian or another), and whether it tries to give orders."""

from __future__ import annotations

import re

from core.italian import words

_STOPWORDS = {
    "it": {
        "il",
        "lo",
        "la",
        "gli",
        "le",
        "di",
        "del",
        "della",
        "che",
        "chi",
        "cosa",
        "come",
        "quando",
        "quanti",
        "quante",
        "quali",
        "quale",
        "per",
        "con",
        "sono",
        "e",
        "un",
        "una",
        "piano",
        "ha",
        "hanno",
        "nel",
        "nella",
        "dove",
        "perche",
        "c",
        "si",
        "mi",
        "ci",
    },
    "en": {
        "the",
        "what",
        "who",
        "when",
        "how",
        "which",
        "is",
        "are",
        "was",
        "were",
        "of",
        "and",
        "did",
        "does",
        "do",
        "plan",
        "many",
        "much",
        "in",
        "for",
        "to",
        "about",
        "there",
    },
    "fr": {
        "le",
        "les",
        "des",
        "est",
        "qui",
        "quand",
        "comment",
        "quels",
        "quelles",
        "pour",
        "du",
        "une",
        "et",
        "dans",
        "sont",
        "ont",
    },
    "es": {
        "el",
        "los",
        "las",
        "que",
        "quien",
        "cuando",
        "como",
        "cuantos",
        "para",
        "una",
        "es",
        "del",
        "y",
        "en",
        "son",
        "han",
    },
    "de": {
        "der",
        "die",
        "das",
        "wer",
        "wann",
        "wie",
        "welche",
        "ist",
        "sind",
        "und",
        "fur",
        "ein",
        "eine",
        "den",
        "plan",
        "viele",
    },
}


def detect_language(text: str) -> str:
    """Best guess among it/en/fr/es/de by function words; Italian wins ties (Italian first)."""
    toks = words(text)
    scores = {lang: sum(t in sw for t in toks) for lang, sw in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "it"))
    return best if scores[best] > scores["it"] else "it"


_INSTRUCTION = re.compile(
    r"\b(ignora|ignore|dimentica|forget|disregard)\b.{0,40}\b(istruzion\w*|instructions?|regol\w*|"
    r"prompt|sopra|above|precedent\w*|previous)\b"
    r"|\b(da ora|d'ora in poi|da adesso|from now on)\b"
    r"|\b(fingi|pretend|comportati come|act as|sei ora|you are now)\b"
    r"|\b(system prompt|prompt di sistema|jailbreak)\b"
    r"|\b(scrivi|write)\b.{0,30}\b(poesia|poem|canzone|song|barzelletta|joke)\b"
    r"|\binventa\w*\b|\bmake up\b",
    re.IGNORECASE,
)


def is_instruction(text: str) -> bool:
    """True when the question tries to change the assistant's task instead of asking about the plan."""
    return bool(_INSTRUCTION.search(text))
