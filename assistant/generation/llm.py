"""The optional LLM, wrapped once: any OpenAI-compatible chat endpoint through LlamaIndex's OpenAILike.

Every failure of the endpoint (timeout, refused connection, HTTP error, a body that is not a chat
completion) surfaces as one `LLMError`, so callers have a single thing to fall back on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from core.sections import LLMSettings

if TYPE_CHECKING:  # LlamaIndex is imported only when an LLM is configured
    from llama_index.core.base.llms.types import ChatMessage

# Reasoning models (qwen3, deepseek-r1 through llama.cpp or Ollama) may think aloud in the content.
_THINKING = re.compile(r"^\s*<think>.*?(</think>|$)", re.DOTALL)


class LLMError(RuntimeError):
    """The LLM could not give an answer; the reason is short and safe to log."""


def _messages(system: str, user: str) -> list[ChatMessage]:
    from llama_index.core.base.llms.types import ChatMessage, MessageRole

    return [
        ChatMessage(role=MessageRole.SYSTEM, content=system),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}"


class ChatLLM:
    """A chat model behind an OpenAI-compatible endpoint: one answer, or a stream of text pieces."""

    def __init__(self, llm: Any, model: str) -> None:
        self._llm = llm
        self.model = model

    @classmethod
    def from_settings(cls, settings: LLMSettings) -> ChatLLM | None:
        """None when no endpoint is configured: the assistant then answers extractively only."""
        if not settings.base_url:
            return None
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(
            api_base=settings.base_url,
            model=settings.model,
            # The client insists on a key; local servers accept any.
            api_key=(settings.api_key.get_secret_value() if settings.api_key else "") or "none",
            is_chat_model=True,
            is_function_calling_model=False,
            timeout=settings.timeout_s,
            max_retries=0,  # a failure falls back to the extractive answer at once
            max_tokens=settings.max_tokens,
            temperature=0.1,
            context_window=8192,
        )
        return cls(llm, settings.model)

    def complete(self, system: str, user: str) -> str:
        """The whole reply to one system + user message."""
        try:
            response = self._llm.chat(_messages(system, user))
            content = response.message.content
        except Exception as exc:  # the client raises many kinds; all mean "no answer"
            raise LLMError(_reason(exc)) from exc
        if not isinstance(content, str) or not content.strip():
            raise LLMError("empty or malformed reply")
        return _THINKING.sub("", content).strip()

    def stream(self, system: str, user: str) -> Iterator[str]:
        """The reply as it is generated, in text pieces (a leading thinking block left out)."""
        state, held = "start", ""  # held: the opening, until it shows whether it is "<think>"
        try:
            for chunk in self._llm.stream_chat(_messages(system, user)):
                delta = chunk.delta
                if not delta:
                    continue
                if not isinstance(delta, str):
                    raise LLMError("malformed stream chunk")
                if state == "text":
                    yield delta
                    continue
                held += delta
                if state == "start" and len(held.lstrip()) >= len("<think>"):
                    state = "thinking" if held.lstrip().startswith("<think>") else "text"
                if state == "thinking" and "</think>" in held:
                    state, held = "text", held.split("</think>", 1)[1].lstrip()
                if state == "text" and held:
                    yield held
                    held = ""
        except LLMError:
            raise
        except Exception as exc:  # the client raises many kinds; all mean "no answer"
            raise LLMError(_reason(exc)) from exc
        if state == "start" and held.strip():
            yield held
        elif state != "text":
            raise LLMError("empty reply")
