"""Alembic's entry into the feedback database.

The server runs the migrations itself when it opens the database (feedback.database), passing
its connection in `config.attributes["connection"]`. Run by hand (`alembic upgrade head`, or
`alembic revision --autogenerate -m "…"` for a new migration) it opens the database the
settings name: PIANO_DATABASE_URL, else the SQLite file in the data directory.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from feedback.schema import metadata

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode: SQLite cannot ALTER most things in place, Alembic copies the table instead.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from core.settings import Settings
    from feedback.database import engine_url

    engine = create_engine(engine_url(Settings().feedback_database_url))
    with engine.connect() as opened:
        _run(opened)
