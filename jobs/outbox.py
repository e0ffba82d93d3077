"""The outbox in the database: occurrences rolled forward, reminders stored under their
idempotency key, claimed by one sender at a time, and what became of each.

Thin: the decisions are made by the pure planners (jobs/occurrences.py, jobs/schedule.py);
this module reads their inputs from the database and writes their outputs back.

Delivery bound: a reminder is marked "sending" before its request and "sent" right after
Telegram answers. If the process dies in between, the next sender puts it back to pending
and sends it again, so a reminder is never lost and is sent twice at most once per crash
that catches it in flight.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from config import Settings
from db.changes import Scope
from db.models import (
    Assignment,
    AssignmentRole,
    AuditLog,
    GroupChat,
    Heartbeat,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderState,
    Role,
    ScopeClaim,
    Snooze,
    Task,
    Unit,
    UnitStatus,
)
from db.session import upsert_insert
from jobs.occurrences import Period, periods
from jobs.schedule import Decision, Outgoing, Recipient, Target, digests, plan, reconcile
from timing.planner import Policy, PolicyError
from timing.timeline import ReportDays, Timeline, TimelineError, parse_timeline, report_day_mapping
from timing.workcalendar import WorkCalendar

log = logging.getLogger(__name__)

HORIZON = timedelta(hours=12)  # how far ahead reminders are written to the outbox
LOOKBACK = timedelta(days=14)  # how far back a missed reminder is still caught up
OCCURRENCE_LOOKBACK_DAYS = 366
MAX_ATTEMPTS = 6
BACKOFF = (30, 120, 600, 1800, 7200)  # seconds before attempt 2, 3, …
PLANNED = "planned"  # the heartbeat saying how far the last planning pass looked ahead
TASKS_AT_ONCE = 8  # a whole pass plans this many tasks at a time (see `sync`)


# ---- reading a task's timeline and policy ------------------------------------------------


def base_policy(settings: Settings) -> Policy:
    return Policy().overridden(dict(settings.reminder_policy))


def task_policy(base: Policy, plan: Plan, task: Task) -> Policy:
    """The global policy, then the plan's, then the task's; a bad override is logged and
    ignored rather than silencing the task's reminders."""
    policy = base
    for owner, values in (("plan", plan.policy), ("task", task.policy)):
        try:
            policy = policy.overridden(values or {})
        except PolicyError as error:
            log.warning("ignoring %s %s policy: %s", owner, plan.id, error)
    return policy


def reference_day(plan: Plan, tz: Any) -> date:
    """The day a plan's phrases are read against: its own date, else the day it was imported."""
    stored = (plan.details or {}).get("reference")
    if plan.issued_on is None and stored:
        return date.fromisoformat(stored)
    return plan.issued_on or plan.imported_at.astimezone(tz).date()


def task_timeline(
    settings: Settings, plan: Plan, task: Task
) -> tuple[Timeline | None, dict[str, Any] | None]:
    """The task's timeline as the planner reads it: the reading stored in `task.timeline`
    (`parsed`) when it was made from the same phrase, reference day and report days; else
    the phrase read afresh, with what to store of it (None when nothing changed)."""
    days: dict[str, Any] = dict(settings.report_days)
    days.update((plan.policy or {}).get("report_days") or {})
    days.update(report_day_mapping(str((task.policy or {}).get("report_day") or "")))
    reference = reference_day(plan, settings.timezone)
    inputs = {"text": task.timeline_text, "reference": reference.isoformat(),
              "report_days": {k: str(v) for k, v in sorted(days.items())}}  # fmt: skip
    stored = (task.timeline or {}).get("parsed")
    if isinstance(stored, dict) and stored.get("inputs") == inputs:
        if stored.get("timeline") is None:
            return None, None  # read before, and unreadable
        try:
            return Timeline.from_data(stored["timeline"]), None
        except ValueError:
            pass  # stored by another version: read afresh below
    try:
        report_days = ReportDays.from_mapping(days) if days else None
        timeline = parse_timeline(task.timeline_text, reference, report_days)
    except (TimelineError, ValueError):
        timeline = None  # flagged at import and in `schedule preview`; nothing to schedule
    return timeline, {"inputs": inputs,
                      "timeline": None if timeline is None else timeline.to_data()}  # fmt: skip


