"""A question that names a heading of the documents in «…» ("Cosa dicono i documenti su
«Finanza a impatto sociale»?", how the chat's suggested next questions are asked): answered
with that section's own words — its list's items or its first sentences — cited."""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant import templates
from assistant.answer.citations import Quotes
from assistant.question.analysed import Question
from assistant.retrieval.features import is_list
from core.italian import fold
from core.limits import section_leaf
from core.models import Answer
from indexer.stores import OpenIndex, StoredChunk

_NAMED = re.compile(r"«([^»]{3,200})»")
QUOTED_SENTENCES = 3


class Headings:
    def __init__(
        self, index: OpenIndex, max_bullets: int, lead_ins: Mapping[str, str] | None = None
    ) -> None:
        self.max_bullets = max_bullets
        self.lead_ins = lead_ins
        self.sections: dict[str, list[StoredChunk]] = {}
        for passages in index.documents.values():
            for chunk in passages:
                leaf = fold(section_leaf(chunk.meta.section))
                if leaf:
                    self.sections.setdefault(leaf, []).append(chunk)

    def propose(self, question: Question) -> tuple[Answer, float] | None:
        named = [m.group(1) for m in _NAMED.finditer(question.asked)]
        found = next((self.sections[fold(n)] for n in named if fold(n) in self.sections), None)
        if found is None:
            return None
        quoted = Quotes()
        first = found[0]
        if is_list(first):
            items = first.sentences[: self.max_bullets]
            lines = [templates.bullet(s, quoted.mark(first, s)) for s in items]
        else:
            units = [(c, s) for c in found for s in c.sentences if len(s) > 3][:QUOTED_SENTENCES]
            lines = [templates.quoted(s, quoted.mark(c, s)) for c, s in units]
        if not lines:
            return None
        citations = quoted.citations()
        head = templates.lead_in([c.source_type for c in citations], self.lead_ins)
        answer = Answer(
            question=question.asked,
            answer=head + "\n\n" + "\n".join(lines),
            abstained=False,
            citations=citations,
        )
        return answer, 1.0
