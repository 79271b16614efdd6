"""The shapes that travel: one Answer (with its Citations) shared by API, UI, CLI and evals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from core.limits import MAX_TURN_CHARS
from core.passages import page_url, quote_spans
from core.sources import source_line


class ChunkMeta(BaseModel):
    """What a passage says about where it comes from: stored with it, cited with it.

    Flat scalars only (Chroma's metadata): "" for an unknown URL, 0 for a passage without a page.
    """

    doc_id: str
    title: str
    source_type: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    language: str = "it"
    section: str = ""
    page: int = 0
    position: int = 0


class Turn(BaseModel):
    """One earlier turn of the conversation, OpenAI style."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class Citation(BaseModel):
    """A passage of a document, numbered as its marker [n] in the answer."""

    n: int = Field(description="Marker number in the answer ([n]), or rank in a search.")
    chunk_id: str = Field(description="Stable id of the passage; survives re-indexing.")
    doc_id: str
    title: str
    source_type: str = Field(description="piano, consultazione, ue, istituzionale or stampa.")
    publisher: str = ""
    date: str = ""
    section: str = Field("", description="Heading path of the passage inside its document.")
    page: int | None = Field(None, description="PDF page, when the document has pages.")
    url: str | None = None
    text: str = Field(description="The whole passage.")
    quote: str = Field("", description="The exact sentence(s) of the passage used in the answer.")
    highlights: list[str] = Field(
        default_factory=list,
        description="Verbatim pieces of `quote` that answer the question (the date, number, "
        "names, place or list label asked for), to be marked where the quote is shown.",
    )
    score: float = Field(description="Retrieval score (higher is better).")

    @computed_field(  # type: ignore[prop-decorator]
        description="The passage on this server's copy of its document (a path: "
        "/documenti/{doc_id}?…#p-…), the quoted sentences marked; `url` is the original."
    )
    @property
    def page_url(self) -> str:
        return page_url(self.doc_id, self.chunk_id, quote_spans(self.text, self.quote))

    @computed_field(  # type: ignore[prop-decorator]
        description="The source named in plain text: «title — section (original URL)»."
    )
    @property
    def reference(self) -> str:
        return source_line(self.title, self.section, [self.url])


# The three honest outcomes of a question.
Outcome = Literal["answer", "unsure", "not_covered"]


class Answer(BaseModel):
    """An answer in which every sentence is backed by a cited passage — quoted verbatim in
    extractive mode, checked for support in LLM mode — or an abstention."""

    question: str
    answer: str = Field(description="Italian text with [n] markers referring to `citations`.")
    abstained: bool = Field(
        description="True when the answer is not an answer: `outcome` is `unsure` or `not_covered`."
    )
    outcome: Outcome = Field(
        "answer",
        description="`answer`: the quotes hold the answer; `unsure`: the closest passages, which "
        "may not answer it; `not_covered`: the documents do not speak of it.",
    )
    mode: Literal["extractive", "llm"] = "extractive"
    citations: list[Citation] = Field(default_factory=list)
    note: str | None = Field(
        None, description="A one-line note in the user's language, if not Italian."
    )
    direct: str | None = Field(
        None,
        description="The words that answer, verbatim from a cited quote (e.g. «30 giugno 2025», "
        "«104 persone»), when the question asks for a date, number, names, place or title; "
        "the answer's first line shows them with their marker.",
    )
    suggestions: list[str] = Field(
        default_factory=list,
        description="Next questions the documents answer, near this one (glossary terms, "
        "neighbouring headings of the cited passages).",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _outcome_agrees(self) -> Answer:
        """`abstained` and `outcome` say the same thing: an abstention given without an outcome
        is `not_covered`, and only an `answer` is not abstained."""
        if self.abstained and self.outcome == "answer":
            self.outcome = "not_covered"
        self.abstained = self.outcome != "answer"
        return self


class SearchResults(BaseModel):
    query: str
    results: list[Citation]
    timings_ms: dict[str, float] = Field(default_factory=dict)
