"""Who is sent what, when: reminders for every (occurrence, unit, person), and the digests.

Pure: plain values and `now` in, outgoing messages out. The outbox (jobs/outbox.py) stores
them under their idempotency key, so planning the same thing twice sends it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from jobs.occurrences import Period
from timing.planner import Planned, Policy, before_deadline, event, overdue
from timing.workcalendar import WorkCalendar

DIGEST_TIME_OFFICE = (7, 45)  # before the office's first reminders go out at 08:00


@dataclass(frozen=True, slots=True)
class Recipient:
    chat_id: int
    member_id: int | None = None  # None: an office admin known only by OFFICE_ADMINS, a group
    group_id: int | None = None  # a linked group (its chat id may change; this id does not)

    @property
    def ref(self) -> str:
        if self.member_id is not None:
            return f"m{self.member_id}"
        return f"g{self.group_id}" if self.group_id is not None else f"c{self.chat_id}"


@dataclass(frozen=True, slots=True)
class Target:
    """One unit's part in one occurrence, with who to tell."""

    occurrence_id: int
    unit_id: int
    lead: bool
    period: Period
    status: str = "not_started"
    members: tuple[Recipient, ...] = ()
    # Told once, at the first escalation: the office and, for a school, its district's office.
    escalate_to: tuple[Recipient, ...] = ()
    parents: tuple[Recipient, ...] = ()
    policy: Policy = field(default_factory=Policy)
    # "⏰ Nhắc lại sau": the unit's reminders before this moment are held, one comes at it.
    snoozed_until: datetime | None = None


SNOOZED_KINDS = ("before", "due")  # what a snooze holds back; never an overdue or escalation


@dataclass(frozen=True, slots=True)
class Outgoing:
    key: str  # the idempotency key
    kind: str
    offset: int
    send_at: datetime  # aware UTC
    chat_id: int
    member_id: int | None = None
    occurrence_id: int | None = None
    unit_id: int | None = None
    audience: str = "unit"  # unit, escalated (the office), parent (the district), digest

    def sent_at(self, moment: datetime) -> Outgoing:
        """The same message at another moment (`dataclasses.replace` cost five times more: a
        new deadline for twenty thousand units moves twenty thousand messages)."""
        return Outgoing(self.key, self.kind, self.offset, moment, self.chat_id, self.member_id,
                        self.occurrence_id, self.unit_id, self.audience)  # fmt: skip


def _rungs(target: Target, until: date, calendar: WorkCalendar) -> tuple[Planned, ...]:
    return _rungs_for(target.period, target.lead, target.status, target.policy, until, calendar)


@lru_cache(maxsize=4096)
def _rungs_for(
    period: Period, lead: bool, status: str, policy: Policy, until: date, calendar: WorkCalendar
) -> tuple[Planned, ...]:
    """The same for every unit sharing a deadline, role and status: computed once."""
    if period.kind == "event":
        assert period.starts_at is not None
        return tuple(event(period.starts_at.astimezone(calendar.tz), calendar, policy))
    if period.kind == "checkin":
        day = calendar.previous_working_day(period.due)
        return (Planned("checkin", 0, calendar.local(day, policy.send_at)),)
    rungs = before_deadline(period.due, lead, calendar, policy)
    if lead or policy.coordinator_all:
        rungs += overdue(period.due, until, calendar, policy, policy.every(status))
    return tuple(rungs)


def plan(
    targets: Iterable[Target], calendar: WorkCalendar, since: datetime, until: datetime
) -> list[Outgoing]:
    """Every message for these targets with a send time in [since, until]."""
    return list(iter_plan(targets, calendar, since, until))


def iter_plan(
    targets: Iterable[Target], calendar: WorkCalendar, since: datetime, until: datetime
) -> Iterator[Outgoing]:
    """`plan`, one message at a time (a year for a thousand units need not sit in memory)."""
    last_day = until.astimezone(calendar.tz).date()
    for target in targets:
        if target.status == "done":
            continue
        escalated = False
        snoozed = target.snoozed_until
        rungs = _rungs(target, last_day, calendar)
        if snoozed is not None:
            held = [r for r in rungs if r.kind in SNOOZED_KINDS and r.send_at <= snoozed]
            rungs = tuple(r for r in rungs if r not in held)
            if held:
                rungs += (Planned("snoozed", held[-1].offset, snoozed),)
        occurrence_id, unit_id = target.occurrence_id, target.unit_id
        # The due day is part of the key: a deadline moved by a re-import gets its own reminders.
        due = target.period.due.isoformat()
        for rung in rungs:
            first_escalation = rung.kind == "escalation" and not escalated
            escalated = escalated or rung.kind == "escalation"
            if not since <= rung.send_at <= until:
                continue
            # A second snooze is a new moment: its own key, so it is not taken for the first.
            rung_key = rung.key if rung.kind != "snoozed" else f"snoozed:{rung.send_at:%Y%m%dT%H%M}"
            audiences = [("unit", r) for r in target.members]
            if rung.kind == "stopped":  # told to the office alone: the unit just stops hearing
                audiences = [("escalated", r) for r in target.escalate_to]
            elif first_escalation:
                audiences += [("escalated", r) for r in target.escalate_to]
                audiences += [("parent", r) for r in target.parents]
            kind, offset, send_at = rung.kind, rung.offset, rung.send_at
            for audience, person in audiences:
                key = f"{occurrence_id}:{unit_id}:{person.ref}:{rung_key}@{due}"
                yield Outgoing(key, kind, offset, send_at, person.chat_id, person.member_id,
                               occurrence_id, unit_id, audience)  # fmt: skip


