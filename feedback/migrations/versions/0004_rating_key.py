"""The key that signs the chat's rating tokens, created with the database.

A token names a feedback row and is signed with this key over the row's id and content, so a
database that is reset (removed, or moved aside as damaged) has a new key and no old token
fits it; a restored file keeps its key, but a reused id holds other content.

Revision ID: 0004
Revises: 0003
Create Date: 2025-12-06
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    keys = op.create_table(
        "keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    op.bulk_insert(keys, [{"name": "rating_token", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("keys")
