"""Deadlines and events as an iCalendar feed (per plan or per unit) for calendar apps.

RFC 5545 as strict clients (Outlook) read it: the time zone the times are in is described by
its VTIMEZONE; each entry's UID is stable across a rebuilt database (it is made of the plan's
number, the task's ref and the period, not of row ids) and unique per installation; summaries
end on a whole word; a deadline rings the day before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event

SUMMARY_CHARS = 120


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
    period_key: str = "once"


def installation_id(bot_token: str, database_url: str) -> str:
    """Who publishes the feed: the bot's own id (public, before the colon of its token), else
    a digest of where its data lives. Two offices never share it; a rebuild keeps it."""
    bot_id = bot_token.split(":", 1)[0]
    if bot_id.isdigit():
        return f"bot{bot_id}"
    return "db" + hashlib.sha256(database_url.encode("utf-8")).hexdigest()[:12]


def whole_words(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–")
    return f"{cut}…"


def entry_uid(entry: Entry, installation: str) -> str:
    key = f"{entry.plan_number}|{entry.task_ref}|{entry.period_key}|{entry.kind}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}@{installation}.nhacviec"


def calendar(entries: Iterable[Entry], name: str, tz: Any, now: datetime,
             installation: str = "local") -> bytes:  # fmt: skip
    cal = Calendar()
    cal.add("prodid", "-//Nhac viec//So GDDT//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(tz))
    for e in entries:
        event = Event()
        event.add("uid", entry_uid(e, installation))
        event.add("dtstamp", now)
        prefix = f"[{e.plan_number}] {e.task_ref}"
        if e.kind == "event" and e.starts_at is not None:
            event.add("summary", whole_words(f"{prefix}: {e.title}"))
            event.add("dtstart", e.starts_at.astimezone(tz))
            event.add("dtend", (e.ends_at or e.starts_at + timedelta(hours=1)).astimezone(tz))
        else:
            local = e.due_at.astimezone(tz)
            event.add("summary", whole_words(f"Hạn {prefix}: {e.title}"))
            if local.hour == 23 and local.minute == 59:  # a whole day: the last allowed day
                event.add("dtstart", local.date())
                event.add("dtend", local.date() + timedelta(days=1))
            else:
                event.add("dtstart", local)
                event.add("dtend", local + timedelta(minutes=30))
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", whole_words(f"Ngày mai hết hạn: {prefix}: {e.title}"))
            alarm.add("trigger", timedelta(days=-1))
            event.add_component(alarm)
        description = e.title + (f"\n\nĐơn vị: {e.units}" if e.units else "")
        event.add("description", description)
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for the zone the times name
    return cal.to_ical()