def digests(
    calendar: WorkCalendar,
    since: datetime,
    until: datetime,
    office: Iterable[Recipient],
    heads: Iterable[tuple[int, Recipient]],
    policy: Policy = Policy(),
) -> list[Outgoing]:
    """The office's digest every working day; each unit head's summary on the week's first
    working day. Their content is read when they are sent."""
    out: list[Outgoing] = []
    office, heads = list(office), list(heads)
    day = since.astimezone(calendar.tz).date()
    last = until.astimezone(calendar.tz).date()
    while day <= last:
        if calendar.is_working_day(day):
            at = calendar.local(day, policy.send_at.replace(*DIGEST_TIME_OFFICE))
            if since <= at <= until:
                for person in office:
                    out.append(Outgoing(f"digest:office:{day.isoformat()}:{person.ref}",
                                        "digest_office", 0, at, person.chat_id,
                                        person.member_id, audience="digest"))  # fmt: skip
            monday = day - timedelta(days=day.weekday())
            if day == calendar.next_working_day(monday):
                at = calendar.local(day, policy.send_at)
                week = day.isocalendar()
                if since <= at <= until:
                    for unit_id, person in heads:
                        out.append(Outgoing(
                            f"digest:week:{week.year}-W{week.week:02d}:{person.ref}",
                            "digest_week", 0, at, person.chat_id, person.member_id,
                            unit_id=unit_id, audience="digest"))  # fmt: skip
        day += timedelta(days=1)
    return out


class Decision(NamedTuple):
    """What to do with one planned message (a tuple: a pass makes one per message)."""

    outgoing: Outgoing
    state: str  # pending, skipped
    reason: str = ""  # catch-up (nobody was sending), late (it arrived after its moment), …
    moment: datetime | None = None  # when it was due, for one sent later than that


def reconcile(
    planned: Iterable[Outgoing],
    existing: dict[str, datetime],
    now: datetime,
    calendar: WorkCalendar,
    grace: timedelta = timedelta(minutes=10),
    event_starts: dict[int, datetime] | None = None,
    planned_until: datetime | None = None,
) -> list[Decision]:
    """What to add to the outbox, given what it holds (key → send time).

    A message whose moment passed before it could be sent is not sent as if on time: of
    those for one person and one occurrence only the latest is sent, now (inside working
    hours), and the others are recorded as skipped; a reminder of an event that has begun is
    skipped too. Why it passed is told apart by `planned_until`, how far the previous pass
    looked ahead: a moment beyond it fell while nobody was planning (the bot was down:
    "catch-up"); a moment within it was planned for, so what the message is about — a plan,
    a person, a timeline — arrived after it ("late").
    """
    event_starts = event_starts or {}
    fresh: list[Decision] = []
    missed: dict[tuple[object, ...], list[Outgoing]] = {}
    for item in planned:
        if item.key in existing:
            continue
        if item.send_at >= now - grace:
            fresh.append(Decision(item, "pending"))
        else:
            group = (item.occurrence_id, item.unit_id, item.chat_id, item.kind.startswith("digest"))
            missed.setdefault(group, []).append(item)
    if not missed:
        return fresh
    catch_up_at = calendar.into_working_hours(now, "later")
    stored_latest: dict[str, datetime] = {}
    for key, at in existing.items():
        prefix = _person_prefix(key)
        if at > stored_latest.get(prefix, at - timedelta(seconds=1)):
            stored_latest[prefix] = at
    for (occurrence_id, *_), items in missed.items():
        if len(items) > 1:
            items.sort(key=_send_at)
        *older, latest = items
        fresh += [Decision(o, "skipped", "superseded") for o in older]
        start = event_starts.get(occurrence_id) if occurrence_id is not None else None
        stored = stored_latest.get(_person_prefix(latest.key))
        if latest.kind.startswith("digest"):
            today = now.astimezone(calendar.tz).date()
            if latest.send_at.astimezone(calendar.tz).date() == today:
                fresh.append(Decision(latest.sent_at(now), "pending", "catch-up",
                                      latest.send_at))  # fmt: skip
            else:
                fresh.append(Decision(latest, "skipped", "missed digest"))
        elif start is not None and start <= catch_up_at:
            fresh.append(Decision(latest, "skipped", "event over"))
        elif stored is not None and stored > latest.send_at:
            fresh.append(Decision(latest, "skipped", "superseded"))
        else:
            down = planned_until is not None and latest.send_at > planned_until
            fresh.append(Decision(latest.sent_at(catch_up_at), "pending",
                                  "catch-up" if down else "late", latest.send_at))  # fmt: skip
    return fresh


def _send_at(item: Outgoing) -> datetime:
    return item.send_at


def _person_prefix(key: str) -> str:
    """ "occurrence:unit:person" of a reminder's key: one person's messages about one thing."""
    return key.rsplit(":", 2)[0]
