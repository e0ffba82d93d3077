"""When to remind: the ladder before a deadline, the overdue cadence, events.

Pure: a due date (or an event's start), the unit's role, a policy and the working calendar
in, reminder moments (aware UTC) out. What is already sent, answered or in the past is the
caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from timing.workcalendar import WorkCalendar


class PolicyError(ValueError):
    """A reminder policy setting that cannot be used; the message names it."""


@dataclass(frozen=True)
class Policy:
    """How a unit is reminded. Global defaults, overridden per plan, then per task."""

    before_days: tuple[int, ...] = (14, 7, 3, 1, 0)
    send_at: time = time(8, 0)
    overdue_every: int = 3  # working days between overdue reminders
    in_progress_every: int = 5  # … when the unit said it is working on it
    blocked_every: int = 10  # … when it said it is blocked (the office sees the note)
    overdue_stop_days: int = 90  # calendar days late after which only the reports chase it
    escalate_after: int = 7  # calendar days late
    coordinator_all: bool = False  # coordinators get only the first reminder and the due day
    event_hours_before: int = 1
    checkin_months: int = 1  # ongoing tasks: a check-in every N months

    def overridden(self, values: dict[str, Any] | None) -> Policy:
        """This policy with `values` (settings, a plan's or a task's policy) applied."""
        if not values:
            return self
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in known:
                continue  # other keys (report_day) live in the same JSON
            changes[name] = _policy_value(name, raw, getattr(self, name))
        return replace(self, **changes)

    def to_data(self) -> dict[str, Any]:
        """The resolved policy as JSON values, stored so that planning need not resolve it."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else (
                value.isoformat() if isinstance(value, time) else value
            )  # fmt: skip
        return out

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Policy:
        """What `to_data` stored; PolicyError when it is not a whole policy."""
        if not isinstance(data, dict) or set(data) != {f.name for f in fields(cls)}:
            raise PolicyError("stored policy of another shape")
        return cls().overridden(data)

    def every(self, status: str) -> int:
        if status == "in_progress":
            return self.in_progress_every
        if status == "blocked":
            return self.blocked_every
        return self.overdue_every


def _policy_value(name: str, raw: Any, current: Any) -> Any:
    try:
        if isinstance(current, tuple):
            items = raw if isinstance(raw, list | tuple) else str(raw).replace(";", ",").split(",")
            value: Any = tuple(sorted({int(str(i).strip()) for i in items if str(i).strip()},
                                      reverse=True))  # fmt: skip
            if not value or min(value) < 0:
                raise ValueError
            return value
        if isinstance(current, time):
            return raw if isinstance(raw, time) else time.fromisoformat(str(raw).strip())
        if isinstance(current, bool):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no", "có", "không"):
                raise ValueError
            return text in ("true", "1", "yes", "có")
        value = int(raw)
        if value < 0 or (value == 0 and name not in ("event_hours_before", "escalate_after")):
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise PolicyError(f"{name}: {raw!r} is not a valid value") from None


@dataclass(frozen=True)
class Planned:
    kind: str  # before, due, overdue, escalation, stopped, event_day_before, event_soon
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
    due: date, until: date, calendar: WorkCalendar, policy: Policy = Policy(), every: int = 0
) -> list[Planned]:
    """The next working day after the due day, then every few working days, less often the
    longer it lasts (twice the gap after two weeks late, four times after a month: the same
    words every three days for three months are not read); from the escalation threshold on,
    each reminder is an escalation."""
    out = []
    day = calendar.next_working_day(due, inclusive=False)
    stop = due + timedelta(days=policy.overdue_stop_days)
    gap = every or policy.overdue_every
    while day <= min(until, stop):
        late = (day - due).days
        kind = "escalation" if late >= policy.escalate_after else "overdue"
        out.append(Planned(kind, -late, calendar.local(day, policy.send_at)))
        day = calendar.add_working_days(day, gap * slowing(late))
    # The chase ends: the office hears it once (the unit only stops hearing of it).
    stopped = calendar.next_working_day(stop, inclusive=False)
    if stopped <= until:
        out.append(Planned("stopped", -policy.overdue_stop_days,
                           calendar.local(stopped, policy.send_at)))  # fmt: skip
    return out


def slowing(days_late: int) -> int:
    """How many times the usual gap to wait, this many days late."""
    if days_late < 14:
        return 1
    return 2 if days_late < 30 else 4


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
