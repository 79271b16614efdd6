"""The sections of the settings that serve the assistant: the server, what protects it, and what
users leave behind (feedback, the question log, their database)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from core.sections import Section, _flat

# The two budgets of a client address (api.doors): doors that work, and the rest.
DoorKind = Literal["work", "page"]


class ServerSettings(Section):
    host: str = Field("127.0.0.1", validation_alias=_flat("host"))
    port: int = Field(8000, validation_alias=_flat("port"))
    log_format: Literal["json", "text"] = Field(
        "json",
        validation_alias=_flat("log_format"),
        description="Server logs: one JSON object per line, or plain text.",
    )
    build_poll_s: float = Field(
        5.0,
        ge=0.0,
        validation_alias=_flat("build_poll_s"),
        description="Seconds between two looks at the published build (CURRENT in the data "
        "directory); a new one is opened and served without a restart. 0 = the build found at "
        "start-up is served until a restart or an admin reindex.",
    )


class ProtectionSettings(Section):
    """What protects the public endpoints."""

    rate_limit_per_minute: int = Field(
        60,
        ge=0,
        validation_alias=_flat("rate_limit_per_minute"),
        description="Requests per minute per client IP on the doors that work (answers, search, "
        "measures matching, feedback, admin, /v1, the chat's events; 0 = no limit). IPs stay in "
        "memory only.",
    )
    page_rate_limit_per_minute: int = Field(
        600,
        ge=0,
        validation_alias=_flat("page_rate_limit_per_minute"),
        description="Requests per minute per client IP on every other door (the chat page and "
        "its files, health, documents…; one page load is about 60; 0 = no limit).",
    )
    ui_sessions: int = Field(
        500,
        ge=1,
        validation_alias=_flat("ui_sessions"),
        description="Chat UI sessions kept in memory at most (least recently used dropped "
        "first; each holds a copy of the page's state).",
    )
    ui_session_idle_s: float = Field(
        1800.0,
        gt=0,
        validation_alias=_flat("ui_session_idle_s"),
        description="A chat UI session unused for this many seconds is forgotten (the page "
        "keeps the conversation itself).",
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
    def budgets(self) -> dict[DoorKind, int]:
        """Requests per minute per client address for each kind of door (`api.doors`)."""
        return {"work": self.rate_limit_per_minute, "page": self.page_rate_limit_per_minute}

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
    database_url: SecretStr | None = Field(
        None,
        validation_alias=_flat("database_url"),
        description="Where feedback and the question log live: a SQLAlchemy URL such as "
        "postgresql://piano:…@db.example:5432/piano (shared by every replica); unset = the "
        "SQLite file feedback.sqlite in the data directory.",
    )
    database_pool_size: int = Field(
        5,
        ge=1,
        le=100,
        validation_alias=_flat("database_pool_size"),
        description="Connections each server process keeps open to the database (up to twice "
        "as many more under bursts).",
    )
