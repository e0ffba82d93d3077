"""Saving what was read from a plan: one transaction, and a re-import updates in place.

A plan is found again by its number (or, without one, by the file's hash). Tasks are kept by
their reference, so occurrences, answers and files already collected stay attached; a task
that disappeared from the plan is deactivated, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Assignment,
    AssignmentRole,
    AuditLog,
    ChecklistItem,
    FormDefinition,
    Plan,
    PlanSection,
    ScopeClaim,
    Task,
    TaskKind,
)
from plans.forms import infer_groups
from plans.matching import Match, Registry
from plans.model import PlanDocument, Reading, TaskRow


@dataclass
class SaveResult:
    plan_id: int
    created: bool
    tasks_added: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    tasks_deactivated: int = 0
    assignments: int = 0
    unmatched: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    kind: str = "Kế hoạch"  # what the document is: Kế hoạch, Công văn, Thông báo…

    @property
    def message_key(self) -> str:
        """The catalog's sentence for what the import did."""
        if self.created:
            return "plan.created"
        if self.tasks_added or self.tasks_updated or self.tasks_deactivated:
            return "plan.updated"
        return "plan.unchanged"

    @property
    def counts(self) -> dict[str, int | str]:
        """The sentence's values: the counts, and the document's kind as the sentence says it."""
        return {"id": self.plan_id, "added": self.tasks_added, "updated": self.tasks_updated,
                "unchanged": self.tasks_unchanged, "deactivated": self.tasks_deactivated,
                "assignments": self.assignments, "kind": self.kind.lower(),
                "Kind": self.kind}  # fmt: skip


def _items(doc: PlanDocument) -> list[tuple[TaskKind, TaskRow]]:
    """The table's tasks, then the body's deadlines (D1…) and events (E1…) as tasks."""
    items = [(TaskKind.TASK, t) for t in doc.tasks]
    for i, deadline in enumerate(doc.deadlines, start=1):
        row = TaskRow(f"D{i}", "", deadline.sentence, deadline.applies_to, (), deadline.timeline)
        items.append((TaskKind.DEADLINE, row))
    for i, event in enumerate(doc.events, start=1):
        # Everyone the plan is sent to takes part in its event.
        row = TaskRow(f"E{i}", "", event.sentence, tuple(doc.recipients), (), event.timeline)
        items.append((TaskKind.EVENT, row))
    return items


def save_plan(
    session: Session, doc: PlanDocument, source_name: str, source_hash: str, today: date
) -> SaveResult:
    """Create or update the plan in the caller's transaction."""
    plan = None
    if doc.number:
        plan = session.scalar(select(Plan).where(Plan.number == doc.number))
    if plan is None:
        plan = session.scalar(select(Plan).where(Plan.source_hash == source_hash))
    created = plan is None
    if plan is None:
        plan = Plan(policy={}, details={})
        session.add(plan)
    plan.number, plan.issued_on, plan.issuer, plan.title = (
        doc.number, doc.issued_on, doc.issuer, doc.title
    )  # fmt: skip
    plan.source_name, plan.source_hash = source_name, source_hash
    # The day the plan's phrases were read against, so the scheduler reads them alike.
    plan.details = {
        "kind": doc.kind,
        "recipients": doc.recipients,
        "warnings": doc.warnings,
        "reference": (doc.reference(today)).isoformat(),
    }
    session.flush()

    # In place, by reference: replacing the collection would insert before it deletes.
    sections = {s.ref: s for s in plan.sections}
    for position, section in enumerate(doc.sections):
        row = sections.pop(section.ref, None)
        if row is None:
            plan.sections.append(
                PlanSection(ref=section.ref, title=section.title, position=position)
            )
        else:
            row.title, row.position = section.title, position
    for row in sections.values():
        plan.sections.remove(row)
    registry = Registry(session)
    existing = {t.ref: t for t in session.scalars(select(Task).where(Task.plan_id == plan.id))}
    result = SaveResult(plan_id=plan.id, created=created, kind=doc.kind)
    reference = doc.reference(today)
    seen: set[str] = set()
    for position, (kind, item) in enumerate(_items(doc)):
        task = existing.get(item.ref)
        before = _fingerprint(task) if task is not None else None
        if task is None:
            task = Task(plan_id=plan.id, ref=item.ref, policy={})
            session.add(task)
            result.tasks_added += 1
        seen.add(item.ref)
        task.kind, task.section_ref, task.title, task.position, task.active = (
            kind, item.section, item.title, position, True
        )  # fmt: skip
        task.lead_text, task.coordinators_text = "; ".join(item.lead), "; ".join(item.coordinators)
        task.timeline_text = item.timeline.text
        task.timeline = _with_reading(item.timeline.to_json(reference), task.timeline)
        policy = {k: v for k, v in (task.policy or {}).items() if k != "report_day"}
        task.policy = {**policy, "report_day": item.report_day} if item.report_day else policy
        session.flush()
        listed = _checklist(session, task, item.checklist)
        assigned, reassigned = _assign(session, task, item, registry, result)
        result.assignments += assigned
        if before is not None:
            # Sending the same plan again says so, rather than "3 tasks updated".
            if listed or reassigned or before != _fingerprint(task):
                result.tasks_updated += 1
            else:
                result.tasks_unchanged += 1
    for ref, task in existing.items():
        if ref not in seen and task.active:
            task.active = False
            result.tasks_deactivated += 1
    if doc.form is not None:
        _attach_form(session, plan.id, doc)
    session.add(
        AuditLog(action="plan_imported", detail={"plan_id": plan.id, "created": created,
                                                 "source": source_name})
    )  # fmt: skip
    session.flush()
    return result


