"""Who took part, answered from the list: every line quoted and cited, counts from the list."""

from __future__ import annotations

from core.models import Turn


def test_a_named_organisation_is_found_in_the_list(assistant):
    answer = assistant.ask("c'era Legambiente tra gli enti coinvolti?")
    assert not answer.abstained
    assert "95. Legambiente Piemonte e Valle d'Aosta" in answer.answer
    assert answer.citations[0].highlights == ["95. Legambiente Piemonte e Valle d'Aosta"]
    assert answer.citations[0].quote in answer.citations[0].text


def test_a_kind_of_organisation_lists_every_member(assistant):
    answer = assistant.ask("quali sindacati hanno partecipato al percorso?")
    assert "UGL Torino" in answer.answer and "CGIL Cisl e Uil" in answer.answer
    assert "Comune di" not in answer.answer
    lines = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert answer.direct == f"{len(lines)} sindacati e associazioni di categoria"


def test_the_count_comes_from_the_list_numbering(assistant):
    answer = assistant.ask("Quanti enti hanno partecipato in totale?")
    assert "134. Zona Ovest di Torino S.r.l" in answer.answer
    assert "dodici privati cittadini" in answer.answer


def test_a_follow_up_names_only_the_new_organisation(assistant):
    history = [
        Turn(role="user", content="c'era Legacoop tra gli enti che hanno partecipato?"),
        Turn(role="assistant", content="Sì, 94. Legacoop Piemonte."),
    ]
    answer = assistant.ask("e Confcooperative?", history)
    assert "Confcooperative Piemonte Nord" in answer.answer
    assert "Legacoop" not in answer.answer


def test_people_counted_at_an_event_are_not_the_list(assistant):
    answer = assistant.ask("Quante persone hanno partecipato all'evento del 5 dicembre?")
    assert answer.direct == "104 persone"