# ---- occurrences -------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskReading:
    """An active task with its timeline read and its policy resolved: once per planning pass."""

    task: Task
    plan: Plan
    timeline: Timeline | None
    policy: Policy


def resolved_policy(
    base: Policy, settings: Settings, plan: Plan, task: Task
) -> tuple[Policy, dict[str, Any] | None]:
    """The task's policy: the one stored in `task.timeline` (`parsed`) when it was resolved
    from the same settings and overrides; else resolved again, with what to store."""
    inputs = {"settings": {k: str(v) for k, v in sorted(dict(settings.reminder_policy).items())},
              "plan": plan.policy or {}, "task": task.policy or {}}  # fmt: skip
    stored = (task.timeline or {}).get("parsed") or {}
    if stored.get("policy_inputs") == inputs:
        try:
            return Policy.from_data(stored["policy"]), None
        except (KeyError, PolicyError):
            pass  # stored by another version: resolved again below
    policy = task_policy(base, plan, task)
    return policy, {"policy_inputs": inputs, "policy": policy.to_data()}


def read_tasks(
    session: Session, settings: Settings, scope: Scope | None = None
) -> dict[int, TaskReading]:
    """Every active task's timeline and policy (only the scope's: its plans, its tasks, and
    the tasks of its units), from what earlier passes stored where it still holds; what had
    to be read or resolved again is stored for the next pass."""
    base = base_policy(settings)
    readings, fresh = {}, []
    query = select(Task, Plan).join(Plan).where(Task.active.is_(True))
    if scope is not None:
        query = query.where(or_(
            Task.plan_id.in_(scope.plans),
            Task.id.in_(scope.tasks),
            Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id.in_(scope.units))),
        ))  # fmt: skip
    for task, plan_row in session.execute(query):
        timeline, read = task_timeline(settings, plan_row, task)
        policy, resolved = resolved_policy(base, settings, plan_row, task)
        if read is not None or resolved is not None:
            parsed = dict((task.timeline or {}).get("parsed") or {})
            parsed.update(read or {})
            parsed.update(resolved or {})
            fresh.append({"task_id": task.id, "timeline": {**(task.timeline or {}),
                                                           "parsed": parsed}})  # fmt: skip
        readings[task.id] = TaskReading(task, plan_row, timeline, policy)
    # Kept through Core, not the ORM: a stored reading is not a change that asks for another
    # planning pass (the session hook marks ORM changes only).
    if fresh:
        session.connection().execute(
            update(Task.__table__)
            .where(Task.__table__.c.id == bindparam("task_id"))
            .values(timeline=bindparam("timeline")),
            fresh,
        )
    return readings


def roll_forward(
    session: Session,
    settings: Settings,
    now: datetime,
    ahead: timedelta = timedelta(0),
    readings: dict[int, TaskReading] | None = None,
) -> int:
    """Create (or move) the occurrences due from a year back to just beyond the ladder."""
    tz = settings.timezone
    today = now.astimezone(tz).date()
    readings = read_tasks(session, settings) if readings is None else readings
    stored = {
        (o.task_id, o.period_key): o
        for o in session.scalars(select(Occurrence).where(Occurrence.task_id.in_(list(readings))))
    }
    added = 0
    for reading in readings.values():
        task, plan_row, timeline, policy = (
            reading.task, reading.plan, reading.timeline, reading.policy
        )  # fmt: skip
        if timeline is None:
            continue
        since = today - timedelta(days=OCCURRENCE_LOOKBACK_DAYS)
        if timeline.kind in ("recurring", "continuous"):
            # No cycles, and no check-ins on ongoing work, from before the plan.
            since = max(since, reference_day(plan_row, tz))
        until = today + timedelta(days=max(policy.before_days) + 2) + ahead
        for period in periods(timeline, tz, since, until, policy.checkin_months):
            row = stored.get((task.id, period.key))
            if row is None:
                row = Occurrence(task_id=task.id, period_key=period.key, due_at=period.due_at)
                session.add(row)
                stored[(task.id, period.key)] = row
                added += 1
            row.kind = period.kind
            # A re-imported plan may have moved the deadline.
            row.due_at, row.starts_at, row.ends_at = (
                period.due_at, period.starts_at, period.ends_at
            )  # fmt: skip
    session.flush()
    return added


# ---- who is reminded of what -------------------------------------------------------------