def _with_reading(shown: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """The timeline as imported, keeping what the planner stored of its reading (`parsed`):
    it names the phrase and the days it was read with, so the planner itself tells whether
    it still holds; and the same plan sent again is then no change."""
    parsed = (before or {}).get("parsed")
    return {**shown, "parsed": parsed} if parsed is not None else shown


def _fingerprint(task: Task) -> tuple[object, ...]:
    return (task.kind, task.section_ref, task.title, task.position, task.active, task.lead_text,
            task.coordinators_text, task.timeline_text, task.timeline, task.policy)  # fmt: skip


def _assign(
    session: Session,
    task: Task,
    item: TaskRow,
    registry: Registry,
    result: SaveResult,
) -> tuple[int, bool]:
    """Assign the task's units; (how many, whether anything changed)."""
    wanted: dict[int, AssignmentRole] = {}
    for role, names in ((AssignmentRole.COORDINATOR, item.coordinators),
                        (AssignmentRole.LEAD, item.lead)):  # fmt: skip
        for match in registry.match_all(names):
            _note(match, result)
            for code in match.unit_codes:
                wanted[registry.ids_by_code[code]] = role  # lead wins: assigned last
    # A unit the office agreed the task is not for is not assigned it again by a re-import.
    for unit_id in session.scalars(
        select(ScopeClaim.unit_id).where(
            ScopeClaim.task_id == task.id, ScopeClaim.state == "confirmed"
        )
    ):
        wanted.pop(unit_id, None)
    current = {
        a.unit_id: a
        for a in session.scalars(select(Assignment).where(Assignment.task_id == task.id))
    }
    changed = False
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            session.delete(assignment)  # answers hang on occurrence and unit, not on this row
            changed = True
    for unit_id, role in wanted.items():
        if unit_id in current:
            changed = changed or current[unit_id].role != role
            current[unit_id].role = role
        else:
            session.add(Assignment(task_id=task.id, unit_id=unit_id, role=role))
            changed = True
    return len(wanted), changed


def _checklist(session: Session, task: Task, labels: tuple[str, ...]) -> bool:
    """Items are kept by their label, so ticks already given stay on an unchanged item.
    Whether anything changed."""
    current = {item.label: item for item in session.scalars(
        select(ChecklistItem).where(ChecklistItem.task_id == task.id))}  # fmt: skip
    changed = False
    for label, item in current.items():
        if label not in labels:
            session.delete(item)
            changed = True
    for position, label in enumerate(labels):
        item = current.get(label)
        if item is None:
            session.add(ChecklistItem(task_id=task.id, label=label, position=position))
            changed = True
        else:
            changed = changed or item.position != position
            item.position = position
    return changed


def _note(match: Match, result: SaveResult) -> None:
    if match.kind == "unmatched" and match.name not in result.unmatched:
        result.unmatched.append(match.name)
    elif match.kind == "external" and match.name not in result.external:
        result.external.append(match.name)


def _attach_form(session: Session, plan_id: int, doc: PlanDocument) -> None:
    """The appendix form goes with the deadline that asks for it ("theo phụ lục"), else the
    first deadline, else the plan's first task."""
    assert doc.form is not None
    refs = [
        f"D{i}" for i, d in enumerate(doc.deadlines, start=1) if "phụ lục" in d.sentence.lower()
    ]
    refs += [f"D{i}" for i in range(1, len(doc.deadlines) + 1)] + [t.ref for t in doc.tasks]
    if not refs:
        return
    task = session.scalar(select(Task).where(Task.plan_id == plan_id, Task.ref == refs[0]))
    if task is None:
        return
    # "Số lượng điểm cầu" then columns about each point: asked once per point.
    fields = infer_groups([(f.label, f.type) for f in doc.form.fields])
    form = session.scalar(select(FormDefinition).where(FormDefinition.task_id == task.id))
    if form is None:
        session.add(FormDefinition(task_id=task.id, title=doc.form.title, fields=fields))
    else:
        form.title, form.fields = doc.form.title, fields


class PlanNotFound(LookupError):
    pass


def find_plan(session: Session, ref: str) -> Plan:
    """A plan by its number ("496/KH-SGDĐT") or its id ("7" or "#7")."""
    ref = ref.strip()
    plan = session.scalar(select(Plan).where(Plan.number == ref))
    if plan is None and ref.lstrip("#").isdigit():
        plan = session.get(Plan, int(ref.lstrip("#")))
    if plan is None:
        raise PlanNotFound(f"No plan {ref!r}{_nearest(session, ref)} (see: nhacviec plan list)")
    return plan


def _nearest(session: Session, ref: str) -> str:
    """ "; did you mean 496/KH-SGDĐT?" for a number typed without its marks or with a slip."""
    import difflib

    from db.text import folded

    numbers = [n for n in session.scalars(select(Plan.number)) if n]
    by_key = {folded(n).replace(" ", ""): n for n in numbers}
    key = folded(ref).replace(" ", "")
    if key in by_key:
        return f"; did you mean {by_key[key]}?"
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.75)
    return f"; did you mean {by_key[close[0]]}?" if close else ""


