"""Italian text normalisation for lexical matching: case, accents, elisions, the corpus's acronyms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Acronyms of the corpus and their expansions; matched both ways so that a question saying
# "Camera di commercio" finds "CCIAA" and one saying "TSI" finds "Torino Social Impact".
ACRONYMS: dict[str, tuple[str, ...]] = {
    "cmto": ("citta metropolitana di torino", "citta metropolitana"),
    "cciaa": (
        "camera di commercio industria artigianato e agricoltura",
        "camera di commercio",
    ),
    "tsi": ("torino social impact",),
    "ets": ("enti del terzo settore", "ente del terzo settore", "terzo settore"),
    "aps": ("associazione di promozione sociale", "associazioni di promozione sociale"),
    "pa": ("pubblica amministrazione",),
    "ue": ("unione europea",),
    "mef": ("ministero dell economia e delle finanze", "ministero economia e finanze"),
    "cdr": ("corporate digital responsibility",),
    "scs": ("societa cooperativa sociale",),
    "dcr": ("deliberazione del consiglio",),
}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lowercase, unify apostrophes, drop accents: 'Città' -> 'citta', 'l’economia' -> "l'economia"."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens; elided articles split off ("dell'impresa" -> ["dell", "impresa"])."""
    return _WORD.findall(fold(text))


def _phrase_in(phrase: str, folded_padded: str) -> bool:
    return f" {phrase} " in folded_padded


def expand_acronyms(text: str) -> str:
    """Append the other form of every acronym or expansion found, so BM25 matches both ways."""
    padded = " " + " ".join(words(text)) + " "
    extra: list[str] = []
    for acronym, expansions in ACRONYMS.items():
        if _phrase_in(acronym, padded):
            extra.append(expansions[0])
        if any(_phrase_in(e, padded) for e in expansions):
            extra.append(acronym)
    return text if not extra else f"{text} {' '.join(extra)}"


def lexical_text(text: str) -> str:
    """The form of a text that the BM25 index and BM25 queries see."""
    return " ".join(words(expand_acronyms(text)))


@lru_cache(maxsize=1)
def italian_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("italian")


@lru_cache(maxsize=1)
def italian_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_ITALIAN

    return frozenset(fold(w) for w in STOPWORDS_ITALIAN)


def content_stems(text: str) -> set[str]:
    """Stems of the content words of a text, for lexical-overlap scores."""
    return set(_content_stems(text))


@lru_cache(maxsize=16384)  # passages and sentences are measured against many questions
def _content_stems(text: str) -> frozenset[str]:
    stop = italian_stopwords()
    toks = [w for w in words(text) if len(w) > 1 and w not in stop]
    return frozenset(italian_stemmer().stemWords(toks))
