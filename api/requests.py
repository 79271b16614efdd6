"""Request models of the API: the question text as every route accepts it, and the bodies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from core.limits import (
    CONTROL_CHAR_CLASS,
    CONTROL_CHARS,
    MAX_HISTORY_TURNS,
    MAX_QUESTION_CHARS,
    MAX_TURN_CHARS,
    SURROGATES,
    TOP_K_MAX,
    TOP_K_MIN,
)
from core.models import Turn

CONTROL_MESSAGE = "il testo contiene caratteri di controllo non ammessi"
UNICODE_MESSAGE = "contiene caratteri Unicode non validi"


def text_problem(value: str) -> str | None:
    """Why users may not send this text (in Italian), or None: control characters but tab and
    newlines, or lone surrogates (which no UTF-8 file, database or model can hold)."""
    if CONTROL_CHARS.search(value):
        return CONTROL_MESSAGE
    if SURROGATES.search(value):
        return UNICODE_MESSAGE
    return None


def plain_text(value: str) -> str:
    problem = text_problem(value)
    if problem == UNICODE_MESSAGE:  # the message the API gives for pydantic's own type
        raise PydanticCustomError("string_unicode", "Input should be a valid string")
    if problem:
        raise ValueError(problem)
    return value


# Any free text that is stored or embedded (feedback, history turns); the schema says it too.
PLAIN_PATTERN = rf"^[^{CONTROL_CHAR_CLASS}]*$"
PlainText = Annotated[
    str, Field(json_schema_extra={"pattern": PLAIN_PATTERN}), AfterValidator(plain_text)
]


def _clean_text(value: str) -> str:
    value = plain_text(value).strip()
    if not value:
        raise ValueError("la domanda è vuota")
    return value


def filled_text(value: str) -> str:
    """Plain text with something in it: a stored text may not be only spaces."""
    if not plain_text(value).strip():
        raise ValueError(EMPTY_MESSAGE)
    return value


EMPTY_MESSAGE = "il testo è vuoto (solo spazi)"
# What _clean_text accepts, as a JSON Schema pattern: no control characters but tab and newlines,
# at least one character that is not a space. Clients and fuzzers then know it up front.
TEXT_PATTERN = rf"^[^{CONTROL_CHAR_CLASS}]*[^\s{CONTROL_CHAR_CLASS}][^{CONTROL_CHAR_CLASS}]*$"
# Any text that is stored or embedded and must say something (feedback, a description, an
# earlier turn): plain, and not only spaces.
FilledText = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(filled_text),
]

CleanText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(_clean_text),
]


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer: 5 or 5.0, never "5" or true (which pydantic's lax mode would take).
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


TopK = Annotated[int, Field(ge=TOP_K_MIN, le=TOP_K_MAX), BeforeValidator(_json_integer)]


class HistoryTurn(Turn):
    """An earlier turn as a client sends it: the text checked like a question's."""

    content: Annotated[FilledText, Field(max_length=MAX_TURN_CHARS)]


class AskRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "Quando è stato presentato il Piano?", "history": []},
                {
                    "question": "E quante persone hanno partecipato?",
                    "history": [
                        {"role": "user", "content": "Cosa è successo il 5 dicembre 2024?"},
                        {"role": "assistant", "content": "Si è tenuto l'evento partecipativo…"},
                    ],
                },
            ]
        }
    )

    question: CleanText = Field(
        description=f"La domanda, in italiano (max {MAX_QUESTION_CHARS} caratteri)."
    )
    history: list[HistoryTurn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="Turni precedenti (role user/assistant), dal più vecchio; servono per le "
        f"domande di seguito. Oltre {MAX_HISTORY_TURNS} turni la richiesta è rifiutata; dei turni "
        "accettati si usano solo gli ultimi.",
    )
    top_k: TopK | None = Field(
        None, description=f"Passaggi da citare al massimo ({TOP_K_MIN}–{TOP_K_MAX})."
    )

    @property
    def turns(self) -> list[Turn]:
        """The history as the Assistant takes it."""
        return [*self.history]


class SearchRequest(BaseModel):
    query: CleanText = Field(description="Testo da cercare nei documenti.")
    top_k: TopK | None = Field(
        None, description=f"Quanti passaggi restituire ({TOP_K_MIN}–{TOP_K_MAX})."
    )
