"""What a reminder or digest says, read from the database when it is sent.

Reading at send time (not at planning time) means a message shows the task's current title
and status, and lets the sender drop what no longer applies: a task answered "done", a unit
no longer assigned, a member who left, an event that has begun.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from db.assigned import with_assigned_units
from db.models import (
    Assignment,
    AssignmentRole,
    ChecklistAnswer,
    ChecklistItem,
    FormDefinition,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderState,
    Response,
    Status,
    Task,
    TaskKind,
    Unit,
    UnitStatus,
)


@dataclass(frozen=True)
class TaskInfo:
    """One unit's part in one occurrence, as a person reads it."""

    occurrence_id: int
    unit_id: int
    unit_name: str
    plan_number: str
    plan_title: str
    task_ref: str
    task_title: str
    task_kind: str
    role: str  # lead, coordinator
    period_key: str
    due_at: datetime  # aware UTC
    starts_at: datetime | None
    ends_at: datetime | None
    status: str
    late: bool = False
    checklist_total: int = 0
    checklist_done: int = 0
    has_form: bool = False
    explanation_requested: bool = False


# One round trip: what a card shows, its checklist progress and whether it has a form. Built
# once: constructing it took longer than running it (a button press reads one card).
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
# Columns, not entities: a card needs a few values, and building six ORM objects a row
# is most of the cost of a button press.
_TASK_INFO_QUERY = with_assigned_units(
    select(
        Occurrence.id,
        Unit.id,
        Unit.name,
        Unit.active,
        Plan.number,
        Plan.title,
        Task.ref,
        Task.title,
        Task.kind,
        Task.active,
        Assignment.role,
        Occurrence.period_key,
        Occurrence.due_at,
        Occurrence.starts_at,
        Occurrence.ends_at,
        UnitStatus.status,
        UnitStatus.late,
        UnitStatus.explanation_requested_at,
        _items,
        _ticked,
        _form,
    )
).where(
    Occurrence.id.in_(bindparam("occurrence_ids", expanding=True)),
    Assignment.unit_id.in_(bindparam("unit_ids", expanding=True)),
)


def task_infos(
    session: Session, pairs: Iterable[tuple[int, int]], only_active: bool = True
) -> dict[tuple[int, int], TaskInfo]:
    """TaskInfo for (occurrence, unit) pairs whose unit is (still) assigned to the task."""
    wanted = set(pairs)
    if not wanted:
        return {}
    occurrence_ids = sorted({o for o, _ in wanted})
    unit_ids = sorted({u for _, u in wanted})
    # Through the session's connection: a Core query in the same transaction, without the
    # ORM's per-statement work (it returns no entities).
    rows = (
        session.connection()
        .execute(_TASK_INFO_QUERY, {"occurrence_ids": occurrence_ids, "unit_ids": unit_ids})
        .all()
    )
    out = {}
    for (occurrence_id, unit_id, unit_name, unit_active, plan_number, plan_title, task_ref,
         task_title, task_kind, task_active, role, period_key, due_at, starts_at, ends_at,
         status, late, explanation_at, n_items, n_ticked, n_forms) in rows:  # fmt: skip
        key = (occurrence_id, unit_id)
        if key not in wanted or (only_active and not (task_active and unit_active)):
            continue
        out[key] = TaskInfo(
            occurrence_id=occurrence_id,
            unit_id=unit_id,
            unit_name=unit_name,
            plan_number=plan_number,
            plan_title=plan_title,
            task_ref=task_ref,
            task_title=task_title,
            task_kind=TaskKind(task_kind).value,
            role=AssignmentRole(role).value,
            period_key=period_key,
            due_at=due_at,
            starts_at=starts_at,
            ends_at=ends_at,
            status=Status(status).value if status is not None else Status.NOT_STARTED.value,
            late=bool(late),
            checklist_total=int(n_items or 0),
            checklist_done=int(n_ticked or 0),
            has_form=bool(n_forms),
            explanation_requested=explanation_at is not None,
        )
    return out


@dataclass(frozen=True)
class ReminderContent:
    kind: str
    audience: str
    info: TaskInfo


def reminder_contents(
    session: Session, rows: Sequence[Reminder], now: datetime
) -> dict[int, ReminderContent | str]:
    """For each task reminder: what it says, or why it is no longer sent."""
    infos = task_infos(
        session, [(r.occurrence_id, r.unit_id) for r in rows if r.occurrence_id and r.unit_id]
    )
    member_ids = {r.member_id for r in rows if r.member_id is not None}
    active = set(
        session.scalars(select(Member.id).where(Member.id.in_(member_ids), Member.active.is_(True)))
    )
    out: dict[int, ReminderContent | str] = {}
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
            out[row.id] = ReminderContent(row.kind, str(row.payload.get("audience", "unit")), info)
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


def open_tasks(
    session: Session, now: datetime, unit_ids: Iterable[int] | None = None, ahead_days: int = 30
) -> list[TaskInfo]:
    """Assignments not answered "done" and due from a year ago to `ahead_days` from now."""
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
    infos = task_infos(session, [(o, u) for o, u in session.execute(query)])
    events_over = [
        k for k, i in infos.items()
        if i.task_kind == TaskKind.EVENT.value and (i.ends_at or i.due_at) < now
    ]  # fmt: skip
    for key in events_over:
        del infos[key]
    return sorted(infos.values(), key=lambda i: (i.due_at, i.unit_name, i.task_ref))


@dataclass(frozen=True)
class OfficeDigest:
    day: date
    due_this_week: list[TaskInfo]
    overdue: list[TaskInfo]
    answered_today: int
    units_without_members: list[str]

    @property
    def empty(self) -> bool:
        """Nothing worth a morning message (no plan yet, or all quiet and staffed)."""
        return not (self.due_this_week or self.overdue or self.answered_today
                    or self.units_without_members)  # fmt: skip

    def fingerprint(self) -> str:
        """What the digest says, without what only the calendar changes ("late 5 days" the
        day after "late 4 days"): two digests with one fingerprint tell the office nothing new."""
        import hashlib

        facts = (
            sorted((t.occurrence_id, t.unit_id, t.status) for t in self.overdue),
            sorted((t.occurrence_id, t.unit_id, t.status) for t in self.due_this_week),
            self.answered_today,
            sorted(self.units_without_members),
        )
        return hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()[:16]


def office_digest(session: Session, now: datetime, tz: Any) -> OfficeDigest:
    today = now.astimezone(tz).date()
    week_end = datetime.combine(today + timedelta(days=6 - today.weekday()), time.max, tzinfo=tz)
    tasks = [t for t in open_tasks(session, now, ahead_days=7) if t.task_kind != "event"]
    midnight = datetime.combine(today, time.min, tzinfo=tz)
    answered = session.scalar(
        select(func.count(Response.id)).where(Response.created_at >= midnight)
    )
    staffed = set(
        session.scalars(
            select(Member.unit_id).where(Member.active.is_(True), Member.unit_id.is_not(None))
        )
    )
    # Only units that owe something now and that nobody hears for: a district office with
    # no task is no news, and would bury the schools that matter.
    lonely = sorted({t.unit_name for t in tasks if t.unit_id not in staffed})
    return OfficeDigest(
        day=today,
        due_this_week=[t for t in tasks if now <= t.due_at <= week_end],
        overdue=[t for t in tasks if t.due_at < now],
        answered_today=int(answered or 0),
        units_without_members=lonely,
    )