def find_task(session: Session, plan: Plan, ref: str) -> Task:
    task = session.scalar(select(Task).where(Task.plan_id == plan.id, Task.ref == ref))
    if task is None:
        raise PlanNotFound(f"Plan {plan.number or plan.id} has no task {ref!r}")
    return task


def set_policy(
    session: Session, plan: Plan, task: Task | None, values: dict[str, str], now: Any
) -> dict[str, Any]:
    """Override reminder settings for a plan or one of its tasks; checked before saving.

    An empty value removes an override. Returns the owner's overrides after the change."""
    from timing.planner import Policy, PolicyError
    from timing.timeline import ReportDays, TimelineError, report_day_mapping

    owner: Plan | Task = task if task is not None else plan
    current = dict(owner.policy or {})
    known = set(Policy.__dataclass_fields__) | {"report_day"}
    for name, value in values.items():
        if name not in known:
            raise PolicyError(f"{name}: unknown setting (one of: {', '.join(sorted(known))})")
        if value == "":
            current.pop(name, None)
            continue
        if name == "report_day":
            try:
                ReportDays.from_mapping(report_day_mapping(value))
            except (TimelineError, ValueError):
                raise PolicyError(f"report_day: {value!r} is not a day (15/12 or 25)") from None
        else:
            Policy().overridden({name: value})  # raises PolicyError naming it
        current[name] = value
    owner.policy = current
    session.add(AuditLog(at=now, action="policy_changed",
                         detail={"plan_id": plan.id, "task": task.ref if task else None,
                                 "policy": current}))  # fmt: skip
    session.flush()
    return current


def set_timeline(session: Session, plan: Plan, task: Task, phrase: str, now: Any) -> Reading:
    """Correct a task's timeline (a typo in the plan): read like an imported phrase, against
    the plan's date; an unreadable phrase changes nothing."""
    from datetime import date as date_type

    reference = plan.issued_on or date_type.fromisoformat(
        (plan.details or {}).get("reference") or now.date().isoformat()
    )
    reading = Reading.of(phrase, reference)
    if reading.timeline is None:
        raise ValueError(reading.error)
    if reading.timeline.kind == "none":
        raise ValueError(f"{phrase!r} names no date, period or cycle")
    task.timeline_text = phrase
    task.timeline = _with_reading(reading.to_json(reference), task.timeline)
    detail = {"plan_id": plan.id, "task": task.ref, "timeline": phrase}
    session.add(AuditLog(at=now, action="timeline_changed", detail=detail))
    session.flush()
    return reading
