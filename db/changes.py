"""Changes that planning must see, marked in the database so that any process sees them.

A plan applied from the command line in one process, a head linking through the bot in
another: the sender plans again at its next tick because it finds a new mark (or a new
answer: answers are an append-only table already, so they need no mark of their own).
Marks are written by a session hook, so no edge can forget one.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from db.models import (
    Assignment,
    ChangeMark,
    GroupChat,
    Member,
    NameMapping,
    Plan,
    Response,
    Task,
    Unit,
    UnitGroup,
    UnitStatus,
)

# What planning reads. Not Occurrence (planning writes it) nor the outbox, heartbeats or the
# audit log, which change on every tick.
WATCHED = (Plan, Task, Assignment, Unit, UnitGroup, Member, NameMapping, UnitStatus, GroupChat)


@event.listens_for(Session, "before_flush")
def _mark(session: Session, _context: Any, _instances: Any) -> None:
    changed = sorted({
        type(obj).__tablename__
        for obj in chain(session.new, session.deleted, session.dirty)
        if isinstance(obj, WATCHED) and (obj not in session.dirty or session.is_modified(obj))
    })  # fmt: skip
    if changed:
        session.add(ChangeMark(what=",".join(changed)[:64]))


def seen(session: Session) -> tuple[int, int]:
    """The newest mark and the newest answer: planning is due when either moved."""
    row = session.execute(
        select(select(func.max(ChangeMark.id)).scalar_subquery(),
               select(func.max(Response.id)).scalar_subquery())
    ).one()  # fmt: skip
    return int(row[0] or 0), int(row[1] or 0)


def prune(session: Session, up_to: int) -> None:
    """Forget the marks a planning pass has taken into account."""
    session.execute(delete(ChangeMark).where(ChangeMark.id < up_to))
