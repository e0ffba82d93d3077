"""Deadlines and events as an iCalendar feed (per plan or per unit) for calendar apps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar, Event


@dataclass(frozen=True)
class Entry:
    occurrence_id: int
    plan_number: str
    task_ref: str
    title: str
    kind: str  # deadline, event
    due_at: datetime
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    units: str = ""


def calendar(entries: Iterable[Entry], name: str, tz: Any, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Nhac viec//So GDDT//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(tz))
    for e in entries:
        event = Event()
        event.add("uid", f"occurrence-{e.occurrence_id}@nhacviec")
        event.add("dtstamp", now)
        prefix = f"[{e.plan_number}] {e.task_ref}"
        if e.kind == "event" and e.starts_at is not None:
            event.add("summary", f"{prefix}: {e.title[:150]}")
            event.add("dtstart", e.starts_at.astimezone(tz))
            event.add("dtend", (e.ends_at or e.starts_at + timedelta(hours=1)).astimezone(tz))
        else:
            local = e.due_at.astimezone(tz)
            event.add("summary", f"Hạn {prefix}: {e.title[:150]}")
            if local.hour == 23 and local.minute == 59:  # a whole day: the last allowed day
                event.add("dtstart", local.date())
                event.add("dtend", local.date() + timedelta(days=1))
            else:
                event.add("dtstart", local)
                event.add("dtend", local + timedelta(minutes=30))
        description = e.title + (f"\n\nĐơn vị: {e.units}" if e.units else "")
        event.add("description", description)
        cal.add_component(event)
    return cal.to_ical()
