"""Checking generated text against its sources: every sentence must cite a passage that supports it.

The generated text is cut into sentences as it arrives (so a stream can be checked sentence by
sentence); each sentence is scored against each passage it cites by content-stem overlap and by
the cosine of its embedding to the passage's sentences. Unsupported sentences are removed (or
flagged), markers to passages that do not exist or do not support the sentence are dropped, and
the surviving markers are renumbered by first appearance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from assistant import templates
from assistant.answer.citations import citation
from assistant.generation.claims import (
    BULLET,
    MARKER,
    SentenceSplitter,
    Unit,
    marker_numbers,
    strip_markers,
    tidy,
)
from assistant.question.language import is_instruction
from assistant.retrieval.hybrid import Hit
from core.italian import GENERIC_ACRONYMS, Acronyms, content_stems, italian_stopwords, words
from core.models import Citation
from core.sections import LLMSettings
from indexer.embedding import PianoEmbedding
from indexer.stores import StoredChunk

_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_][\w-]*")
# Words that introduce a claim without being part of it ("Secondo i documenti, …"): a faithful
# paraphrase is not penalised for them.
_FRAMING = frozenset(
    content_stems(
        "secondo base documenti documento fonti fonte passaggi passaggio testo indicato indica riporta "
        "riportato afferma spiega emerge risulta citato inoltre infatti quindi particolare"
    )
)
JOINT_SHARE = 0.25  # share of a sentence's content words a passage cited jointly must hold


@dataclass
class Support:
    """How well one passage supports one sentence."""

    score: float
    lexical: float  # share of the sentence's content stems found in the passage
    cosine: float  # best cosine of the sentence to one of the passage's sentences
    facts_ok: bool  # every number and name of the sentence occurs in the passage
    quote: str  # the passage's sentence closest to the generated one


def _numbers(text: str) -> set[int]:
    return {int(n) for n in _NUMBER.findall(text)}


def _stems(text: str, acronyms: Acronyms = GENERIC_ACRONYMS) -> set[str]:
    return content_stems(acronyms.expand(text))


def _names(sentence: str) -> set[str]:
    """Capitalised words not opening the sentence (or a quote, or a clause after a colon):
    the names of people, places and bodies that a passage must contain to support it."""
    out: set[str] = set()
    for i, m in enumerate(_WORD.finditer(sentence)):
        opens = i == 0 or re.search(r"[:«\"“(]\s*$", sentence[: m.start()])
        if m.group()[0].isupper() and not opens:
            out.update(w for w in words(m.group()) if len(w) > 2 and w not in italian_stopwords())
    return out


class SupportChecker:
    """Scores generated sentences against passages; built once per Assistant."""

    def __init__(
        self,
        embedder: PianoEmbedding,
        sentence_vectors: np.ndarray,
        params: LLMSettings,
        acronyms: Acronyms = GENERIC_ACRONYMS,
    ) -> None:
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors
        self.params = params
        self.acronyms = acronyms  # the index's: a sentence's acronym is the passage's long form

    def embed(self, sentence: str) -> np.ndarray:
        # The passage form on both sides: the index holds passage vectors of every sentence.
        return self.embedder.embed_passages([sentence])[0]

    def support(self, sentence: str, vector: np.ndarray, chunks: list[StoredChunk]) -> Support:
        """How well `chunks` (one passage, or the passages a sentence cites together) support
        `sentence` (markers stripped)."""
        context = " ".join(
            f"{c.meta.title} {c.meta.section} {c.meta.date} {c.text}" for c in chunks
        )
        own = _stems(sentence, self.acronyms) - _FRAMING
        lexical = len(own & _stems(context, self.acronyms)) / len(own) if own else 0.0
        rows = [
            i for c in chunks for i in range(c.sentence_start, c.sentence_start + len(c.sentences))
        ]
        sentences = [s for c in chunks for s in c.sentences]
        cosines = self.sentence_vectors[rows] @ vector if rows else np.zeros(0)
        best = int(np.argmax(cosines)) if len(cosines) else -1
        cosine = float(cosines[best]) if best >= 0 else 0.0
        # Numbers and names are facts a paraphrase cannot change: each must be in the passage.
        facts_ok = _numbers(sentence) <= _numbers(context) and _names(sentence) <= set(
            words(self.acronyms.expand(context))
        )
        score = (
            support_score(cosine, lexical, self.params.support_lexical_weight) if facts_ok else 0.0
        )
        return Support(score, lexical, cosine, facts_ok, sentences[best] if best >= 0 else "")


def support_score(cosine: float, lexical: float, lexical_weight: float) -> float:
    """The best cosine to one of the passage's sentences (e5 puts even unrelated Italian
    sentences around 0.80, paraphrases above 0.90), moved up or down by the lexical share
    around one half: a paraphrase keeping the passage's words passes, fluent invention not."""
    return cosine + lexical_weight * (lexical - 0.5)


