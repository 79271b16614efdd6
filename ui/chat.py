"""The conversation of one browser session: asking with history, the chat's messages, feedback.

Plain functions over a `Conversation`; `ui/app.py` wires them to Gradio events.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from assistant.service import Assistant
from core.limits import CONTROL_CHARS, MAX_QUESTION_CHARS, MAX_REASON_CHARS, MAX_TURN_CHARS
from core.models import Answer, Turn
from feedback.store import FeedbackStore, Rating
from ui import labels

log = logging.getLogger(__name__)

# Markdown that could turn document or user text into formatting, escaped with a backslash.
# Only what can take effect: Gradio reads the raw message as the bubble's aria-label, so every
# needless backslash would be read aloud.
INLINE_MARKUP = re.compile(r"([\\`*_~|\[\]])")
LINE_START_MARKUP = re.compile(r"^([#+=-])", re.MULTILINE)
ORDERED_LIST = re.compile(r"^(\d+)([.)])", re.MULTILINE)
# "\[1\]" back to "[1]", unless a link could form: at a line start, or before "(", "[", ":".
CITATION_MARKER = re.compile(r"(?<=[^\n])\\\[(\d+)\\\](?![(\\:])")
LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)  # four spaces would make a code block


@dataclass
class Conversation:
    """What one session remembers: the answers (with their sources) and the feedback given."""

    answers: list[Answer] = field(default_factory=list)
    selected: int | None = None  # the answer shown in the sources panel and rated
    feedback_ids: dict[int, int] = field(default_factory=dict)  # answer index → feedback row
    ratings: dict[int, Rating] = field(default_factory=dict)

    def history(self) -> list[Turn]:
        """The earlier turns, OpenAI style, without the sources."""
        turns = []
        for answer in self.answers:
            turns.append(Turn(role="user", content=answer.question[:MAX_TURN_CHARS]))
            turns.append(Turn(role="assistant", content=answer.answer[:MAX_TURN_CHARS]))
        return turns

    @property
    def current(self) -> Answer | None:
        return None if self.selected is None else self.answers[self.selected]


def as_chat_text(text: str) -> str:
    """Text for a Markdown chat message that renders exactly as `text`, never as markup.

    HTML is escaped first (no tag can form); then Markdown's own syntax. A mid-line "[n]" stays
    as it is: without a link definition it is plain text, and answers are full of them.
    """
    text = html.escape(LEADING_SPACE.sub("", text), quote=False)
    text = INLINE_MARKUP.sub(r"\\\1", text)
    text = LINE_START_MARKUP.sub(r"\\\1", text)
    text = ORDERED_LIST.sub(r"\1\\\2", text)
    return CITATION_MARKER.sub(r"[\1]", text)


def chat_messages(conversation: Conversation) -> list[dict[str, str]]:
    messages = []
    for answer in conversation.answers:
        messages.append({"role": "user", "content": as_chat_text(answer.question)})
        messages.append({"role": "assistant", "content": as_chat_text(answer.answer)})
    return messages


def clean_text(text: str | None) -> str:
    return CONTROL_CHARS.sub(" ", text or "").strip()


def ask(
    question: str, conversation: Conversation, assistant: Assistant | None
) -> tuple[Conversation, str | None]:
    """Ask with the conversation's history; returns the new conversation, or an error to show."""
    if assistant is None:
        return conversation, labels.UNAVAILABLE
    if len(question) > MAX_QUESTION_CHARS:
        return conversation, labels.TOO_LONG.format(n=MAX_QUESTION_CHARS)
    answer = assistant.ask(question, conversation.history())
    answers = [*conversation.answers, answer]
    return replace(conversation, answers=answers, selected=len(answers) - 1), None


def streams(assistant: Assistant | None) -> bool:
    """Whether answers are worth streaming: only an LLM writes them while the user waits."""
    return assistant is not None and assistant.llm is not None


def ask_stream(
    question: str, conversation: Conversation, assistant: Assistant | None
) -> Iterator[tuple[str, Conversation | None, str | None]]:
    """`ask` step by step: (text so far, None, None)… then (answer, new conversation, None),
    or (…, conversation, error). Every piece of text has already been checked on the sources."""
    if assistant is None or len(question) > MAX_QUESTION_CHARS:
        yield "", *ask(question, conversation, assistant)
        return
    text = ""
    for event in assistant.ask_stream(question, conversation.history()):
        if isinstance(event, Answer):
            answers = [*conversation.answers, event]
            yield (
                event.answer,
                replace(conversation, answers=answers, selected=len(answers) - 1),
                None,
            )
        elif event.text:
            text += event.text
            yield text, None, None


def select_answer(conversation: Conversation, message_index: int) -> Conversation:
    """The answer behind a clicked chat message (a question selects its own answer)."""
    index = message_index // 2
    if 0 <= index < len(conversation.answers):
        return replace(conversation, selected=index)
    return conversation


def rate(
    conversation: Conversation, rating: Rating, reason: str, store: FeedbackStore
) -> tuple[Conversation, str]:
    """Store 👍/👎 for the selected answer; a second click changes the same row."""
    index = conversation.selected
    if index is None:
        return conversation, labels.NOTHING_TO_RATE
    answer = conversation.answers[index]
    why = clean_text(reason)[:MAX_REASON_CHARS] or None
    if index in conversation.feedback_ids:
        store.update(conversation.feedback_ids[index], rating=rating, reason=why)
        feedback_ids = conversation.feedback_ids
    else:
        row = store.add(
            answer.question,
            answer.answer,
            rating,
            why,
            [c.chunk_id for c in answer.citations],
            channel="ui",
        )
        feedback_ids = {**conversation.feedback_ids, index: row}
    done = labels.RATED_UP if rating == "up" else labels.RATED_DOWN
    status = f"{done.format(n=index + 1)} {labels.RATED_HINT}"
    return replace(
        conversation, feedback_ids=feedback_ids, ratings={**conversation.ratings, index: rating}
    ), status


def send_reason(conversation: Conversation, reason: str, store: FeedbackStore) -> str:
    index = conversation.selected
    if index is None:
        return labels.NOTHING_TO_RATE
    if index not in conversation.feedback_ids:
        return labels.RATE_FIRST
    store.update(conversation.feedback_ids[index], reason=clean_text(reason)[:MAX_REASON_CHARS])
    return labels.REASON_SAVED.format(n=index + 1)
