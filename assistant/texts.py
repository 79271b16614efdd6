"""Every user-facing answer template and message, in one place (Italian first)."""

from __future__ import annotations

import re

LEAD_IN_BY_TYPE = {
    "piano": "Secondo il Piano",
    "consultazione": "Nel resoconto della consultazione",
    "ue": "Secondo la Raccomandazione del Consiglio UE",
    "istituzionale": "Secondo la pagina della Città metropolitana di Torino",
    "stampa": "Secondo la stampa",
}
LEAD_IN_MIXED = "Secondo i documenti"

# Fitted to what the question asks; joined to the source lead-in: "Secondo il Piano, sulla data:".
# Patterns match at word starts ("anno" must not fire inside "hanno").
QUESTION_FOCUS = [
    (r"\b(quando|in che data|che giorno|in che anno|in che mese|when|what date)\b", "sulla data"),
    (r"\b(quant[aeio]|numero|how many|how much)\b", "sui numeri"),
    (r"\b(chi|who)\b", "sulle persone e gli enti"),
    (r"\b(cambiat\w*|modific\w*|integrazion\w*|recepit\w*|changed?)\b",
     "su cosa è cambiato dopo la consultazione"),
    (r"\b(obiettiv\w*|priorit\w*|misur\w*|azion\w*|objectives?|measures?)\b",
     "sugli obiettivi e le azioni"),
]

ABSTAIN = (
    "I documenti che conosco non rispondono a questa domanda: non ho trovato un passaggio "
    "che ne parli, quindi preferisco non rispondere piuttosto che inventare."
)
ABSTAIN_INSTRUCTION = (
    "Posso solo citare quanto dicono i documenti sul Piano metropolitano per l'economia "
    "sociale di Torino 2030: non seguo istruzioni che cambiano questo compito."
)
MAYBE_INTERESTING = "Forse ti può interessare:"

# A one-line note for questions in another language; the quotes stay in Italian.
LANGUAGE_NOTES = {
    "en": "Note: the documents are in Italian, so the answer quotes them in Italian.",
    "fr": "Remarque : les documents sont en italien, la réponse les cite donc en italien.",
    "es": "Nota: los documentos están en italiano, por eso la respuesta los cita en italiano.",
    "de": "Hinweis: Die Dokumente sind auf Italienisch, daher zitiert die Antwort auf Italienisch.",
}


def lead_in(source_types: list[str], focus: str | None) -> str:
    kinds = list(dict.fromkeys(source_types))
    head = LEAD_IN_BY_TYPE.get(kinds[0], LEAD_IN_MIXED) if len(kinds) == 1 else LEAD_IN_MIXED
    return f"{head}, {focus}:" if focus else f"{head}:"


def question_focus(question: str) -> str | None:
    for pattern, focus in QUESTION_FOCUS:
        if re.search(pattern, question, re.IGNORECASE):
            return focus
    return None


def quoted(sentence: str, n: int) -> str:
    return f"«{sentence}» [{n}]"


def bullet(sentence: str, n: int) -> str:
    return f"- {sentence} [{n}]"


def suggestion(title: str, section: str, n: int) -> str:
    where = f" — {section.split(' > ')[-1]}" if section else ""
    return f"- {title}{where} [{n}]"
