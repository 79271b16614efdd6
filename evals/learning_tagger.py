"""The answer-type tagger for `python -m evals.learn`: chosen by cross-validation on dev against
the kind of answer each dev question's gold phrase is, beside the rules it replaces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.learning.fit import folds_of
from assistant.learning.generate import Generator, typed_questions
from assistant.learning.tagger import fit_tagger, phrase_type, span_agreement
from assistant.question.answer_types import SPAN_TYPES, AnswerType
from assistant.question.tagger import AnswerTypeTagger
from assistant.service import Assistant
from core.italian import fold
from core.limits import section_parts
from evals.gold import GoldItem, Support

C_GRID = (0.3, 1.0, 3.0)
PER_GROUP = 150


def corpus_headings(assistant: Assistant) -> set[str]:
    """Every heading of the indexed documents (each level of each passage's section), folded."""
    return {
        fold(part)
        for chunk in assistant.index.chunks.values()
        for part in section_parts(chunk.meta.section)
        if part
    }


def heading_type(support: Sequence[Support], headings: set[str]) -> AnswerType | None:
    """A gold phrase that is one of the documents' headings (most of it) is a title: the
    question asked for a section's name."""
    for s in support:
        phrase = fold(s.phrase).strip(" .")
        if any(phrase in h and len(phrase) * 5 >= len(h) * 3 for h in headings):
            return AnswerType.TITLE
    return None


def fit_on_dev(assistant: Assistant, dev: list[GoldItem]) -> tuple[AnswerTypeTagger, str]:
    """The tagger fitted on generated questions and every answerable dev question, with the C
    that cross-validation picked, and the lines of the report."""
    generator = Generator(assistant.lexicon, assistant.glossary, seed=3)
    generated = typed_questions(generator, list(assistant.index.chunks.values()), PER_GROUP)
    answerable = [g for g in dev if g.expect == "answer"]
    texts = [g.question for g in answerable]
    headings = corpus_headings(assistant)
    kinds = [
        phrase_type([s.phrase for s in g.support]) or heading_type(g.support, headings)
        for g in answerable
    ]
    folds = folds_of(np.array([g.id for g in answerable]))

    forms_only = fit_tagger([t for t, _ in generated], [k for _, k in generated])

    def unspanned(text: str) -> AnswerType:
        """A dev question whose gold phrase carries no span asks for something else: which of
        the other kinds (a list, a definition, yes/no, anything) the forms alone read in it."""
        p = forms_only.probabilities(text)
        return max((k for k in p if k not in SPAN_TYPES), key=p.__getitem__)

    def fit(rows: list[tuple[str, AnswerType | None]], C: float) -> AnswerTypeTagger:
        pairs = generated + [(t, k or unspanned(t)) for t, k in rows]
        return fit_tagger([t for t, _ in pairs], [k for _, k in pairs], C=C)

    results = {}
    for C in C_GRID:
        right = 0.0
        for f in range(5):
            train = [(t, k) for t, k, fo in zip(texts, kinds, folds) if fo != f]
            held = [(t, k) for t, k, fo in zip(texts, kinds, folds) if fo == f]
            tagger = fit(train, C)
            right += span_agreement(tagger, [t for t, _ in held], [k for _, k in held]) * len(held)
        results[C] = round(right / len(texts), 3)
    best = max(results.values())
    C = min(c for c, v in results.items() if v >= best)
    lines = [
        "## Tipo di risposta chiesto (tagger appreso)",
        "",
        f"Etichette: il tipo della frase di riferimento delle {len(texts)} domande dev con "
        "risposta (data, numero, importo, persona, luogo, titolo; se nessuno, il tipo non "
        "puntuale — elenco, definizione, sì/no, altro — che le sole forme vi leggono); domande generate "
        f"in ogni forma ({len(generated)}). Accordo fuori fold per C: {results}; scelto C = {C}.",
        "",
    ]
    return fit(list(zip(texts, kinds)), C), "\n".join(lines)
