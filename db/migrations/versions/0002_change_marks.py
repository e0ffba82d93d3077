"""change marks, and the outbox by occurrence

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_mark")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_occurrence", ["occurrence_id", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_occurrence")
    op.drop_table("change_mark")
