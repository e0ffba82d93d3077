"""Changes that planning must see, marked in the database so that any process sees them.

A plan applied from the command line in one process, a head linking through the bot in
another: the sender plans again at its next tick because it finds a new mark (or a new
answer: answers are an append-only table already, so they need no mark of their own).
Marks are written by a session hook, so no edge can forget one. Each says what the change
touches — a plan, a task, a unit — so that the next pass plans only that (`Scope`); a mark
that names none (the office's people, a name mapping) asks for everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from db.models import (
    Assignment,
    ChangeMark,
    GroupChat,
    Member,
    NameMapping,
    Plan,
    Response,
    Role,
    Task,
    Unit,
    UnitGroup,
    UnitStatus,
)

# What planning reads. Not Occurrence (planning writes it) nor the outbox, heartbeats or the
# audit log, which change on every tick.
WATCHED = (Plan, Task, Assignment, Unit, UnitGroup, Member, NameMapping, UnitStatus, GroupChat)


Mark = tuple[int | None, int | None, int | None]  # plan, task, unit; all None: everything
EVERYTHING: Mark = (None, None, None)


@dataclass(frozen=True)
class Scope:
    """What a planning pass plans: every unit's duties in these plans and tasks, and every
    duty of these units (and of the units under them, whose escalations reach their people)."""

    plans: frozenset[int] = frozenset()
    tasks: frozenset[int] = frozenset()
    units: frozenset[int] = frozenset()


def _former(obj: Any, attribute: str) -> list[Any]:
    """The values `attribute` had before this flush (a person moved to another unit)."""
    return [v for v in inspect(obj).attrs[attribute].history.deleted if v is not None]


def _marks(obj: Any) -> list[Mark]:
    if isinstance(obj, Plan):
        return [(obj.id, None, None)]
    if isinstance(obj, Task):
        return [(obj.plan_id, obj.id, None)]
    if isinstance(obj, Assignment):
        return [(None, obj.task_id, None)]
    if isinstance(obj, Unit):
        return [(None, None, obj.id)]
    if isinstance(obj, UnitGroup | UnitStatus):
        return [(None, None, obj.unit_id)]
    if isinstance(obj, Member):
        # The office's people are told of every unit's escalations: everything.
        if obj.unit_id is None or obj.role == Role.OFFICE or _former(obj, "role"):
            return [EVERYTHING]
        return [(None, None, unit) for unit in [obj.unit_id, *_former(obj, "unit_id")]]
    if isinstance(obj, GroupChat):
        if obj.unit_id is None or _former(obj, "unit_id"):
            return [EVERYTHING]  # the office's group, or a group moved between units
        return [(None, None, obj.unit_id)]
    return [EVERYTHING]  # a name mapping, or anything else planning reads


@event.listens_for(Session, "after_flush")
def _mark(session: Session, _context: Any) -> None:
    # After the flush, so that new rows have their ids; the lists and the attribute history
    # still show what the flush wrote.
    marks: dict[Mark, set[str]] = {}
    for obj in chain(session.new, session.deleted, session.dirty):
        if isinstance(obj, WATCHED) and (obj not in session.dirty or session.is_modified(obj)):
            for mark in _marks(obj):
                marks.setdefault(mark, set()).add(type(obj).__tablename__)
    if EVERYTHING in marks:
        marks = {EVERYTHING: set().union(*marks.values())}
    if marks:
        session.connection().execute(insert(ChangeMark), [
            {"what": ",".join(sorted(tables))[:64], "plan_id": plan_id, "task_id": task_id,
             "unit_id": unit_id}
            for (plan_id, task_id, unit_id), tables in marks.items()
        ])  # fmt: skip


def seen(session: Session) -> tuple[int, int]:
    """The newest mark and the newest answer: planning is due when either moved."""
    row = session.execute(
        select(select(func.max(ChangeMark.id)).scalar_subquery(),
               select(func.max(Response.id)).scalar_subquery())
    ).one()  # fmt: skip
    return int(row[0] or 0), int(row[1] or 0)


def scope_since(session: Session, seen_before: tuple[int, int]) -> Scope | None:
    """What changed after `seen_before` (a mark and an answer, as `seen` gives them): the
    scope to plan, or None when a change asks for everything."""
    plans: set[int] = set()
    tasks: set[int] = set()
    units: set[int] = set()
    for plan_id, task_id, unit_id in session.execute(
        select(ChangeMark.plan_id, ChangeMark.task_id, ChangeMark.unit_id)
        .where(ChangeMark.id > seen_before[0])
    ):  # fmt: skip
        if task_id is not None:
            tasks.add(task_id)
        elif plan_id is not None:
            plans.add(plan_id)
        elif unit_id is not None:
            units.add(unit_id)
        else:
            return None
    units.update(session.scalars(
        select(Response.unit_id).where(Response.id > seen_before[1]).distinct()
    ))  # fmt: skip
    return Scope(frozenset(plans), frozenset(tasks), frozenset(units))


def prune(session: Session, up_to: int) -> None:
    """Forget the marks a planning pass has taken into account."""
    session.execute(delete(ChangeMark).where(ChangeMark.id < up_to))
