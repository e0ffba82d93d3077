"""Occurrences with the units assigned to them: the join a card and a report both start from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_

from db.models import Assignment, Occurrence, Plan, Task, Unit, UnitStatus


def with_assigned_units(query: Select[Any]) -> Select[Any]:
    """Occurrence → its task and plan → each assigned unit, and that unit's current status
    when it has one (an outer join: a unit that has not answered has none)."""
    return (
        query.join(Task, Occurrence.task_id == Task.id)
        .join(Plan, Task.plan_id == Plan.id)
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(
            UnitStatus,
            and_(UnitStatus.occurrence_id == Occurrence.id, UnitStatus.unit_id == Unit.id),
        )
    )
