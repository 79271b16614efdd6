"""Extractive answers: the best sentences of the retrieved passages, quoted verbatim and cited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assistant import templates
from assistant.answer.citations import Quotes, citation
from assistant.answer.evidence import Unit, counts_asked_thing
from assistant.answer.sections import SectionTree, Siblings
from assistant.question.analysed import Question
from assistant.question.answer_types import SPAN_TYPES, AnswerType
from assistant.retrieval.features import is_list
from assistant.retrieval.hybrid import Hit
from core.models import Citation, Outcome
from core.sections import AnswerSettings
from indexer.stores import StoredChunk


@dataclass
class Composed:
    answer: str
    citations: list[Citation]
    outcome: Outcome
    direct: str | None = None

    @property
    def abstained(self) -> bool:
        return self.outcome != "answer"


LEAD_FROM = 5  # the best units among which one carrying the asked type may lead


def _pick(question: Question, units: list[Unit], params: AnswerSettings) -> list[Unit]:
    """The answer's quotes. A question that asks for a date, a number, a name… is led by the
    best of the top units that carries one (a count only if it counts the asked thing), and
    joined only by units that carry one too. Otherwise the best unit, then the best of other
    passages scoring within `margin` of it (a second passage that says it too is what lets a
    reader check), up to `sentences`. A typed answer is joined only by units that carry the
    same words (the same fact, said again)."""
    for u in units:
        if question.asks is AnswerType.NUMBER and not u.heading:
            u.spans = counts_asked_thing(question, u.spans)
    typed = question.asks in SPAN_TYPES
    carrying = [u for u in units[:LEAD_FROM] if u.spans] if typed else []
    best = carrying[0] if carrying else units[0]
    picked = [best]
    for u in units:
        if len(picked) == params.sentences or u.score < best.score - params.margin:
            break
        redundant = any(
            u.hit is p.hit
            or float(u.vector @ p.vector) > 0.92
            or u.sentence in p.sentence
            or p.sentence in u.sentence
            for p in picked
        )
        same_fact = not carrying or bool(set(u.spans) & set(best.spans))
        if not redundant and len(u.sentence) >= 25 and same_fact:
            picked.append(u)
    return picked


def _list_items(chunk: StoredChunk) -> list[str]:
    """The chunk's sentences when the passage is a list (an area's objectives, the phases...)."""
    return chunk.sentences if is_list(chunk) else []


def _best_list(hits: list[Hit], units: list[Unit], margin: float) -> Unit | None:
    """For "which are…" questions: the top passage if it is a list, else the best unit
    belonging to a list passage if it scores within `margin` of the best unit."""
    if hits and _list_items(hits[0].chunk):
        return next((u for u in units if u.hit is hits[0]), None)
    floor = units[0].score - margin
    for u in units:
        if u.score < floor:
            return None
        if _list_items(u.hit.chunk):
            return u
    return None


def compose_answer(
    question: Question,
    hits: list[Hit],
    units: list[Unit],
    params: AnswerSettings,
    sections: SectionTree | None = None,
    lead_ins: Mapping[str, str] | None = None,
) -> Composed:
    """The answer from the scored units (the outcome model said they hold it).

    A question that asks for a list gets the headings under the parent it names ("le sei
    aree" → the six areas) or the items of the list passage; one asking for a date, a number,
    names, a place or a title gets the words that answer on its first line. `lead_ins` are the
    corpus's own openings by kind of source.
    """
    quoted = Quotes()
    direct = None
    lines: list[str] = []
    if question.asks is AnswerType.LIST:
        lines = _listed(question, hits, units, params, sections, quoted)
    if not lines:
        picked = _pick(question, units, params)
        lines = [
            templates.quoted(u.sentence, quoted.mark(u.hit.chunk, u.sentence, u.hit.score))
            for u in picked
        ]
        direct = _direct(picked, quoted)
    citations = quoted.citations()
    head = templates.lead_in([c.source_type for c in citations], lead_ins)
    if direct is not None:
        text, n = direct
        head = f"{templates.direct_line(text, n)}\n\n{head}"
    return Composed(
        head + "\n\n" + "\n".join(lines), citations, "answer", direct[0] if direct else None
    )


def compose_headings(siblings: Siblings) -> Composed:
    """A list answered by the headings under one parent, each cited with its first passage."""
    quoted = Quotes()
    lines = [templates.bullet(h, quoted.mark(chunk, h)) for h, chunk in siblings.children]
    citations = quoted.citations()
    head = templates.headings_lead_in(siblings.parent, len(lines))
    return Composed(head + "\n\n" + "\n".join(lines), citations, "answer")


def _listed(
    question: Question,
    hits: list[Hit],
    units: list[Unit],
    params: AnswerSettings,
    sections: SectionTree | None,
    quoted: Quotes,
) -> list[str]:
    """A list's lines: the headings under the parent the question names, else the items of
    the best list passage; none when neither fits."""
    siblings = sections.heading_list(question, hits) if sections is not None else None
    if siblings is not None:
        return [
            templates.bullet(heading, quoted.mark(chunk, heading))
            for heading, chunk in siblings.children[: params.max_bullets]
        ]
    listed = _best_list(hits, units, params.margin)
    if listed is None:
        return []
    chunk = listed.hit.chunk
    return [
        templates.bullet(s, quoted.mark(chunk, s, listed.hit.score))
        for s in _list_items(chunk)[: params.max_bullets]
    ]


def _direct(picked: list[Unit], quoted: Quotes) -> tuple[str, int] | None:
    """The asked-for spans of the first quoted unit (when it has some), and its marker; they
    are marked wherever that passage's quote is shown."""
    if not picked or not picked[0].spans:
        return None
    first = picked[0]
    for u in picked:
        if u.hit is first.hit and u.spans:
            quoted.highlight(u.hit.chunk, u.spans)
    return "; ".join(dict.fromkeys(first.spans)), quoted.number_of(first.hit.chunk)


def compose_unsure(units: list[Unit], most: int = 3) -> Composed:
    """ "Non ne sono sicuro": the closest sentences, one per passage, framed as possibly not
    answering — never introduced as what the documents say."""
    quoted = Quotes()
    lines = []
    for u in units:
        if u.hit.chunk.chunk_id in quoted.numbers or u.heading:
            continue
        n = quoted.mark(u.hit.chunk, u.sentence, u.hit.score)
        lines.append(templates.closest(u.sentence, n))
        if len(lines) == most:
            break
    text = templates.UNSURE if not lines else f"{templates.UNSURE}\n\n" + "\n".join(lines)
    return Composed(text, quoted.citations(), "unsure")


def compose_not_covered(
    hits: list[Hit], message: str, missing: str | None, whom: str | None
) -> Composed:
    """ "I documenti non ne parlano": what kind of thing is missing when the question asks for
    one, what the closest documents do speak of, and whom to ask."""
    closest = [citation(n, h.chunk, h.score) for n, h in enumerate(hits[:3], start=1)]
    parts = [message]
    if missing:
        parts.append(templates.MISSING[missing])
    if closest:
        lines = [templates.suggestion(c.title, c.section, c.n) for c in closest]
        parts += [templates.COVERED_INSTEAD, "\n".join(lines)]
    if whom:
        parts.append(templates.ask_whom(whom))
    return Composed("\n\n".join(parts), closest, "not_covered")
