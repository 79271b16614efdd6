"""The outcome without fitted models: the rule the models replace, kept for the ablation and
for an index built before models existed — answer whenever there is evidence, except the
questions that are never answered (empty, contact details, instructions)."""

from __future__ import annotations

from assistant.answer.coverage import hard_refusal
from assistant.answer.evidence import Unit
from assistant.answer.outcome import Decision, MissingKind, missing_kind
from assistant.question.analysed import Question


class RuleOutcome:
    def decide(self, question: Question, units: list[Unit], features: list[float]) -> Decision:
        if question.is_instruction:
            return Decision("not_covered", 0.0, 0.0, "instruction", None, features)
        if (refusal := hard_refusal(question)) is not None:
            kind: MissingKind | None = "contatti" if refusal == "contact" else None
            return Decision("not_covered", 0.0, 0.0, refusal, kind, features)
        missing = missing_kind(question, units)
        if not units or missing == "importi":  # an amount no evidence carries: never guessed
            return Decision("not_covered", 0.0, 0.0, "rule", missing, features)
        return Decision("answer", 1.0, 1.0, "rule", None, features)
