"""The tables of the feedback database, as SQLAlchemy sees them (the migrations create them).

No IP address, user agent or session id anywhere: a row says what was asked, answered and judged.
Times are ISO 8601 UTC text ("2025-06-30T09:15:00+00:00"), which sorts and compares as time on
SQLite and PostgreSQL alike, and is what the files written before the migrations hold.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created", String(32), nullable=False),
    Column("channel", String(8), CheckConstraint("channel IN ('api', 'ui')"), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("rating", String(8), CheckConstraint("rating IN ('up', 'down')"), nullable=False),
    Column("reason", Text),
    Column("citations", Text, nullable=False, server_default="[]"),  # a JSON list of chunk ids
    Index("ix_feedback_created", "created"),
    sqlite_autoincrement=True,
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created", String(32), nullable=False),
    Column("question", Text, nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("source", String(8), nullable=False, server_default="api"),  # chat, api or v1
    Index("ix_questions_created", "created"),
    sqlite_autoincrement=True,
)

# Secrets that live and die with this database (see migration 0004): the rating tokens' key.
keys = Table(
    "keys",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)