@dataclass
class Snapshot:
    """What planning needs, read in a handful of queries."""

    targets: list[Target]
    event_starts: dict[int, datetime]
    office: list[Recipient]
    heads: list[tuple[int, Recipient]]


@dataclass
class Registry:
    """Who is told: read once per pass, whatever the number of duties planned with it."""

    parents: dict[int, int | None]  # each active unit: the unit above it
    people: dict[int, list[Recipient]]
    heads: list[tuple[int, Recipient]]
    office: list[Recipient]
    claimed: set[tuple[int, int]]  # (task, unit) said to be out of its scope
    snoozes: dict[tuple[int, int], datetime]


@dataclass
class Duties:
    """The duties of some tasks: their targets, made one at a time as the planner takes
    them (a province's year need not sit in memory), and the events' start times."""

    targets: Iterator[Target]
    event_starts: dict[int, datetime]


def office_recipients(session: Session, settings: Settings) -> list[Recipient]:
    members = {
        m.telegram_user_id: m
        for m in session.scalars(
            select(Member).where(
                Member.active.is_(True),
                or_(Member.role == Role.OFFICE,
                    Member.telegram_user_id.in_(settings.office_admins)),
            ).order_by(Member.id)
        )
    }  # fmt: skip
    out = [Recipient(m.chat_id, m.id) for m in members.values()]
    out += [Recipient(uid) for uid in sorted(settings.office_admins) if uid not in members]
    return out + [g for unit_id, g in linked_groups(session) if unit_id is None]


def linked_groups(
    session: Session, unit_id: int | None = None
) -> list[tuple[int | None, Recipient]]:
    """Each active linked group with its unit (None: the office's group); only `unit_id`'s
    when given."""
    query = select(GroupChat.id, GroupChat.chat_id, GroupChat.unit_id).where(
        GroupChat.active.is_(True)
    )
    if unit_id is not None:
        query = query.where(GroupChat.unit_id == unit_id)
    return [
        (unit, Recipient(chat_id, group_id=group_id))
        for group_id, chat_id, unit in session.execute(query.order_by(GroupChat.id))
    ]


def read_registry(session: Session, settings: Settings, now: datetime) -> Registry:
    parents: dict[int, int | None] = {
        unit_id: parent_id
        for unit_id, parent_id in session.execute(
            select(Unit.id, Unit.parent_id).where(Unit.active.is_(True))
        )
    }
    people: dict[int, list[Recipient]] = defaultdict(list)
    heads: list[tuple[int, Recipient]] = []
    for member_id, unit_id, chat_id, role in session.execute(
        select(Member.id, Member.unit_id, Member.chat_id, Member.role)
        .where(Member.active.is_(True), Member.unit_id.is_not(None))
        .order_by(Member.id)
    ):  # fmt: skip
        people[unit_id].append(Recipient(chat_id, member_id))
        if role == Role.HEAD and unit_id in parents:
            heads.append((unit_id, Recipient(chat_id, member_id)))
    # A unit's group is told what its people are (the heads' weekly digest stays personal).
    for unit_id, group in linked_groups(session):
        if unit_id is not None:
            people[unit_id].append(group)
    # "Không thuộc phạm vi": not reminded while the office decides (nor after it agrees).
    claimed = {
        (task_id, unit_id)
        for task_id, unit_id in session.execute(
            select(ScopeClaim.task_id, ScopeClaim.unit_id).where(ScopeClaim.state != "rejected")
        )
    }
    snoozes = {
        (s.occurrence_id, s.unit_id): s.until
        for s in session.scalars(select(Snooze).where(Snooze.until > now - LOOKBACK))
    }
    office = office_recipients(session, settings)
    return Registry(parents, people, heads, office, claimed, snoozes)


