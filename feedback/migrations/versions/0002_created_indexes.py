"""Indexes on `created`: retention deletes by it and the gap report filters by it.

Revision ID: 0002
Revises: 0001
Create Date: 2025-07-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_feedback_created", "feedback", ["created"])
    op.create_index("ix_questions_created", "questions", ["created"])


def downgrade() -> None:
    op.drop_index("ix_questions_created", "questions")
    op.drop_index("ix_feedback_created", "feedback")