@dataclass
class Verdict:
    text: str  # the sentence as generated, markers included
    claim: str  # markers stripped
    cited: list[int]  # markers as generated, existing or not
    supporting: dict[int, Support] = field(default_factory=dict)  # marker → support, if enough
    # Why it is unsupported: "no-marker" (none, or only to passages that don't exist),
    # "instruction", "no-content", "unsupported" (its passages don't support it).
    reason: str = ""

    @property
    def supported(self) -> bool:
        return bool(self.supporting)


class StreamVerifier:
    """Verifies generated text sentence by sentence and renders what survives, renumbered."""

    def __init__(self, checker: SupportChecker, hits: list[Hit]) -> None:
        self.checker = checker
        self.hits = hits
        self.splitter = SentenceSplitter()
        self.numbers: dict[int, int] = {}  # generated marker → our marker, by first appearance
        self.quotes: dict[int, list[str]] = {}
        self.verdicts: list[Verdict] = []
        self.rendered: list[str] = []
        # Flagged sentences wait for the first supported one: if none comes, the answer is the
        # extractive one and they must not have been shown.
        self._held: list[tuple[Unit, Verdict]] = []

    # --- feeding ---------------------------------------------------------------------------
    def feed(self, delta: str) -> Iterator[str]:
        for unit in self.splitter.feed(delta):
            yield from self._accept(unit)

    def finish(self) -> Iterator[str]:
        for unit in self.splitter.finish():
            yield from self._accept(unit)

    @property
    def supported(self) -> int:
        return sum(v.supported for v in self.verdicts)

    @property
    def text(self) -> str:
        return "".join(self.rendered)

    def citations(self) -> list[Citation]:
        out = []
        for generated, n in self.numbers.items():
            hit = self.hits[generated - 1]
            out.append(citation(n, hit.chunk, hit.score, " ".join(self.quotes[generated])))
        return out

    # --- checking ----------------------------------------------------------------------------
    def verdict(self, text: str) -> Verdict:
        claim = strip_markers(text)
        cited = marker_numbers(text)
        verdict = Verdict(text, claim, cited)
        existing = [n for n in cited if 1 <= n <= len(self.hits)]
        if not existing:
            verdict.reason = "no-marker"
        elif is_instruction(claim):
            verdict.reason = "instruction"
        elif not _stems(claim):
            verdict.reason = "no-content"
        if verdict.reason:
            return verdict
        vector = self.checker.embed(claim)
        threshold = self.checker.params.min_support
        alone = {n: self.checker.support(claim, vector, [self.hits[n - 1].chunk]) for n in existing}
        verdict.supporting = {n: s for n, s in alone.items() if s.score >= threshold}
        if not verdict.supporting and len(existing) > 1:
            # A sentence may join facts of the passages it cites together ("… [1][3]"): checked
            # against their union, it keeps the markers of the passages that hold a good share of it.
            joint = self.checker.support(claim, vector, [self.hits[n - 1].chunk for n in existing])
            if joint.score >= threshold:
                verdict.supporting = {n: s for n, s in alone.items() if s.lexical >= JOINT_SHARE}
        verdict.reason = "" if verdict.supported else "unsupported"
        return verdict

    def _accept(self, unit: Unit) -> Iterator[str]:
        verdict = self.verdict(unit.text)
        self.verdicts.append(verdict)
        if not verdict.supported:
            # Only a sentence that cites a real passage can be shown flagged: one citing nothing,
            # or trying to give orders, is dropped in either mode.
            if self.checker.params.unsupported == "flag" and verdict.reason == "unsupported":
                if self.rendered:
                    yield self._emit(unit, verdict)
                else:
                    self._held.append((unit, verdict))
            return
        for held in self._held:
            yield self._emit(*held)
        self._held = []
        yield self._emit(unit, verdict)

    def _emit(self, unit: Unit, verdict: Verdict) -> str:
        if verdict.supported:
            for n, support in verdict.supporting.items():
                self.numbers.setdefault(n, len(self.numbers) + 1)
                quotes = self.quotes.setdefault(n, [])
                if support.quote not in quotes:
                    quotes.append(support.quote)
            body = MARKER.sub(lambda m: self._renumber(m, verdict), unit.text)
            body = tidy(body)
        else:
            body = templates.flagged(verdict.claim)
        piece = self._lead(unit.lead) + body
        self.rendered.append(piece)
        return piece

    def _renumber(self, match: re.Match[str], verdict: Verdict) -> str:
        kept = [n for n in marker_numbers(match.group()) if n in verdict.supporting]
        return "".join(f"[{self.numbers[n]}]" for n in kept)

    def _lead(self, lead: str) -> str:
        bullet = BULLET.match(lead.lstrip("\n")) if lead.strip() else None
        prefix = bullet.group(1).lstrip() if bullet else ""
        if not self.rendered:
            return prefix
        newlines = lead.count("\n")
        return ("\n" * min(newlines, 2) if newlines else " ") + prefix