def read_duties(
    session: Session,
    settings: Settings,
    now: datetime,
    readings: dict[int, TaskReading],
    registry: Registry,
    ahead: timedelta = timedelta(0),
    scope: Scope | None = None,
) -> Duties:
    """The duties of the tasks in `readings`; with a scope (its units already widened to the
    units under them), only those it names."""
    calendar_tz = settings.timezone
    occurrences = session.execute(
        select(Occurrence.id, Occurrence.task_id, Occurrence.period_key, Occurrence.kind,
               Occurrence.due_at, Occurrence.starts_at, Occurrence.ends_at)
        .where(
            Occurrence.task_id.in_(list(readings)),
            Occurrence.due_at >= now - timedelta(days=OCCURRENCE_LOOKBACK_DAYS),
            Occurrence.due_at <= now + timedelta(days=90) + ahead,
        )
        .order_by(Occurrence.id)
    ).all()  # fmt: skip
    query = select(Assignment.task_id, Assignment.unit_id, Assignment.role).where(
        Assignment.task_id.in_({o[1] for o in occurrences})
    )
    if scope is not None:
        # Every unit of the scope's plans and tasks; of other tasks, only the scope's units
        # (a unit's change reads its own assignments, not the task's thousands).
        whole = {task_id for task_id, reading in readings.items()
                 if task_id in scope.tasks or reading.plan.id in scope.plans}  # fmt: skip
        query = query.where(or_(Assignment.task_id.in_(whole), Assignment.unit_id.in_(scope.units)))
    assignments: dict[int, list[tuple[int, AssignmentRole]]] = defaultdict(list)
    for task_id, unit_id, role in session.execute(query.order_by(Assignment.id)):
        assignments[task_id].append((unit_id, role))
    ids = [o[0] for o in occurrences]
    statuses = {(occurrence_id, unit_id): status.value
                for occurrence_id, unit_id, status in _chunked_statuses(session, ids)}  # fmt: skip
    event_starts: dict[int, datetime] = {}
    periods_of: list[tuple[int, int, Period]] = []
    for occurrence_id, task_id, key, kind, due_at, starts_at, ends_at in occurrences:
        if readings[task_id].timeline is None:
            continue
        period = Period(key, kind, due_at.astimezone(calendar_tz).date(), due_at, starts_at,
                        ends_at)  # type: ignore[arg-type]  # fmt: skip
        if starts_at is not None and period.kind == "event":
            event_starts[occurrence_id] = starts_at
        periods_of.append((occurrence_id, task_id, period))

    def targets() -> Iterator[Target]:
        people, parents = registry.people, registry.parents
        office = tuple(registry.office)
        for occurrence_id, task_id, period in periods_of:
            policy = readings[task_id].policy
            for unit_id, role in assignments.get(task_id, ()):
                if unit_id not in parents or (task_id, unit_id) in registry.claimed:
                    continue
                parent_id = parents[unit_id]
                yield Target(
                    occurrence_id=occurrence_id,
                    unit_id=unit_id,
                    lead=role == AssignmentRole.LEAD,
                    period=period,
                    status=statuses.get((occurrence_id, unit_id), "not_started"),
                    members=tuple(people.get(unit_id, ())),
                    escalate_to=office,
                    parents=tuple(people.get(parent_id, ())) if parent_id else (),
                    policy=policy,
                    snoozed_until=registry.snoozes.get((occurrence_id, unit_id)),
                )

    return Duties(targets(), event_starts)


def snapshot(
    session: Session,
    settings: Settings,
    now: datetime,
    ahead: timedelta = timedelta(0),
    readings: dict[int, TaskReading] | None = None,
) -> Snapshot:
    """Everything planning reads, at once (for previews and tests; a pass streams it)."""
    readings = read_tasks(session, settings) if readings is None else readings
    registry = read_registry(session, settings, now)
    duties = read_duties(session, settings, now, readings, registry, ahead)
    return Snapshot(list(duties.targets), duties.event_starts, registry.office, registry.heads)


def _chunked_statuses(session: Session, ids: Sequence[int]) -> Iterable[tuple[int, int, Any]]:
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        yield from session.execute(
            select(UnitStatus.occurrence_id, UnitStatus.unit_id, UnitStatus.status).where(
                UnitStatus.occurrence_id.in_(chunk)
            )
        )


# ---- the outbox --------------------------------------------------------------------------


@dataclass
class SyncResult:
    occurrences_added: int = 0
    planned: int = 0
    added: int = 0
    caught_up: int = 0  # due while the bot was down
    late: int = 0  # due before what they are about arrived
    skipped: int = 0


def widened(session: Session, settings: Settings, scope: Scope) -> Scope | None:
    """The scope with the units under its units (their escalations reach the people of the
    units above), or None — everything — when one of its units holds an office admin, who
    is told of every unit's escalations."""
    units = set(scope.units)
    if units and settings.office_admins and session.scalar(
        select(Member.id).where(Member.unit_id.in_(units),
                                Member.telegram_user_id.in_(settings.office_admins)).limit(1)
    ):  # fmt: skip
        return None
    units.update(session.scalars(select(Unit.id).where(Unit.parent_id.in_(scope.units))))
    return Scope(scope.plans, scope.tasks, frozenset(units))


