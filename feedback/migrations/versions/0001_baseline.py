"""The feedback and question tables as they were before the migrations.

A database made before Alembic (the CREATE TABLE IF NOT EXISTS of the first releases) already
has them: it is adopted as it is, rows included, and marked as being at this revision.

Revision ID: 0001
Revises:
Create Date: 2025-07-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "feedback" not in existing:
        op.create_table(
            "feedback",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("created", sa.String(32), nullable=False),
            sa.Column(
                "channel",
                sa.String(8),
                sa.CheckConstraint("channel IN ('api', 'ui')"),
                nullable=False,
            ),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("answer", sa.Text, nullable=False),
            sa.Column(
                "rating",
                sa.String(8),
                sa.CheckConstraint("rating IN ('up', 'down')"),
                nullable=False,
            ),
            sa.Column("reason", sa.Text),
            sa.Column("citations", sa.Text, nullable=False, server_default="[]"),
            sqlite_autoincrement=True,
        )
    if "questions" not in existing:
        op.create_table(
            "questions",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("created", sa.String(32), nullable=False),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("abstained", sa.Boolean, nullable=False),
            sqlite_autoincrement=True,
        )


def downgrade() -> None:
    op.drop_table("questions")
    op.drop_table("feedback")
