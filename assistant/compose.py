"""Extractive answers: the best sentences of the retrieved passages, quoted verbatim and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant import texts
from assistant.coverage import CoverageParams, assess
from assistant.models import Citation
from assistant.retrieve import Hit
from indexer.italian import content_stems
from indexer.stores import StoredChunk

LIST_QUESTION = re.compile(
    r"\b(quali|quale sono|elenc\w*|obiettiv\w*|priorit\w*|misure|azioni|fasi|tavoli|aree|"
    r"which|list|what are)\b",
    re.IGNORECASE,
)
_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)


@dataclass
class ComposeParams:
    sentences: int = 3
    coverage: CoverageParams = field(default_factory=CoverageParams)
    lexical_weight: float = 0.3
    margin: float = 0.05  # sentences scoring within this of the best one join the answer
    max_bullets: int = 8


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
    relevance: float


def citation(n: int, chunk: StoredChunk, score: float, quote: str = "") -> Citation:
    m = chunk.meta
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id,
        doc_id=m["doc_id"],
        title=m["title"],
        source_type=m["source_type"],
        publisher=m.get("publisher", ""),
        date=m.get("date", ""),
        section=m.get("section", ""),
        page=m.get("page") or None,
        url=m.get("url") or None,
        text=chunk.text,
        quote=quote,
        score=round(score, 5),
    )


def score_sentences(
    question: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    sentence_vectors: np.ndarray,
    params: ComposeParams,
) -> list[Candidate]:
    """Every sentence of the retrieved passages, scored by embedding similarity + lexical overlap."""
    q_stems = content_stems(question)
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


def _pick(candidates: list[Candidate], params: ComposeParams) -> list[Candidate]:
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
    if len(lines) < 2 or sum(bool(_LIST_LINE.match(ln)) for ln in lines) < len(lines) - 1:
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
    question: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    sentence_vectors: np.ndarray,
    params: ComposeParams,
    vocabulary: set[str],
    italian: bool = True,
    asked: str | None = None,
) -> Composed:
    """`question` is what retrieval used (a follow-up fused with the previous turn); `asked` is
    the user's own question, which decides the lead-in and whether a list is wanted."""
    asked = asked or question
    candidates = score_sentences(question, query_vector, hits, sentence_vectors, params)
    relevance = max((c.cosine for c in candidates), default=0.0)
    coverage = assess(
        question,
        [c.sentence for c in candidates[:3]],
        relevance,
        vocabulary,
        params.coverage,
        italian,
    )
    if not candidates or not coverage.covered:
        return abstention(hits, texts.ABSTAIN, relevance)

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
        lines = [texts.bullet(s, marker(listed.hit, s)) for s in items[: params.max_bullets]]
        picked_hits = [listed.hit]
    else:
        picked = _pick(candidates, params)
        lines = [texts.quoted(c.sentence, marker(c.hit, c.sentence)) for c in picked]
        picked_hits = [c.hit for c in picked]

    by_id = {h.chunk.chunk_id: h for h in picked_hits}
    citations = [
        citation(n, by_id[cid].chunk, by_id[cid].score, " ".join(quotes[cid]))
        for cid, n in numbers.items()
    ]
    head = texts.lead_in([c.source_type for c in citations], texts.question_focus(asked))
    return Composed(head + "\n\n" + "\n".join(lines), citations, False, relevance)


def abstention(hits: list[Hit], message: str, relevance: float) -> Composed:
    """Say plainly that the documents don't cover it, and show the closest passages."""
    closest = [citation(n, h.chunk, h.score) for n, h in enumerate(hits[:3], start=1)]
    lines = [texts.suggestion(c.title, c.section, c.n) for c in closest]
    answer = (
        message if not lines else "\n\n".join([message, texts.MAYBE_INTERESTING, "\n".join(lines)])
    )
    return Composed(answer, closest, True, relevance)
