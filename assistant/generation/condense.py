"""Follow-ups with an LLM: the question rewritten as a standalone one, for retrieval only.

The user's own words stay the question that is shown and answered. A rewrite is accepted only if
it keeps the question's intent: it must keep the user's topic words, may add only words taken
from the conversation (and a couple of connecting ones), and must not be an instruction.
"""

from __future__ import annotations

import logging

from assistant import templates
from assistant.generation.llm import ChatLLM, LLMError
from assistant.question.language import is_instruction
from core.italian import content_stems
from core.models import Turn

log = logging.getLogger(__name__)

CONTEXT_TURNS = 6  # the last turns shown to the model
TURN_CHARS = 400  # an extractive answer quotes whole sentences: its start says enough
MAX_CHARS = 400
MIN_KEPT_SHARE = 0.5  # of the user's own topic words
MAX_NEW_WORDS = 2  # topic words in neither the question nor the conversation


def condense_question(llm: ChatLLM, question: str, history: list[Turn]) -> str | None:
    """The standalone form of `question`, or None (no user turn before, the call failed, or
    the rewrite would change what is asked): then the caller resolves the follow-up itself."""
    if not any(t.role == "user" for t in history):
        return None
    turns: list[tuple[str, str]] = [(t.role, _shorten(t.content)) for t in history[-CONTEXT_TURNS:]]
    try:
        reply = llm.complete(
            templates.LLM_CONDENSE_SYSTEM, templates.llm_condense_request(turns, question)
        )
    except LLMError as exc:
        log.warning("condensing the follow-up failed (%s): using the rule-based resolution", exc)
        return None
    standalone = _clean(reply)
    if not keeps_intent(question, standalone, history):
        log.info("condensed follow-up refused: it would change what is asked")
        return None
    return standalone


def keeps_intent(question: str, standalone: str, history: list[Turn]) -> bool:
    if not standalone or len(standalone) > MAX_CHARS or is_instruction(standalone):
        return False
    own = content_stems(question)
    rewritten = content_stems(standalone)
    if own and len(own & rewritten) / len(own) < MIN_KEPT_SHARE:
        return False
    known = own | content_stems(" ".join(t.content for t in history))
    return len(rewritten - known) <= MAX_NEW_WORDS


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TURN_CHARS else text[:TURN_CHARS].rsplit(" ", 1)[0] + " …"


def _clean(reply: str) -> str:
    line = next((ln.strip() for ln in reply.splitlines() if ln.strip()), "")
    for prefix in ("Domanda autonoma:", "Domanda:"):
        if line.lower().startswith(prefix.lower()):
            line = line[len(prefix) :].strip()
    return line.strip('«»"“” ')
