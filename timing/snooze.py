"""When a snoozed card comes back: "⏰ Nhắc lại sau" → tomorrow, in three days, next week.

Pure. Each choice is the office's sending hour on a working day, and none goes past the
deadline's day: a snooze postpones a reminder, never the duty. A choice that would land after
it is not offered, so a card due tomorrow offers only "tomorrow", and one due today none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from timing.workcalendar import WorkCalendar

CHOICES = {"1": 1, "3": 3, "w": 7}  # the button's code: days from today (w: next week)


@dataclass(frozen=True)
class Choice:
    code: str
    moment: datetime  # aware UTC


def choices(due_at: datetime, now: datetime, calendar: WorkCalendar, send_at: time) -> list[Choice]:
    today = now.astimezone(calendar.tz).date()
    due_day = due_at.astimezone(calendar.tz).date()
    offered: list[Choice] = []
    for code, days in CHOICES.items():
        day = today + timedelta(days=days)
        if code == "w":  # next week: its first working day
            day = today + timedelta(days=7 - today.weekday())
        day = calendar.next_working_day(day)
        moment = calendar.local(day, send_at)
        if day > due_day or moment <= now:
            continue
        if offered and offered[-1].moment == moment:  # a holiday made two the same day
            continue
        offered.append(Choice(code, moment))
    return offered


def chosen(code: str, due_at: datetime, now: datetime, calendar: WorkCalendar,
           send_at: time) -> Choice | None:  # fmt: skip
    """The choice the button names, if it is still offered now."""
    return next((c for c in choices(due_at, now, calendar, send_at) if c.code == code), None)
