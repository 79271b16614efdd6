"""Example questions to click, grouped by the kind of user who would ask them."""

from __future__ import annotations

EXAMPLES: dict[str, list[str]] = {
    "Giovani imprenditori sociali": [
        "Quali azioni prevede il Piano per la finanza a impatto sociale?",
        "Cosa prevede il Piano per i giovani e la formazione?",
        "Che cos'è Torino Social Impact?",
    ],
    "Giornalisti": [
        "Quando è stato presentato il Piano?",
        "Chi è intervenuto alla presentazione del Piano?",
        "Quante persone hanno partecipato all'ascolto del territorio?",
    ],
    "Personale della PA": [
        "Quali sono i macro-temi del Piano?",
        "Come è stato redatto il Piano e in quali fasi?",
        "Cosa prevede il Piano sul social procurement?",
    ],
}
