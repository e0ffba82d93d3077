"""What a reminder says, read from the database (through the duty query) when it is sent.

Reading at send time (not at planning time) means a message shows the task's current title
and status, and lets the sender drop what no longer applies: a task answered "done", a unit
no longer assigned, a member who left, an event that has begun.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Member, Reminder, ReminderState, Status
from duties import query
from duties.model import Reminded


def reminder_contents(
    session: Session, rows: Sequence[Reminder], now: datetime
) -> dict[int, Reminded | str]:
    """For each task reminder: the duty it brings up, or why it is no longer sent."""
    infos = query.by_pair(
        session, [(r.occurrence_id, r.unit_id) for r in rows if r.occurrence_id and r.unit_id], now
    )
    member_ids = {r.member_id for r in rows if r.member_id is not None}
    active = set(
        session.scalars(select(Member.id).where(Member.id.in_(member_ids), Member.active.is_(True)))
    )
    out: dict[int, Reminded | str] = {}
    for row in rows:
        info = infos.get((row.occurrence_id or 0, row.unit_id or 0))
        if row.member_id is not None and row.member_id not in active:
            out[row.id] = "member inactive"
        elif info is None:
            out[row.id] = "no longer assigned"
        elif info.status == Status.DONE.value:
            out[row.id] = "done"
        elif row.kind.startswith("event") and info.starts_at is not None and info.starts_at <= now:
            out[row.id] = "event over"
        else:
            out[row.id] = Reminded(row.kind, str(row.payload.get("audience", "unit")), info)
    return out


def already_told(session: Session, rows: Sequence[Reminder]) -> set[tuple[int, int, int]]:
    """(occurrence, unit, member) of `rows` that were sent something about it before."""
    occurrence_ids = {r.occurrence_id for r in rows if r.occurrence_id is not None}
    if not occurrence_ids:
        return set()
    told = session.execute(
        select(Reminder.occurrence_id, Reminder.unit_id, Reminder.member_id)
        .where(
            Reminder.occurrence_id.in_(occurrence_ids),
            Reminder.state == ReminderState.SENT,
        )
        .distinct()
    )
    return {(o, u, m) for o, u, m in told if o is not None and u is not None and m is not None}
