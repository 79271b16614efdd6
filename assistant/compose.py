"""Extractive answers: the best sentences of the retrieved passages, quoted verbatim and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant import templates
from assistant.citations import citation
from assistant.coverage import assess
from assistant.question import Question
from assistant.retrieve import Hit
from core.italian import content_stems
from core.limits import LIST_ITEM_START
from core.models import Citation
from core.sections import AnswerSettings, CoverageSettings
from indexer.stores import StoredChunk

LIST_QUESTION = re.compile(
    r"\b(quali|quale sono|elenc\w*|obiettiv\w*|priorit\w*|misure|azioni|fasi|tavoli|aree|"
    r"which|list|what are)\b",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    hit_rank: int
    hit: Hit
    sentence: str
    cosine: float
    score: float
    vector: np.ndarray


@dataclass
class Composed:
    answer: str
    citations: list[Citation]
    abstained: bool


def score_sentences(
    question: Question,
    query_vector: np.ndarray,
    hits: list[Hit],
    sentence_vectors: np.ndarray,
    params: AnswerSettings,
) -> list[Candidate]:
    """Every sentence of the retrieved passages, scored by embedding similarity + lexical overlap."""
    q_stems = question.stems
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        start = hit.chunk.sentence_start
        vectors = sentence_vectors[start : start + len(hit.chunk.sentences)]
        cosines = vectors @ query_vector if len(vectors) else np.zeros(0)
        for sentence, vector, cos in zip(hit.chunk.sentences, vectors, cosines):
            overlap = len(q_stems & content_stems(sentence)) / max(1, len(q_stems))
            score = float(cos) + params.lexical_weight * overlap - 0.005 * rank
            out.append(Candidate(rank, hit, sentence, float(cos), score, vector))
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def _pick(candidates: list[Candidate], params: AnswerSettings) -> list[Candidate]:
    best = candidates[0]
    picked = [best]
    for c in candidates[1:]:
        if len(picked) == params.sentences or c.score < best.score - params.margin:
            break
        redundant = any(
            float(c.vector @ p.vector) > 0.92
            or c.sentence in p.sentence
            or p.sentence in c.sentence
            for p in picked
        )
        if not redundant and len(c.sentence) >= 25:
            picked.append(c)
    return picked


def _list_items(chunk: StoredChunk) -> list[str]:
    """The chunk's sentences when the passage is a list (an area's objectives, the phases...)."""
    lines = [ln for ln in chunk.text.splitlines() if ln.strip() and not ln.startswith("  ")]
    if len(lines) < 2 or sum(bool(LIST_ITEM_START.match(ln)) for ln in lines) < len(lines) - 1:
        return []
    return chunk.sentences


def _best_list(hits: list[Hit], candidates: list[Candidate], margin: float) -> Candidate | None:
    """For "which are…" questions: the top retrieved passage if it is a list, else the best
    sentence belonging to a list passage if it scores within `margin` of the best sentence."""
    if hits and _list_items(hits[0].chunk):
        return next(c for c in candidates if c.hit is hits[0])
    floor = candidates[0].score - margin
    for c in candidates:
        if c.score < floor:
            return None
        if _list_items(c.hit.chunk):
            return c
    return None


def compose_extractive(
    question: Question,
    query_vector: np.ndarray,
    hits: list[Hit],
    sentence_vectors: np.ndarray,
    params: AnswerSettings,
    coverage_params: CoverageSettings,
    vocabulary: set[str],
) -> Composed:
    """Retrieval's text (`question.lexical`) scores the sentences; the user's own words
    (`question.asked`) decide the lead-in and whether a list is wanted."""
    asked = question.asked
    candidates = score_sentences(question, query_vector, hits, sentence_vectors, params)
    relevance = max((c.cosine for c in candidates), default=0.0)
    coverage = assess(
        question, [c.sentence for c in candidates[:3]], relevance, vocabulary, coverage_params
    )
    if not candidates or not coverage.covered:
        return abstention(hits, templates.ABSTAIN)

    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}

    def marker(hit: Hit, sentence: str) -> int:
        cid = hit.chunk.chunk_id
        numbers.setdefault(cid, len(numbers) + 1)
        quotes.setdefault(cid, []).append(sentence)
        return numbers[cid]

    listed = _best_list(hits, candidates, params.margin) if LIST_QUESTION.search(asked) else None
    if listed is not None:
        items = _list_items(listed.hit.chunk)
        lines = [templates.bullet(s, marker(listed.hit, s)) for s in items[: params.max_bullets]]
        picked_hits = [listed.hit]
    else:
        picked = _pick(candidates, params)
        lines = [templates.quoted(c.sentence, marker(c.hit, c.sentence)) for c in picked]
        picked_hits = [c.hit for c in picked]

    by_id = {h.chunk.chunk_id: h for h in picked_hits}
    citations = [
        citation(n, by_id[cid].chunk, by_id[cid].score, " ".join(quotes[cid]))
        for cid, n in numbers.items()
    ]
    head = templates.lead_in([c.source_type for c in citations], templates.question_focus(asked))
    return Composed(head + "\n\n" + "\n".join(lines), citations, False)


def abstention(hits: list[Hit], message: str) -> Composed:
    """Say plainly that the documents don't cover it, and show the closest passages."""
    closest = [citation(n, h.chunk, h.score) for n, h in enumerate(hits[:3], start=1)]
    lines = [templates.suggestion(c.title, c.section, c.n) for c in closest]
    answer = (
        message
        if not lines
        else "\n\n".join([message, templates.MAYBE_INTERESTING, "\n".join(lines)])
    )
    return Composed(answer, closest, True)
