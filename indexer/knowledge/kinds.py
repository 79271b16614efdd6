"""The kinds of organisation a list of bodies holds (`organisation_kinds.toml`): each kind's
label and plural, the words of a question that ask about it, the generic words of a name that
mark it ("fondazione", "^comune di") and, reviewed, the names of this corpus's bodies of that
kind that no generic word gives away ("Banca Alfa" written only as "Alfabank").

Without the file the product's generic Italian kinds type a list's bodies (comune di…, fondazione,
cooperativa…); bodies they do not type are grouped by the words their names share
(`assistant.routes.membership`).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr

from core.italian import fold
from indexer.knowledge.files import read_toml, words_pattern

UNTYPED = "altro"


class OrganisationKind(BaseModel):
    label: str = Field(description="The kind, as each body of it is typed: «fondazione».")
    plural: str = Field(description="How an answer counts them: «fondazioni».")
    asked_by: list[str] = Field(default_factory=list, description="Words of a question.")
    marked_by: list[str] = Field(default_factory=list, description="Generic words of a name.")
    names: list[str] = Field(default_factory=list, description="This corpus's bodies, reviewed.")
    yields_to: list[str] = Field(
        default_factory=list, description="Kinds that win when a name marks both."
    )
    _asked: re.Pattern[str] = PrivateAttr()
    _marked: re.Pattern[str] = PrivateAttr()

    def model_post_init(self, context: object) -> None:
        self._asked = words_pattern(self.asked_by)
        self._marked = words_pattern(self.marked_by + self.names)

    def marks(self, folded_name: str) -> bool:
        return bool(self._marked.search(folded_name))

    def asked(self, folded_question: str) -> bool:
        return bool(self._asked.search(folded_question))


class OrganisationKinds(BaseModel):
    kinds: list[OrganisationKind] = Field(default_factory=list)
    generic_name_words: list[str] = Field(
        default_factory=list,
        description="Words of a name that say nothing about which body it is.",
    )

    def of(self, name: str, untyped: str | None = UNTYPED) -> list[str]:
        """The kinds a body's name marks, most specific first (`untyped` when none does)."""
        folded = fold(name)
        found = [k for k in self.kinds if k.marks(folded)]
        labels = {k.label for k in found}
        kept = [k.label for k in found if not labels & set(k.yields_to)]
        return kept or ([untyped] if untyped else [])

    def asked(self, folded_question: str) -> list[OrganisationKind]:
        return [k for k in self.kinds if k.asked(folded_question)]


DEFAULT_KINDS = Path(__file__).resolve().parent / "default_organisation_kinds.toml"


def load_kinds(path: Path) -> OrganisationKinds:
    """The kinds of the corpus's `organisation_kinds.toml`; without one, the product's generic
    Italian kinds (`default_organisation_kinds.toml`: kind words only, no body's name)."""
    data = read_toml(path if path.exists() else DEFAULT_KINDS)
    return OrganisationKinds(
        kinds=[OrganisationKind.model_validate(k) for k in data.get("kind", [])],
        generic_name_words=data.get("generic_name_words", []),
    )
