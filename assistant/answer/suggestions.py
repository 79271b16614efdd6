"""The next questions to suggest after an answer, drawn from the documents: the headings next to
the cited passages in their document, and the glossary terms the cited passages use.

Each is put in one form the pipeline answers from the documents (`templates.next_question`);
`python -m evals.suggestions` measures how many of those shown after the gold test answers get a
cited answer.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant import templates
from core.italian import fold
from core.limits import section_leaf
from core.models import Answer
from indexer.glossary import Glossary
from indexer.stores import OpenIndex

# Neighbours looked at around each cited passage, nearest first.
NEAR = (-1, 1, -2, 2)
MIN_TERM_CHARS = 5


class NextQuestions:
    """Suggestions over one opened index and glossary (what is looked up is prepared once)."""

    def __init__(
        self,
        index: OpenIndex,
        glossary: Glossary,
        vouched: Callable[[str], bool] = lambda term: False,
        most: int = 3,
    ) -> None:
        self.index = index
        self.most = most
        self.vouched = vouched
        # Acronyms ("ETS", "APS") make poor questions: their spelt-out wordings do better.
        self.terms = [
            (entry.term, [fold(n) for n in (entry.term, *entry.aliases) if len(n) > 3])
            for entry in glossary.entries
            if len(entry.term) > MIN_TERM_CHARS
        ]

    def neighbours(self, chunk_id: str, doc_id: str) -> list[str]:
        """The headings of the passages around one, nearest first (not its own, nor the
        document's title)."""
        doc = self.index.documents.get(doc_id, [])
        chunk = self.index.chunks.get(chunk_id)
        if chunk is None:
            return []
        at = chunk.meta.position  # a passage's position is its place in its document
        if not (0 <= at < len(doc) and doc[at].chunk_id == chunk_id):
            at = next(i for i, c in enumerate(doc) if c.chunk_id == chunk_id)
        own, title = section_leaf(doc[at].meta.section), fold(doc[at].meta.title)
        near = (section_leaf(doc[at + d].meta.section) for d in NEAR if 0 <= at + d < len(doc))
        return [h for h in near if h and h != own and fold(h) not in title]

    def after(self, answer: Answer) -> list[str]:
        """Up to `most` questions: headings next to the cited passages first, then a term the
        quotes use (else the passages), neither already in the question nor in a title."""
        asked = fold(answer.question)
        headings = [
            h
            for c in answer.citations
            for h in self.neighbours(c.chunk_id, c.doc_id)
            if fold(h) not in asked
        ]
        known = asked + " " + fold(" ".join(c.title for c in answer.citations))
        quoted = fold(" ".join(c.quote for c in answer.citations))
        cited = fold(" ".join(c.text for c in answer.citations))
        fresh = [(t, names) for t, names in self.terms if not any(n in known for n in names)]
        terms = [t for t, names in fresh if any(n in quoted for n in names)]
        terms += [t for t, names in fresh if any(n in cited for n in names)]
        # A term is suggested only as a definition the glossary may give (vouched for by its
        # passage); a heading, as the question its section answers (`routes/headings.py`).
        terms = [t for t in dict.fromkeys(terms) if self.vouched(t)]
        asked_terms = [templates.definition_question(t) for t in terms]
        asked_headings = [templates.next_question(h) for h in dict.fromkeys(headings)]
        questions = asked_headings[: self.most - 1] + asked_terms[:1] + asked_headings + asked_terms
        return list(dict.fromkeys(questions))[: self.most]
