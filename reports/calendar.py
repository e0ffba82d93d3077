"""Deadlines and events as an iCalendar feed (per plan or per unit) for calendar apps.

RFC 5545 as strict clients (Outlook) read it: the time zone the times are in is described by
its VTIMEZONE; each entry's UID is stable across a rebuilt database (it is made of the plan's
number, the task's ref and the period, not of row ids) and unique per installation; summaries
end on a whole word; a deadline rings the day before. A recurring deadline whose days a
rule says exactly (the 22nd of every month, 15/6 and 15/12 of every year) is one entry with
an RRULE; where working days or holidays move some of them, each stays its own entry.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, YEARLY, rrule
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


RULE_AT_LEAST = 3  # fewer dates than this say too little to be called a rule


def recurrence(days: list[date]) -> dict[str, Any] | None:
    """An RRULE (as icalendar takes it) that gives exactly `days` from the first to the last,
    or None when no simple rule does (a day moved off a weekend or a holiday, an irregular
    list). Pure."""
    days = sorted(set(days))
    if len(days) < RULE_AT_LEAST:
        return None
    first, last = days[0], days[-1]
    candidates: list[tuple[int, int, dict[str, Any]]] = []
    if all(d.weekday() == first.weekday() for d in days):
        candidates.append((WEEKLY, 1, {"freq": "WEEKLY"}))
    if all(d.day == first.day for d in days):
        months = {(d.year * 12 + d.month - first.year * 12 - first.month) for d in days}
        step = min(m for m in months if m) if len(months) > 1 else 1
        if step in (1, 2, 3, 4, 6, 12) and all(m % step == 0 for m in months):
            if step == 12:
                candidates.append((YEARLY, 1, {"freq": "YEARLY"}))
            else:
                candidates.append((MONTHLY, step, {"freq": "MONTHLY", "interval": step,
                                                   "bymonthday": first.day}))  # fmt: skip
    until = datetime.combine(last, datetime.min.time())
    for freq, interval, rule in candidates:
        made = rrule(freq, dtstart=datetime.combine(first, datetime.min.time()),
                     interval=interval, until=until)  # fmt: skip
        if [d.date() for d in made] == days:
            if rule.get("interval") == 1:
                del rule["interval"]
            return {**rule, "until": last}
    return None


def _series(entries: list[Entry], tz: Any) -> list[list[Entry]]:
    """Entries grouped as one recurring entry where a rule says their days, else alone."""
    groups: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(e.plan_number, e.task_ref, e.kind)].append(e)
    out = []
    for group in groups.values():
        local = [e.due_at.astimezone(tz) for e in group]
        same_time = len({(m.hour, m.minute) for m in local}) == 1
        periods = all(e.period_key not in ("once", "event") for e in group)
        if (
            group[0].kind != "event"
            and same_time
            and periods
            and recurrence([m.date() for m in local])
        ):
            out.append(sorted(group, key=lambda e: e.due_at))
        else:
            out.extend([e] for e in group)
    return out


def calendar(entries: Iterable[Entry], name: str, tz: Any, now: datetime,
             installation: str = "local") -> bytes:  # fmt: skip
    cal = Calendar()
    cal.add("prodid", "-//Nhac viec//So GDDT//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(tz))
    for series in _series(list(entries), tz):
        e = series[0]
        event = Event()
        if len(series) == 1:
            event.add("uid", entry_uid(e, installation))
        else:  # the series is the task's: its UID does not change as periods roll on
            event.add(
                "uid",
                entry_uid(
                    Entry(
                        0, e.plan_number, e.task_ref, e.title, e.kind, e.due_at, period_key="series"
                    ),
                    installation,
                ),
            )
        event.add("dtstamp", now)
        prefix = f"[{e.plan_number}] {e.task_ref}"
        if e.kind == "event" and e.starts_at is not None:
            event.add("summary", whole_words(f"{prefix}: {e.title}"))
            event.add("dtstart", e.starts_at.astimezone(tz))
            event.add("dtend", (e.ends_at or e.starts_at + timedelta(hours=1)).astimezone(tz))
        else:
            local = e.due_at.astimezone(tz)
            event.add("summary", whole_words(f"Hạn {prefix}: {e.title}"))
            whole_day = local.hour == 23 and local.minute == 59  # the last allowed day
            if whole_day:
                event.add("dtstart", local.date())
                event.add("dtend", local.date() + timedelta(days=1))
            else:
                event.add("dtstart", local)
                event.add("dtend", local + timedelta(minutes=30))
            if len(series) > 1:
                rule = recurrence([s.due_at.astimezone(tz).date() for s in series])
                assert rule is not None
                last = series[-1].due_at.astimezone(tz)
                # RFC 5545: a date for a whole-day series, else the last moment in UTC.
                rule["until"] = last.date() if whole_day else last.astimezone(UTC)
                event.add("rrule", rule)
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
