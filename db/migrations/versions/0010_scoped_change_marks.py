"""change marks say what changed: a plan, a task, a unit (none: anything)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_mark", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("task_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_mark", schema=None) as batch_op:
        batch_op.drop_column("unit_id")
        batch_op.drop_column("task_id")
        batch_op.drop_column("plan_id")