@dataclass
class Pass:
    """A planning pass's fixed inputs — its moment, its window, who is told — and its tally.
    Its parts (a few tasks each, then the digests) may be planned in several transactions,
    and on PostgreSQL by several processes (`jobs/rounds.py`)."""

    settings: Settings
    calendar: WorkCalendar
    now: datetime
    registry: Registry
    planned_until: datetime | None  # how far the last whole pass looked ahead
    result: SyncResult = field(default_factory=SyncResult)

    @classmethod
    def start(
        cls,
        session: Session,
        settings: Settings,
        now: datetime,
        calendar: WorkCalendar,
        result: SyncResult | None = None,
    ) -> Pass:
        """`result`: a tally to add to (a round's parts planned in several transactions)."""
        last = session.get(Heartbeat, PLANNED)
        until = _moment((last.detail or {}).get("until")) if last is not None else None
        registry = read_registry(session, settings, now)
        return cls(settings, calendar, now, registry, until,
                   result if result is not None else SyncResult())  # fmt: skip

    def _add(
        self, session: Session, planned: list[Outgoing], event_starts: dict[int, datetime]
    ) -> None:
        result = self.result
        result.planned += len(planned)
        existing = stored_send_times(session, [item.key for item in planned])
        decisions = reconcile(planned, existing, self.now, self.calendar,
                              event_starts=event_starts,
                              planned_until=self.planned_until)  # fmt: skip
        rows = []
        for decision in decisions:
            rows.append(_row(decision))
            if decision.state == "skipped":
                result.skipped += 1
            elif decision.reason == "catch-up":
                result.caught_up += 1
            elif decision.reason == "late":
                result.late += 1
            result.added += decision.state == "pending"
        insert_reminders(session, rows)

    def tasks(
        self, session: Session, readings: dict[int, TaskReading], scope: Scope | None = None
    ) -> None:
        """Plan these tasks' duties (a scope's only), TASKS_AT_ONCE at a time: what a pass
        holds is bounded by the largest few tasks, not by the registry. A duty's messages
        depend on nothing outside its task, so this adds the rows one go over all would."""
        since, until = self.now - LOOKBACK, self.now + HORIZON
        ids = list(readings)
        for start in range(0, len(ids), TASKS_AT_ONCE):
            some = {task_id: readings[task_id] for task_id in ids[start : start + TASKS_AT_ONCE]}
            self.result.occurrences_added += roll_forward(session, self.settings, self.now,
                                                          readings=some)  # fmt: skip
            duties = read_duties(session, self.settings, self.now, some, self.registry,
                                 scope=scope)  # fmt: skip
            self._add(session, plan(duties.targets, self.calendar, since, until),
                      duties.event_starts)  # fmt: skip

    def digests(self, session: Session, scope: Scope | None = None) -> None:
        office, heads = self.registry.office, self.registry.heads
        if scope is not None:  # the office's people are a change to everything: not this one
            office, heads = [], [(unit, head) for unit, head in heads if unit in scope.units]
        since, until = self.now - LOOKBACK, self.now + HORIZON
        self._add(session, digests(self.calendar, since, until, office, heads,
                                   base_policy(self.settings)), {})  # fmt: skip

    def finish(self, session: Session) -> None:
        """Every duty is planned up to the window's end: the next pass's `planned_until`."""
        session.merge(Heartbeat(name=PLANNED, at=self.now,
                                detail={"until": (self.now + HORIZON).isoformat()}))  # fmt: skip


