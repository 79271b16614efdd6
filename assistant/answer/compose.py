"""Extractive answers: the best sentences of the retrieved passages, quoted verbatim and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import templates
from assistant.answer.citations import citation
from assistant.answer.evidence import Candidate, counts_asked_thing
from assistant.question.analysed import Question
from assistant.question.answer_types import AnswerType
from assistant.retrieval.hybrid import Hit
from core.limits import LIST_ITEM_START
from core.models import Citation
from core.sections import AnswerSettings
from indexer.stores import StoredChunk

LIST_QUESTION = re.compile(
    r"\b(quali|quale sono|elenc\w*|obiettiv\w*|priorit\w*|misure|azioni|fasi|tavoli|aree|"
    r"which|list|what are)\b",
    re.IGNORECASE,
)


@dataclass
class Composed:
    answer: str
    citations: list[Citation]
    abstained: bool
    direct: str | None = None


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
    question: Question, hits: list[Hit], candidates: list[Candidate], params: AnswerSettings
) -> Composed:
    """The answer from the scored units (the documents cover the question: decided before).

    The user's own words (`question.asked`) decide whether a list is wanted; a question asking
    for a date, a number, names, a place or a title gets the words that answer on its first line.
    """
    quoted = _Quotes()
    listed = (
        _best_list(hits, candidates, params.margin)
        if LIST_QUESTION.search(question.asked)
        else None
    )
    direct = None
    if listed is not None:
        items = _list_items(listed.hit.chunk)
        lines = [
            templates.bullet(s, quoted.mark(listed.hit, s)) for s in items[: params.max_bullets]
        ]
    else:
        picked = _lead_with_the_answer(question, _pick(candidates, params))
        lines = [templates.quoted(c.sentence, quoted.mark(c.hit, c.sentence)) for c in picked]
        direct = _direct(picked, quoted)
    citations = quoted.citations()
    head = templates.lead_in([c.source_type for c in citations])
    if direct is not None:
        text, n = direct
        head = f"{templates.direct_line(text, n)}\n\n{head}"
    return Composed(
        head + "\n\n" + "\n".join(lines), citations, False, direct[0] if direct else None
    )


class _Quotes:
    """Markers by passage, in the order the answer first cites them, and what it quotes."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.quotes: dict[str, list[str]] = {}
        self.highlights: dict[str, list[str]] = {}
        self.hits: dict[str, Hit] = {}

    def mark(self, hit: Hit, sentence: str) -> int:
        cid = hit.chunk.chunk_id
        self.numbers.setdefault(cid, len(self.numbers) + 1)
        self.quotes.setdefault(cid, []).append(sentence)
        self.hits[cid] = hit
        return self.numbers[cid]

    def highlight(self, hit: Hit, spans: list[str]) -> None:
        self.highlights.setdefault(hit.chunk.chunk_id, []).extend(spans)

    def citations(self) -> list[Citation]:
        out = []
        for cid, n in self.numbers.items():
            c = citation(n, self.hits[cid].chunk, self.hits[cid].score, " ".join(self.quotes[cid]))
            c.highlights = list(dict.fromkeys(self.highlights.get(cid, [])))
            out.append(c)
        return out


def _lead_with_the_answer(question: Question, picked: list[Candidate]) -> list[Candidate]:
    """The picked units with the best one carrying the asked type first (so its marker is [1]);
    a count carries it only if it counts the asked thing."""
    for c in picked:
        if question.asks is AnswerType.NUMBER:
            c.spans = counts_asked_thing(question, c.spans)
    carrying = next((c for c in picked if c.spans), None)
    if carrying is None:
        return picked
    return [carrying, *(c for c in picked if c is not carrying)]


def _direct(picked: list[Candidate], quoted: _Quotes) -> tuple[str, int] | None:
    """The asked-for spans of the first quoted unit (when it has some), and its marker; they
    are marked wherever that passage's quote is shown."""
    if not picked or not picked[0].spans:
        return None
    first = picked[0]
    for c in picked:
        if c.hit is first.hit and c.spans:
            quoted.highlight(c.hit, c.spans)
    return "; ".join(dict.fromkeys(first.spans)), quoted.numbers[first.hit.chunk.chunk_id]


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
