"""Next questions after an answer: headings next to the cited passages (asked as the question
their section answers), then a glossary term the quotes use that the glossary may define; never
what was asked, nor a document's title."""

from __future__ import annotations

from assistant.answer.suggestions import NextQuestions
from core.models import Answer
from indexer.glossary import Glossary


def test_suggestions_come_from_neighbouring_headings_and_a_term(assistant):
    answer = assistant.ask("Quante interviste sono state fatte nella fase di ascolto?")
    suggested = assistant.next_questions.after(answer)
    assert 2 <= len(suggested) <= 3
    forms = ("Cosa dicono i documenti su «", "Cos'è «")  # a heading, or a term the glossary defines
    assert all(s.startswith(forms) and s.endswith("»?") for s in suggested)
    topics = [s.split("«", 1)[1].rsplit("»", 1)[0] for s in suggested]
    leaves = {c.meta.section.split(" > ")[-1] for c in assistant.index.chunks.values()}
    terms = {e.term for e in assistant.glossary.entries}
    assert any(t in leaves for t in topics) and all(t in leaves | terms for t in topics)
    assert not any(t.lower() in answer.question.lower() for t in topics)
    assert len(set(topics)) == len(topics)


def test_nothing_cited_nothing_suggested(assistant):
    empty = NextQuestions(assistant.index, Glossary())
    assert empty.after(Answer(question="Ciao?", answer="", abstained=True)) == []


def test_the_suggestions_are_questions_the_documents_answer(assistant):
    answer = assistant.ask("Quali sono le fasi del percorso?")
    for suggestion in assistant.next_questions.after(answer):
        follow = assistant.ask(suggestion)
        assert follow.outcome == "answer" and follow.citations, suggestion
