""" "Cos'è X?": the glossary's plain explanation of the plan's term, with the passage it was
written from quoted and cited (the glossary is reviewed like a document: `corpus/glossary.toml`)
— only when the explanation passes the same support check as an LLM's sentence against that
passage; one that adds to what the documents say is left to the passages.

A question is matched to the entry whose own wordings (the term, its aliases, its everyday and
English words) it contains most completely; the match strength is the route's score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant import templates
from assistant.answer.citations import Quotes
from assistant.question.analysed import Question
from assistant.question.answer_types import AnswerType
from core.italian import content_stems, fold
from core.limits import section_leaf
from core.models import Answer
from indexer.glossary import Glossary, GlossaryEntry
from indexer.stores import StoredChunk


@dataclass(frozen=True)
class _Wording:
    entry: GlossaryEntry
    stems: frozenset[str]
    own: bool  # the documents' own wording (term or alias), not an everyday one


class Definitions:
    def __init__(
        self,
        glossary: Glossary,
        chunks: dict[str, StoredChunk],
        supported: Callable[[str, StoredChunk], bool],
    ) -> None:
        self.chunks = chunks
        self.entries = glossary.entries
        self.supported = supported
        self._checked: dict[str, bool] = {}
        self.wordings = [
            _Wording(entry, frozenset(content_stems(text)), own)
            for entry in glossary.entries
            for text, own in [
                (entry.term, True),
                *((a, True) for a in entry.aliases),
                *((e, False) for e in [*entry.everyday, *entry.english]),
            ]
            if content_stems(text)
        ]

    def best(self, question: Question) -> tuple[GlossaryEntry, float] | None:
        """The entry the question names most completely, and how completely (its wording's
        stems found, less for an everyday wording than for the documents' own)."""
        asked = question.stems
        best: tuple[GlossaryEntry, float] | None = None
        for w in self.wordings:
            found = len(w.stems & asked) / len(w.stems)
            score = found * (1.0 if w.own else 0.8) * min(1.0, len(w.stems & asked) / 2 + 0.5)
            if best is None or score > best[1]:
                best = (w.entry, score)
        return best

    def propose(self, question: Question) -> tuple[Answer, float] | None:
        if question.asks is not AnswerType.DEFINITION:
            return None
        match = self.best(question)
        if match is None:
            return None
        entry, score = match
        chunk, sentence = self._source(entry)
        if chunk is None or not self._vouched(entry, chunk):
            return None
        quotes = Quotes()
        n = quotes.mark(chunk, sentence)
        quotes.highlight(chunk, [entry.source.phrase])
        text = templates.definition(entry.term, entry.explanation, sentence, n)
        answer = Answer(
            question=question.asked,
            answer=text,
            abstained=False,
            citations=quotes.citations(),
            direct=entry.term,
        )
        return answer, score

    def vouched(self, term: str) -> bool:
        """The glossary entry `term` would be given as an answer (its passage vouches for it)."""
        entry = next((e for e in self.entries if e.term == term), None)
        if entry is None:
            return False
        chunk, _ = self._source(entry)
        return chunk is not None and self._vouched(entry, chunk)

    def _vouched(self, entry: GlossaryEntry, chunk: StoredChunk) -> bool:
        """The explanation says only what its passage says (the support check that verifies
        an LLM's sentences): an explanation that adds to the documents is not given."""
        if entry.term not in self._checked:
            self._checked[entry.term] = self.supported(entry.explanation, chunk)
        return self._checked[entry.term]

    def _source(self, entry: GlossaryEntry) -> tuple[StoredChunk | None, str]:
        """The passage holding the entry's source phrase, and its sentence holding it (the
        heading when the phrase is a heading)."""
        phrase = " ".join(fold(entry.source.phrase).split())
        for chunk in self.chunks.values():
            if chunk.meta.doc_id != entry.source.doc_id:
                continue
            for sentence in chunk.sentences:
                if phrase in " ".join(fold(sentence).split()):
                    return chunk, sentence
            heading = section_leaf(chunk.meta.section)
            if phrase in " ".join(fold(heading).split()):
                return chunk, heading
        return None, ""
