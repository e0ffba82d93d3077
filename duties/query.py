"""The one query: duties read from the database into `Duty` values at a given `now`.

Every edge asks here — a card for a button press (`by_pair`), a report or the office's
commands (`in_scope`), the reminders still open (`open_duties`), the morning digest
(`office_digest`) — so each reads the same columns and the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from db.assigned import with_assigned_units
from db.models import (
    Assignment,
    AssignmentRole,
    ChecklistAnswer,
    ChecklistItem,
    FormDefinition,
    GroupChat,
    Member,
    Occurrence,
    Plan,
    Response,
    Status,
    Task,
    TaskKind,
    Unit,
    UnitStatus,
)
from duties.model import Duty, OfficeDigest
from duties.rules import Category, standing

_items = (
    select(func.count(ChecklistItem.id))
    .where(ChecklistItem.task_id == Task.id)
    .correlate(Task)
    .scalar_subquery()
)
_ticked = (
    select(func.count(ChecklistAnswer.id))
    .where(
        ChecklistAnswer.occurrence_id == Occurrence.id,
        ChecklistAnswer.unit_id == Unit.id,
        ChecklistAnswer.checked.is_(True),
    )
    .correlate(Occurrence, Unit)
    .scalar_subquery()
)
_form = (
    select(func.count(FormDefinition.id))
    .where(FormDefinition.task_id == Task.id)
    .correlate(Task)
    .scalar_subquery()
)
_note = (
    select(Response.note)
    .where(
        Response.occurrence_id == Occurrence.id,
        Response.unit_id == Unit.id,
        Response.note != "",
    )
    .order_by(Response.id.desc())
    .limit(1)
    .correlate(Occurrence, Unit)
    .scalar_subquery()
)
# Columns, not entities: a card needs a few values, and building six ORM objects a row
# is most of the cost of a button press.
_COLUMNS: Select[Any] = with_assigned_units(
    select(
        Occurrence.id, Unit.id, Unit.code, Unit.name, Unit.district, Unit.active,
        Plan.id, Plan.number, Plan.title,
        Task.id, Task.ref, Task.title, Task.position, Task.kind, Task.active,
        Assignment.role, Occurrence.period_key, Occurrence.due_at, Occurrence.starts_at,
        Occurrence.ends_at, UnitStatus.status, UnitStatus.late, UnitStatus.updated_at,
        UnitStatus.last_response_id, UnitStatus.explanation,
        UnitStatus.explanation_requested_at, _items, _ticked, _form, _note,
    )
)  # fmt: skip
# Built once: constructing it took longer than running it (a button press reads one card).
_BY_PAIR = _COLUMNS.where(
    Occurrence.id.in_(bindparam("occurrence_ids", expanding=True)),
    Assignment.unit_id.in_(bindparam("unit_ids", expanding=True)),
)


def _duty(row: Sequence[Any], now: datetime) -> tuple[Duty, bool]:
    """A row of `_COLUMNS` as a Duty, and whether its task and unit are both active."""
    (occurrence_id, unit_id, unit_code, unit_name, district, unit_active, plan_id, plan_number,
     plan_title, task_id, task_ref, task_title, position, kind, task_active, role, period_key,
     due_at, starts_at, ends_at, status, late, updated_at, last_response_id, explanation,
     explanation_at, n_items, n_ticked, n_forms, note) = row  # fmt: skip
    status = Status(status).value if status is not None else Status.NOT_STARTED.value
    late = bool(late)
    category, overdue = standing(status, late, due_at, now)
    duty = Duty(
        occurrence_id=occurrence_id,
        unit_id=unit_id,
        unit_code=unit_code,
        unit_name=unit_name,
        unit_district=district or "",
        plan_id=plan_id,
        plan_number=plan_number or "",
        plan_title=plan_title,
        task_id=task_id,
        task_ref=task_ref,
        task_title=task_title,
        task_position=position,
        task_kind=TaskKind(kind).value,
        role=AssignmentRole(role).value,
        period_key=period_key,
        due_at=due_at,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        late=late,
        answered_at=updated_at if last_response_id else None,
        note=note or "",
        explanation=explanation or "",
        explanation_requested=explanation_at is not None,
        checklist_total=int(n_items or 0),
        checklist_done=int(n_ticked or 0),
        has_form=bool(n_forms),
        category=category,
        overdue=overdue,
    )
    return duty, bool(task_active and unit_active)


def by_pair(
    session: Session, pairs: Iterable[tuple[int, int]], now: datetime, only_active: bool = True
) -> dict[tuple[int, int], Duty]:
    """The duties of (occurrence, unit) pairs whose unit is (still) assigned to the task."""
    wanted = set(pairs)
    if not wanted:
        return {}
    params = {
        "occurrence_ids": sorted({o for o, _ in wanted}),
        "unit_ids": sorted({u for _, u in wanted}),
    }
    # Through the session's connection: a Core query in the same transaction, without the
    # ORM's per-statement work (it returns no entities).
    out = {}
    for row in session.connection().execute(_BY_PAIR, params):
        duty, active = _duty(row, now)
        if duty.key in wanted and (active or not only_active):
            out[duty.key] = duty
    return out


def one(session: Session, occurrence_id: int, unit_id: int, now: datetime) -> Duty | None:
    return by_pair(session, [(occurrence_id, unit_id)], now).get((occurrence_id, unit_id))


def in_scope(
    session: Session,
    now: datetime,
    plan_ids: list[int] | None = None,
    task_ids: list[int] | None = None,
    unit_ids: list[int] | None = None,
    occurrence_ids: list[int] | None = None,
) -> list[Duty]:
    """Every duty of active tasks and units in scope, events aside (nothing to answer),
    in the order the reports list them."""
    query = _COLUMNS.where(
        Task.active.is_(True), Unit.active.is_(True), Task.kind != TaskKind.EVENT
    )
    if plan_ids is not None:
        query = query.where(Plan.id.in_(plan_ids))
    if task_ids is not None:
        query = query.where(Task.id.in_(task_ids))
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    if occurrence_ids is not None:
        query = query.where(Occurrence.id.in_(occurrence_ids))
    out = [_duty(row, now)[0] for row in session.connection().execute(query)]
    out.sort(key=lambda d: (d.plan_id, d.task_position, d.due_at, d.unit_name))
    return out


def open_duties(
    session: Session, now: datetime, unit_ids: Iterable[int] | None = None, ahead_days: int = 30
) -> list[Duty]:
    """Duties not answered "done" and due from a year ago to `ahead_days` from now; an event
    that is over is no longer open."""
    query = (
        select(Occurrence.id, Assignment.unit_id)
        .join(Task, Occurrence.task_id == Task.id)
        .join(Assignment, Assignment.task_id == Task.id)
        .outerjoin(
            UnitStatus,
            and_(
                UnitStatus.occurrence_id == Occurrence.id,
                UnitStatus.unit_id == Assignment.unit_id,
            ),
        )
        .where(
            Task.active.is_(True),
            Occurrence.due_at <= now + timedelta(days=ahead_days),
            Occurrence.due_at >= now - timedelta(days=366),
            (UnitStatus.status.is_(None)) | (UnitStatus.status != Status.DONE),
        )
    )
    if unit_ids is not None:
        query = query.where(Assignment.unit_id.in_(list(unit_ids)))
    found = by_pair(session, [(o, u) for o, u in session.execute(query)], now)
    still = [
        d for d in found.values()
        if not (d.task_kind == TaskKind.EVENT.value and (d.ends_at or d.due_at) < now)
    ]  # fmt: skip
    return sorted(still, key=lambda d: (d.due_at, d.unit_name, d.task_ref))


def office_digest(session: Session, now: datetime, tz: Any) -> OfficeDigest:
    today = now.astimezone(tz).date()
    week_end = datetime.combine(today + timedelta(days=6 - today.weekday()), time.max, tzinfo=tz)
    duties = [d for d in open_duties(session, now, ahead_days=7) if d.task_kind != "event"]
    midnight = datetime.combine(today, time.min, tzinfo=tz)
    answered = session.scalar(
        select(func.count(Response.id)).where(Response.created_at >= midnight)
    )
    staffed = set(
        session.scalars(
            select(Member.unit_id).where(Member.active.is_(True), Member.unit_id.is_not(None))
        )
    ) | set(
        session.scalars(  # a unit heard through its linked group is not alone either
            select(GroupChat.unit_id).where(GroupChat.active.is_(True),
                                            GroupChat.unit_id.is_not(None))
        )
    )  # fmt: skip
    # Only units that owe something now and that nobody hears for: a district office with
    # no task is no news, and would bury the schools that matter.
    lonely = sorted({d.unit_name for d in duties if d.unit_id not in staffed})
    return OfficeDigest(
        day=today,
        due_this_week=[d for d in duties if now <= d.due_at <= week_end],
        overdue=[d for d in duties if d.overdue],
        answered_today=int(answered or 0),
        units_without_members=lonely,
    )


def silent(session: Session, occurrence_id: int, now: datetime) -> list[Duty]:
    """The duties of one occurrence whose unit has not reported: whom a nudge is for."""
    task_id = session.scalar(select(Occurrence.task_id).where(Occurrence.id == occurrence_id))
    if task_id is None:
        return []
    return [
        d for d in in_scope(session, now, task_ids=[task_id])
        if d.occurrence_id == occurrence_id and d.category == Category.NOT_REPORTED
    ]  # fmt: skip


def history(session: Session, unit_id: int, limit: int = 15) -> list[tuple[Response, str, str]]:
    """A unit's latest answers, newest first: (the answer, its task's ref, who gave it)."""
    rows = session.execute(
        select(Response, Task.ref, Member.full_name)
        .join(Occurrence, Occurrence.id == Response.occurrence_id)
        .join(Task, Task.id == Occurrence.task_id)
        .outerjoin(Member, Member.id == Response.member_id)
        .where(Response.unit_id == unit_id)
        .order_by(Response.id.desc())
        .limit(limit)
    ).all()
    return [(response, ref, name or "") for response, ref, name in rows]