def sync(
    session: Session,
    settings: Settings,
    now: datetime,
    calendar: WorkCalendar | None = None,
    scope: Scope | None = None,
) -> SyncResult:
    """Roll occurrences forward and add to the outbox what falls due in the next hours
    (and, after downtime, what was missed). With a scope (what changed since the last pass),
    only its duties: the same rows a whole pass would add for them, at a fraction of the
    cost; the whole pass, which also moves the window forward, stays the regular one."""
    calendar = calendar or settings.calendar()
    if scope is not None:
        scope = widened(session, settings, scope)
    readings = read_tasks(session, settings, scope)  # each timeline read once per pass
    planning = Pass.start(session, settings, now, calendar)
    planning.tasks(session, readings, scope)
    planning.digests(session, scope)
    if scope is None:  # how far every duty has been planned: only a whole pass says
        planning.finish(session)
    return planning.result


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def stored_send_times(session: Session, keys: Sequence[str]) -> dict[str, datetime]:
    """The outbox's send time of each of `keys` it holds (by the unique index, so the
    outbox's size does not matter)."""
    found: dict[str, datetime] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), 1000):
        chunk = unique[start : start + 1000]
        found.update(
            (key, at)
            for key, at in session.execute(
                select(Reminder.idempotency_key, Reminder.send_at).where(
                    Reminder.idempotency_key.in_(chunk)
                )
            )
        )
    return found


_STATES = {state.value: state for state in ReminderState}  # a member is its value too


def new_row(
    key: str,
    chat_id: int,
    kind: str,
    send_at: datetime,
    payload: dict[str, Any],
    occurrence_id: int | None = None,
    unit_id: int | None = None,
    member_id: int | None = None,
    state: str = "pending",
    reason: str = "",
) -> dict[str, Any]:
    """One outbox row, as `insert_reminders` takes it."""
    return {
        "idempotency_key": key,
        "occurrence_id": occurrence_id,
        "unit_id": unit_id,
        "member_id": member_id,
        "chat_id": chat_id,
        "kind": kind,
        "send_at": send_at,
        "state": _STATES[state],
        "attempts": 0,
        "claimed_by": "",
        "last_error": reason,
        "payload": payload,
    }


def _row(decision: Decision) -> dict[str, Any]:
    item, state, reason = decision.outgoing, decision.state, decision.reason
    payload: dict[str, Any] = {"audience": item.audience, "offset": item.offset}
    if reason:
        payload["reason"] = reason
    if decision.moment is not None:
        payload["moment"] = decision.moment.isoformat()
    return new_row(
        item.key, item.chat_id, item.kind, item.send_at, payload, item.occurrence_id,
        item.unit_id, item.member_id, state, reason if state == "skipped" else "",
    )  # fmt: skip


def insert_reminders(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert, ignoring keys already present (another process may have planned them)."""
    if not rows:
        return
    insert_ = upsert_insert(session.get_bind().dialect.name)
    # Through Core: the ORM's bulk insert cost more than the statement (a new duty for
    # twenty thousand units is twenty thousand rows).
    statement = insert_(Reminder.__table__).on_conflict_do_nothing(
        index_elements=["idempotency_key"]
    )
    for start in range(0, len(rows), 2000):
        session.execute(statement, rows[start : start + 2000])


def recover(
    session: Session,
    now: datetime,
    keep: Iterable[int] = (),
    worker: str = "",
    others_after: timedelta | None = None,
) -> int:
    """Put back to pending what was claimed and never finished, but for `keep`.

    Called by the sender at every tick, before it claims. `keep` is what this process has
    in flight or what Telegram accepted and the database has not recorded yet (never to be
    sent again); whatever else is "sending" was left by a crash, a tick that failed before
    sending, or a sender that is gone. `others_after`: rows claimed by another worker than
    `worker` are taken back only once claimed that long ago (on PostgreSQL a sender cut off
    from its lock may still be finishing them; it stops within a second).
    """
    statement = update(Reminder).where(Reminder.state == ReminderState.SENDING)
    if others_after is not None:
        statement = statement.where(
            (Reminder.claimed_by == worker) | (Reminder.claimed_at <= now - others_after)
        )
    kept = list(keep)
    if kept:
        statement = statement.where(Reminder.id.not_in(kept))
    result = session.execute(
        statement.values(state=ReminderState.PENDING, claimed_by="",
                         last_error="recovered: its send was interrupted")
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        session.add(AuditLog(at=now, action="outbox_recovered", detail={"count": count}))
    return count


def claim(session: Session, now: datetime, worker: str, limit: int = 500) -> list[Reminder]:
    """Take the due reminders of the chats of the first `limit` due ones, each chat's all at
    once, for this worker (several workers never share one): a chat with more than fits in a
    batch still gets one message, not one per batch."""
    return claimed_rows(session, claim_ids(session, now, worker, limit), worker)


def claimed_rows(session: Session, ids: list[int], worker: str) -> list[Reminder]:
    """The rows `claim_ids` took, in the order they fell due. Read after the claim's commit,
    they keep SQLite's one writer lock no longer than the claim itself: the deliveries of the
    batch before are recorded meanwhile."""
    if not ids:
        return []
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.id.in_(ids), Reminder.claimed_by == worker)
            .execution_options(populate_existing=True)
            .order_by(Reminder.send_at, Reminder.id)
        )
    )


def claim_ids(session: Session, now: datetime, worker: str, limit: int = 500) -> list[int]:
    """`claim`'s taking: marks the rows sending for this worker and returns their ids."""
    due = (Reminder.state == ReminderState.PENDING, Reminder.send_at <= now)
    locking = session.get_bind().dialect.name == "postgresql"
    head = select(Reminder.id, Reminder.chat_id).where(*due)
    head = head.order_by(Reminder.send_at, Reminder.id).limit(limit)
    rest = select(Reminder.id).where(*due).order_by(Reminder.send_at, Reminder.id)
    if locking:  # rows another worker holds are skipped, not waited for
        head, rest = head.with_for_update(skip_locked=True), rest.with_for_update(skip_locked=True)
    first = session.execute(head).all()
    chats = {chat_id for _, chat_id in first if chat_id is not None}
    ids = [i for i, _ in first]
    if chats:
        taken = set(ids)
        ids += [i for i in session.scalars(rest.where(Reminder.chat_id.in_(chats)))
                if i not in taken]  # fmt: skip
    if not ids:
        return []
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.state == ReminderState.PENDING)
        .values(
            state=ReminderState.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=Reminder.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return ids


def mark_sent(session: Session, ids: Iterable[int], message_id: int | None, now: datetime) -> None:
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)))
        .values(
            state=ReminderState.SENT, sent_at=now, telegram_message_id=message_id, last_error=""
        )
        .execution_options(synchronize_session=False)
    )


