"""Where each logged question came from: the chat page, the HTTP API or the OpenAI-compatible /v1.

Rows logged before this revision came through /api/ask (the chat did not log then): `api`.
A plain added column (no CHECK: SQLite would copy the whole table for one); the question log
writes only the three values.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "questions", sa.Column("source", sa.String(8), nullable=False, server_default="api")
    )


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("source")
