"""What the reports are made of besides the duties (`duties.query`): the answers, the forms,
the calendar entries, read from the database into plain rows (the thin edge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Assignment,
    Attachment,
    FormDefinition,
    FormSubmission,
    Member,
    Occurrence,
    Plan,
    Response,
    Task,
    TaskKind,
    Unit,
)
from duties import query
from duties.model import Duty


@dataclass(frozen=True)
class Answer:
    """One response, as the answers sheet lists it."""

    at: datetime
    task_ref: str
    period_key: str
    unit_code: str
    unit_name: str
    status: str
    late: bool
    note: str
    who: str
    files: str


@dataclass
class PlanReport:
    plan: Plan
    rows: list[Duty]
    answers: list[Answer] = field(default_factory=list)
    forms: list[FormSheet] = field(default_factory=list)


@dataclass(frozen=True)
class FormSheet:
    task_ref: str
    title: str
    fields: dict[str, Any]
    submissions: list[tuple[str, dict[str, Any], datetime | None]]  # unit name, answers, when


def answers(session: Session, plan_id: int) -> list[Answer]:
    files: dict[tuple[int, int], list[str]] = {}
    for occurrence_id, unit_id, name in session.execute(
        select(Attachment.occurrence_id, Attachment.unit_id, Attachment.file_name)
        .join(Occurrence, Occurrence.id == Attachment.occurrence_id)
        .join(Task, Task.id == Occurrence.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Attachment.id)
    ):
        files.setdefault((occurrence_id, unit_id), []).append(name)
    out = []
    for response, task_ref, period_key, unit, member_name in session.execute(
        select(Response, Task.ref, Occurrence.period_key, Unit, Member.full_name)
        .join(Occurrence, Occurrence.id == Response.occurrence_id)
        .join(Task, Task.id == Occurrence.task_id)
        .join(Unit, Unit.id == Response.unit_id)
        .outerjoin(Member, Member.id == Response.member_id)
        .where(Task.plan_id == plan_id)
        .order_by(Response.created_at, Response.id)
    ):
        out.append(
            Answer(
                at=response.created_at,
                task_ref=task_ref,
                period_key=period_key,
                unit_code=unit.code,
                unit_name=unit.name,
                status=response.status.value,
                late=response.late,
                note=response.note,
                who=member_name or "Văn phòng Sở",
                files="; ".join(files.get((response.occurrence_id, response.unit_id), [])),
            )
        )
    return out


def form_sheets(session: Session, plan_id: int) -> list[FormSheet]:
    out = []
    for definition, task in session.execute(
        select(FormDefinition, Task)
        .join(Task, Task.id == FormDefinition.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Task.position)
    ):
        submissions = [
            (unit_name, dict(submission.answers.get("final") or {}), submission.submitted_at)
            for submission, unit_name in session.execute(
                select(FormSubmission, Unit.name)
                .join(Unit, Unit.id == FormSubmission.unit_id)
                .where(FormSubmission.form_id == definition.id)
                .order_by(Unit.name)
            )
            if submission.answers.get("final") is not None
        ]
        out.append(FormSheet(task.ref, definition.title, definition.fields, submissions))
    return out


def plan_report(session: Session, plan: Plan, now: datetime) -> PlanReport:
    return PlanReport(
        plan=plan,
        rows=query.in_scope(session, now, plan_ids=[plan.id]),
        answers=answers(session, plan.id),
        forms=form_sheets(session, plan.id),
    )


def reference_date(plan: Plan) -> date | None:
    return plan.issued_on


def calendar_entries(
    session: Session, plan_ids: list[int] | None = None, unit_id: int | None = None
) -> list[Any]:
    """Every occurrence of active tasks (events included), with the units assigned."""
    from reports.calendar import Entry

    query = (
        select(Occurrence, Task, Plan)
        .join(Task, Occurrence.task_id == Task.id)
        .join(Plan, Task.plan_id == Plan.id)
        .where(Task.active.is_(True))
        .order_by(Occurrence.due_at)
    )
    if plan_ids is not None:
        query = query.where(Plan.id.in_(plan_ids))
    if unit_id is not None:
        query = query.where(
            Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id == unit_id))
        )
    found = session.execute(query).all()
    names: dict[int, list[str]] = {}
    for task_id, name in session.execute(
        select(Assignment.task_id, Unit.name)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.task_id.in_({t.id for _, t, _ in found}))
        .order_by(Unit.name)
    ):
        names.setdefault(task_id, []).append(name)
    entries = []
    for occurrence, task, plan in found:
        units = names.get(task.id, [])
        shown = ", ".join(units[:10]) + (
            f" và {len(units) - 10} đơn vị khác" if len(units) > 10 else ""
        )
        entries.append(
            Entry(occurrence.id, plan.number or f"#{plan.id}", task.ref, task.title,
                  "event" if task.kind == TaskKind.EVENT else "deadline", occurrence.due_at,
                  occurrence.starts_at, occurrence.ends_at, shown, occurrence.period_key)
        )  # fmt: skip
    return entries


def find_scope(session: Session, words: list[str]) -> tuple[list[int] | None, list[int] | None]:
    """What "/tonghop 496/KH-SGDĐT", "/tonghop D1", "/tonghop 496/KH-SGDĐT D1" point at:
    (plan ids, task ids); None means no restriction. LookupError names what was not found."""
    from plans.store import PlanNotFound, find_plan

    if not words:
        return None, None
    plan = None
    try:
        plan = find_plan(session, words[0])
        words = words[1:]
    except PlanNotFound:
        if len(words) > 1:
            raise LookupError(f"Không thấy kế hoạch {words[0]!r}") from None
    if not words:
        assert plan is not None
        return [plan.id], None
    query = select(Task).where(Task.ref == words[0], Task.active.is_(True))
    if plan is not None:
        query = query.where(Task.plan_id == plan.id)
    tasks = session.scalars(query.order_by(Task.plan_id.desc())).all()
    if not tasks:
        raise LookupError(f"Không thấy nhiệm vụ {words[0]!r}")
    latest = tasks[0]  # the most recent plan that has this reference
    return [latest.plan_id], [latest.id]
