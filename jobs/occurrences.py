"""The periods a task's timeline produces between two days: what the scheduler acts on.

Pure: a Timeline, the office's time zone and a range of days in, periods out. A recurring
task yields one period per cycle that falls due in the range (never "forever"); a deadline,
a window's end and an event yield one; an ongoing task yields a check-in per cadence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from timing.timeline import Timeline

PeriodKind = Literal["deadline", "event", "checkin"]

END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Period:
    key: str  # stable within a task: "once", "2025", "2025-Q1", "checkin-2025-03", …
    kind: PeriodKind
    due: date  # the last allowed day (local), or the event's day
    due_at: datetime  # aware UTC: the last allowed moment, or the event's start
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _aware(value: date | datetime, tz: ZoneInfo, at: time = END_OF_DAY) -> datetime:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
    else:
        moment = datetime.combine(value, at, tzinfo=tz)
    return moment.astimezone(UTC)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def periods(
    timeline: Timeline,
    tz: ZoneInfo,
    since: date,
    until: date,
    checkin_months: int = 1,
) -> list[Period]:
    """The periods due on a day in [since, until] (an event: starting in it)."""
    kind = timeline.kind
    if kind == "recurring" and timeline.recurrence is not None:
        out = []
        for key, due in timeline.recurrence.occurrences(since, count=10_000):
            if due > until:
                break
            out.append(Period(key, "deadline", due, _aware(due, tz)))
        return out
    if kind in ("once", "window"):
        last = timeline.end if isinstance(timeline.end, datetime) else timeline.due
        if last is None or not since <= _day(last) <= until:
            return []
        start = _aware(timeline.start, tz, time(0, 0)) if timeline.start is not None else None
        return [Period("once", "deadline", _day(last), _aware(last, tz), starts_at=start)]
    if kind == "event" and timeline.start is not None:
        start = _aware(timeline.start, tz, time(0, 0))
        if not since <= _day(timeline.start) <= until:
            return []
        end = _aware(timeline.end, tz) if timeline.end is not None else None
        return [Period("event", "event", _day(timeline.start), start, starts_at=start, ends_at=end)]
    if kind == "continuous":
        return _checkins(timeline, tz, since, until, max(1, checkin_months))
    return []


def _checkins(
    timeline: Timeline, tz: ZoneInfo, since: date, until: date, every: int
) -> list[Period]:
    """A check-in on the last day of every `every`-th month from the task's start."""
    first = _day(timeline.start) if timeline.start is not None else since
    first = max(first, since)
    month_index = first.year * 12 + first.month - 1
    if timeline.start is not None:
        origin = _day(timeline.start)
        origin_index = origin.year * 12 + origin.month - 1
        # Keep the cadence anchored on the task's start, whatever `since` is.
        month_index += (origin_index - month_index) % every
    out = []
    while True:
        year, month0 = divmod(month_index, 12)
        end = date(year, month0 + 1, 1) + timedelta(days=32)
        due = end.replace(day=1) - timedelta(days=1)
        if due > until:
            return out
        if due >= since:
            out.append(Period(f"checkin-{year}-{month0 + 1:02d}", "checkin", due, _aware(due, tz)))
        month_index += every
