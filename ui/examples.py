"""Example questions to click, grouped by the kind of user who would ask them.

Each comes with the phrase its answer must hold: `python -m evals.examples` and the browser
tests check that every example gets a cited answer holding it, so an example that stops working
fails CI instead of greeting a new user with a weak answer.
"""

from __future__ import annotations

from typing import NamedTuple


class Example(NamedTuple):
    question: str
    expected: str  # a phrase the cited answer must hold


EXAMPLES: dict[str, list[Example]] = {
    "Giovani imprenditori sociali": [
        Example("Quali misure ci sono per una cooperativa sociale?", "accesso al credito"),
        Example(
            "Quali azioni prevede il Piano per la finanza a impatto sociale?",
            "meccanismi innovativi di finanza",
        ),
        Example("Quando è nata Torino Social Impact?", "2017"),
    ],
    "Giornalisti": [
        Example("Quando è stato presentato il Piano?", "30 giugno 2025"),
        Example("Quante persone hanno partecipato all'evento del 5 dicembre?", "104 persone"),
        Example("Quante interviste sono state fatte nella fase di ascolto?", "30 interviste"),
    ],
    "Personale della PA": [
        Example("Quali sono le aree prioritarie del Piano?", "Social procurement"),
        Example(
            "Quando è stato firmato l'accordo tra Città metropolitana e Camera di commercio?",
            "18 luglio 2024",
        ),
        Example("In quante fasi si è sviluppato il processo di redazione del Piano?", "5 fasi"),
    ],
}


def all_examples() -> list[Example]:
    return [example for group in EXAMPLES.values() for example in group]
