"""When to remind: the ladder before a deadline, the overdue cadence, events.

Pure: a due date (or an event's start), the unit's role, a policy and the working calendar
in, reminder moments (aware UTC) out. What is already sent, answered or in the past is the
caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from jobs.workcalendar import WorkCalendar


@dataclass(frozen=True)
class Policy:
    before_days: tuple[int, ...] = (14, 7, 3, 1, 0)
    send_at: time = time(8, 0)
    overdue_every: int = 3  # working days between overdue reminders
    escalate_after: int = 7  # calendar days late
    coordinator_all: bool = False  # coordinators get only the first reminder and the due day
    event_hours_before: int = 1


@dataclass(frozen=True)
class Planned:
    kind: str  # before, due, overdue, escalation, event_day_before, event_soon
    offset: int  # days before (positive) or after (negative) the due date; hours for events
    send_at: datetime  # aware UTC

    @property
    def key(self) -> str:
        """Stable within an occurrence and unit: part of the outbox's idempotency key."""
        return f"{self.kind}:{self.offset}"


def before_deadline(
    due: date, lead: bool, calendar: WorkCalendar, policy: Policy = Policy()
) -> list[Planned]:
    """The ladder up to the due day, each moved to the previous working day, never twice on
    one day (the nearer rung wins)."""
    offsets = sorted(set(policy.before_days), reverse=True)
    if not lead and not policy.coordinator_all:
        offsets = [o for o in offsets if o in (offsets[0], 0)]
    by_day: dict[date, int] = {}
    for offset in offsets:
        day = calendar.previous_working_day(due - timedelta(days=offset))
        by_day[day] = min(offset, by_day.get(day, offset))
    return [
        Planned("due" if offset == 0 else "before", offset, calendar.local(day, policy.send_at))
        for day, offset in sorted(by_day.items())
    ]


def overdue(
    due: date, until: date, calendar: WorkCalendar, policy: Policy = Policy()
) -> list[Planned]:
    """The next working day after the due day, then every few working days; from the
    escalation threshold on, each reminder is an escalation."""
    out = []
    day = calendar.next_working_day(due, inclusive=False)
    while day <= until:
        late = (day - due).days
        kind = "escalation" if late >= policy.escalate_after else "overdue"
        out.append(Planned(kind, -late, calendar.local(day, policy.send_at)))
        day = calendar.add_working_days(day, policy.overdue_every)
    return out


def event(
    start_local: datetime, calendar: WorkCalendar, policy: Policy = Policy()
) -> list[Planned]:
    """The working day before (at the usual hour) and shortly before the start."""
    if start_local.tzinfo is None:
        start_local = start_local.replace(tzinfo=calendar.tz)
    day_before = calendar.previous_working_day(start_local.date(), inclusive=False)
    soon = start_local - timedelta(hours=policy.event_hours_before)
    soon_at = soon.astimezone(UTC)
    opening, closing = calendar.hours[0][0], calendar.hours[-1][1]
    local_soon = soon.astimezone(calendar.tz)
    # The lunch break is still the office day: only a moment outside the day is moved.
    if not (calendar.is_working_day(local_soon.date()) and opening <= local_soon.time() < closing):
        soon_at = calendar.into_working_hours(soon, "earlier")
    planned = [Planned("event_day_before", 24, calendar.local(day_before, policy.send_at))]
    if soon_at > planned[0].send_at:
        planned.append(Planned("event_soon", policy.event_hours_before, soon_at))
    return planned