def record_sent(
    connection: Connection,
    messages: list[tuple[list[int], int | None]],
    now: datetime,
    heartbeat: bool,
) -> None:
    """Each message's rows sent under its Telegram message id: one UPDATE by primary key run
    for every row (executemany), in SQL without the ORM, on the connection the recorder keeps
    for a tick — a commit of a few dozen rows cost more in opening a session and checking a
    connection out of the pool (pinging PostgreSQL) than in the rows. `heartbeat`: also say
    that Telegram answered (an upsert: two writers never race to insert it)."""
    table = Reminder.__table__
    rows = [
        {"row_id": row_id, "message_id": message_id}
        for ids, message_id in messages
        for row_id in ids
    ]  # fmt: skip
    if rows:
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(state=ReminderState.SENT, sent_at=now,
                    telegram_message_id=bindparam("message_id"), last_error=""),
            rows,
        )  # fmt: skip
    if heartbeat:
        beats = Heartbeat.__table__
        insert = upsert_insert(connection.dialect.name)(beats)
        detail = {"ok": True}
        connection.execute(
            insert.values(name="telegram", at=now, detail=detail).on_conflict_do_update(
                index_elements=[beats.c.name], set_={"at": now, "detail": detail}
            )
        )


def mark_skipped(session: Session, ids: Iterable[int], reason: str) -> None:
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)))
        .values(state=ReminderState.SKIPPED, last_error=reason)
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, ids: Iterable[int], reason: str) -> None:
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)))
        .values(state=ReminderState.FAILED, last_error=reason[:2000])
        .execution_options(synchronize_session=False)
    )


def postpone(
    session: Session,
    ids: Iterable[int],
    until: datetime,
    reason: str,
    chat_id: int | None = None,
) -> None:
    """Back to pending until `until`, the claim's attempt given back: not a failure (a group's
    minute is full; a group moved to a new id, given as `chat_id`)."""
    values: dict[str, Any] = {"state": ReminderState.PENDING, "send_at": until,
                              "last_error": reason, "claimed_by": "",
                              "attempts": Reminder.attempts - 1}  # fmt: skip
    if chat_id is not None:
        values["chat_id"] = chat_id
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def retry_later(
    session: Session, rows: Iterable[Reminder], now: datetime, reason: str, after: float = 0
) -> list[int]:
    """Back to pending with a backoff (or Telegram's retry_after); after MAX_ATTEMPTS, failed.
    Returns the ids given up on."""
    given_up = []
    for row in rows:
        if row.attempts >= MAX_ATTEMPTS:
            given_up.append(row.id)
            continue
        wait = max(after, BACKOFF[min(row.attempts, len(BACKOFF)) - 1])
        session.execute(
            update(Reminder)
            .where(Reminder.id == row.id)
            .values(
                state=ReminderState.PENDING,
                send_at=now + timedelta(seconds=wait),
                last_error=reason[:2000],
                claimed_by="",
            )
            .execution_options(synchronize_session=False)
        )
    if given_up:
        mark_failed(session, given_up, f"gave up after {MAX_ATTEMPTS} attempts: {reason}")
    return given_up


