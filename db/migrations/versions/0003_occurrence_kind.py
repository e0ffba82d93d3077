"""the occurrence's kind, stored; answers indexed by duty

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index("ix_response_duty", ["occurrence_id", "unit_id", "id"], unique=False)
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="deadline", nullable=False)
        )
    # Existing rows: what the planner used to guess from the key and the task's timeline.
    occurrence = sa.table(
        "occurrence", sa.column("task_id", sa.Integer), sa.column("period_key", sa.String),
        sa.column("kind", sa.String),
    )  # fmt: skip
    task = sa.table("task", sa.column("id", sa.Integer), sa.column("timeline", sa.JSON))
    connection = op.get_bind()
    events = [
        task_id
        for task_id, timeline in connection.execute(sa.select(task.c.id, task.c.timeline))
        if isinstance(timeline, dict) and timeline.get("kind") == "event"
    ]
    checkins = occurrence.c.period_key.like("checkin-%")
    connection.execute(occurrence.update().where(checkins).values(kind="checkin"))
    for start in range(0, len(events), 500):
        connection.execute(
            occurrence.update()
            .where(occurrence.c.task_id.in_(events[start : start + 500]), ~checkins)
            .values(kind="event")
        )


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_duty")
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.drop_column("kind")
