"""Chiedi al Piano as an OpenAI-compatible chat model: /v1/models and /v1/chat/completions.

Any OpenAI chat client can use the assistant as the model "chiedi-al-piano". The last user
message is the question, the earlier user/assistant messages its history (system and tool
messages are ignored: the assistant's task is not the client's to change). The question then
takes the one path of every question (api.asking: the same request model, limits and log entry,
source `v1`). The reply ends with a "Fonti" block, each source linked to its passage on this
server's copy of the document, and the citations travel in an extra top-level field `citations`
(in the final chunk when streaming) with the same shape as in /api/ask, next to `outcome`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError

from api.asking import Asking, asking
from api.requests import UNICODE_MESSAGE, AskRequest, CleanText, text_problem
from api.sse import sse_data
from assistant import templates
from assistant.streaming import AnswerEvent, TextDelta
from core.limits import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_TURN_CHARS
from core.models import Citation, Outcome, Turn

MODEL_ID = "chiedi-al-piano"
OWNER = "chiedi-al-piano"
MAX_MESSAGES = MAX_HISTORY_TURNS + 1  # a question and the turns /api/ask accepts as history


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """An OpenAI chat request; sampling options (temperature, max_tokens…) are accepted and ignored."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": MODEL_ID,
                    "messages": [
                        {"role": "user", "content": "Quando è stato presentato il Piano?"}
                    ],
                },
                {
                    "model": MODEL_ID,
                    "stream": True,
                    "messages": [
                        {"role": "user", "content": "Cosa è successo il 5 dicembre 2024?"},
                        {"role": "assistant", "content": "Si è tenuto l'evento partecipativo…"},
                        {"role": "user", "content": "E quante persone hanno partecipato?"},
                    ],
                },
            ]
        },
    )

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: StrictBool = False  # "stream": 0 is refused, as the schema says


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    """An OpenAI chat completion, plus `citations`, `mode`, `outcome` and `abstained` of our
    Answer."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[CompletionChoice]
    citations: list[Citation] = Field(description="The passages cited as [n] in the content.")
    mode: Literal["extractive", "llm"]
    outcome: Outcome
    abstained: bool


def fonti(citations: list[Citation], base_url: str) -> str:
    """The "Fonti" block that closes a reply: each source with its passage on this server's
    copy of the document (`base_url` + `page_url`), then the original when known."""
    if not citations:
        return ""
    lines = [
        templates.sources_entry(c.n, c.title, c.section, [base_url + c.page_url, c.url])
        for c in citations
    ]
    return f"\n\n{templates.SOURCES_HEADING}\n" + "\n".join(lines)


def split_messages(
    messages: list[ChatMessage], clean: Callable[[str], str]
) -> tuple[str, list[Turn]]:
    """The question (last user message) and its history (earlier user/assistant messages)."""
    last = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].role == "user"), None)
    if last is None:
        raise HTTPException(422, "Manca un messaggio con role 'user': è la domanda.")
    question = clean(messages[last].text())
    history = [
        Turn(role=m.role, content=_turn_text(n, m))  # type: ignore[arg-type]
        for n, m in enumerate(messages[:last], start=1)
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    return question, history


def _turn_text(n: int, message: ChatMessage) -> str:
    """An earlier message's text, checked as /api/ask checks history (Italian 422 if not)."""
    text = message.text()[:MAX_TURN_CHARS]
    if problem := text_problem(text):
        raise HTTPException(422, f"Il messaggio {n} non è valido: {problem}.")
    return text


router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])
_question = TypeAdapter(CleanText)
_CREATED = int(time.time())


def clean_question(text: str) -> str:
    """The question validated as /api/ask validates it (same limits, Italian errors)."""
    try:
        return _question.validate_python(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        reasons = {
            "string_too_long": f"è troppo lunga (massimo {MAX_QUESTION_CHARS} caratteri)",
            "string_too_short": "la domanda è vuota",
            "string_unicode": UNICODE_MESSAGE,
        }
        reason = reasons.get(error.get("type", "")) or str(
            (error.get("ctx") or {}).get("error") or "non è un testo valido"
        )
        raise HTTPException(
            422, f"La domanda (ultimo messaggio 'user') non è valida: {reason}."
        ) from None


def ask_request(question: str, history: list[Turn]) -> AskRequest:
    """The OpenAI messages as the one request model of a question."""
    try:
        return AskRequest(question=question, history=[t.model_dump() for t in history])
    except ValidationError as exc:
        raise HTTPException(422, f"I messaggi non sono validi: {exc.errors()[0]['msg']}.") from None


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """Il modello offerto: "chiedi-al-piano" (l'assistente stesso)."""
    return ModelList(data=[ModelCard(id=MODEL_ID, created=_CREATED, owned_by=OWNER)])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "JSON, oppure eventi SSE se `stream` è true.",
        },
    },
)
def chat_completions(
    body: ChatCompletionRequest, request: Request, asker: Annotated[Asking, Depends(asking)]
) -> Any:
    """Chat in formato OpenAI: l'ultimo messaggio `user` è la domanda, i messaggi
    `user`/`assistant` precedenti la cronologia; i messaggi `system` sono ignorati.

    La risposta termina con un blocco "Fonti" (ogni fonte con il link al passaggio nella copia
    del documento su questo server, e all'originale se noto) e porta le citazioni nel campo
    aggiuntivo `citations` (con `stream: true`, nell'ultimo chunk prima di `[DONE]`), come in
    /api/ask, insieme a `outcome` (`answer`, `unsure` o `not_covered`).
    """
    asked = ask_request(*split_messages(body.messages, clean_question))
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    base_url = str(request.base_url).rstrip("/")
    if body.stream:
        return StreamingResponse(
            _chunks(asker.events(asked, "v1"), completion_id, base_url),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = asker.answer(asked, "v1")
    content = answer.answer + fonti(answer.citations, base_url)
    return ChatCompletion(
        id=completion_id,
        created=int(time.time()),
        choices=[CompletionChoice(message=CompletionMessage(content=content))],
        citations=answer.citations,
        mode=answer.mode,
        outcome=answer.outcome,
        abstained=answer.abstained,
    )


def _chunks(events: Iterator[AnswerEvent], completion_id: str, base_url: str) -> Iterator[str]:
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return sse_data(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    for event in events:
        if isinstance(event, TextDelta):
            if event.text:
                yield chunk({"content": event.text})
        else:
            if block := fonti(event.citations, base_url):
                yield chunk({"content": block})
            yield chunk(
                {},
                "stop",
                citations=[c.model_dump() for c in event.citations],
                mode=event.mode,
                outcome=event.outcome,
                abstained=event.abstained,
            )
    yield "data: [DONE]\n\n"