def notify(
    session: Session,
    people: Iterable[Recipient],
    key: str,
    body: str,
    now: datetime,
    unit_id: int | None = None,
    buttons: list[list[tuple[str, str]]] | None = None,
    audience: str = "office",
) -> int:
    """Queue a notice (already-rendered HTML, optional buttons) for each person; `key` makes
    it once per person."""
    payload = {"text": body, "audience": audience,
               "buttons": [list(map(list, row)) for row in buttons or []]}  # fmt: skip
    rows = [
        new_row(
            f"notice:{key}:{person.ref}",
            person.chat_id,
            "notice",
            now,
            payload,
            unit_id=unit_id,
            member_id=person.member_id,
        )
        for person in people
    ]
    insert_reminders(session, rows)
    return len(rows)


def notify_office(
    session: Session,
    settings: Settings,
    key: str,
    body: str,
    now: datetime,
    unit_id: int | None = None,
    except_chat: int | None = None,
) -> int:
    people = [p for p in office_recipients(session, settings) if p.chat_id != except_chat]
    return notify(session, people, key, body, now, unit_id)


def unit_recipients(session: Session, unit_id: int, groups: bool = True) -> list[Recipient]:
    """A unit's people and (unless `groups` is False: what only one person may read, such
    as single-use invitation links) its linked groups."""
    people = [
        Recipient(m.chat_id, m.id)
        for m in session.scalars(
            select(Member).where(Member.unit_id == unit_id, Member.active.is_(True))
        )
    ]
    if groups:
        people += [group for _, group in linked_groups(session, unit_id)]
    return people


@dataclass(frozen=True)
class PreviewRow:
    send_at: datetime
    kind: str
    audience: str
    chat_id: int
    person: str
    unit: str
    task: str
    plan: str


def preview(
    session: Session, settings: Settings, now: datetime, days: int, unit_code: str = ""
) -> list[PreviewRow]:
    """What will be sent from `now` for `days` days, as planned today (answers may stop some).

    Works in the caller's transaction, which the caller rolls back: occurrences are rolled
    forward to plan them, not to keep them."""
    from db.models import Plan as PlanRow

    calendar = settings.calendar()
    ahead = timedelta(days=days)
    readings = read_tasks(session, settings)
    roll_forward(session, settings, now, ahead, readings)
    snap = snapshot(session, settings, now, ahead, readings)
    items = plan(snap.targets, calendar, now, now + ahead)
    items += digests(calendar, now, now + ahead, snap.office, snap.heads, base_policy(settings))
    units = {u.id: u for u in session.scalars(select(Unit))}
    members = {m.id: m for m in session.scalars(select(Member))}
    tasks = {
        o.id: f"{plan_row.number or '#' + str(plan_row.id)} / {task.ref}"
        for o, task, plan_row in session.execute(
            select(Occurrence, Task, PlanRow)
            .join(Task, Occurrence.task_id == Task.id)
            .join(PlanRow, Task.plan_id == PlanRow.id)
        )
    }
    wanted = None
    if unit_code:
        wanted = {u.id for u in units.values() if u.code == unit_code}
    rows = []
    for item in sorted(items, key=lambda i: (i.send_at, i.chat_id, i.key)):
        if wanted is not None and item.unit_id not in wanted:
            continue
        member = members.get(item.member_id) if item.member_id is not None else None
        unit = units.get(item.unit_id) if item.unit_id is not None else None
        label = tasks.get(item.occurrence_id or 0, "")
        rows.append(
            PreviewRow(
                item.send_at,
                item.kind,
                item.audience,
                item.chat_id,
                member.full_name if member is not None else f"office {item.chat_id}",
                unit.code if unit is not None else "",
                label.split(" / ")[-1] if label else "",
                label.split(" / ")[0] if label else "",
            )
        )
    return rows
