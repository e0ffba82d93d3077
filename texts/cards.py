"""How a task, a reminder, a bundle of reminders and the digests read on a phone.

Pure: plain values and `now` in, (HTML text, buttons) out. Every word comes from the message
catalog, which escapes what it is given. Callback data is built and parsed here only; it
names what was pressed and carries no trust (handlers re-check who may act).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from duties.model import Duty, OfficeDigest, Reminded
from texts.buttons import (
    CHECKLIST,
    EXPLAIN_REQUEST,
    FORM,
    OPEN,
    OUT_OF_SCOPE,
    SNOOZE,
    SNOOZE_FOR,
    STATUS,
)
from texts.messages import text
from texts.periods import period_name

Buttons = list[list[tuple[str, str]]]

STATUS_CODES = {"d": "done", "p": "in_progress", "b": "blocked"}
DIGEST_LINES = 10


def short(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def day_text(day: date, locale: str) -> str:
    return f"{text(f'weekday.{day.weekday()}', locale)}, {day:%d/%m/%Y}"


def left_text(due: date, today: date, locale: str) -> str:
    days = (due - today).days
    if days > 0:
        return text("card.left.days", locale, n=days)
    if days == 0:
        return text("card.left.today", locale)
    return text("card.left.late", locale, n=-days)


def _local(moment: datetime, tz: Any) -> datetime:
    return moment.astimezone(tz)


def answer_buttons(info: Duty, locale: str) -> Buttons:
    o, u = info.occurrence_id, info.unit_id
    rows: Buttons = [
        [(text("button.done", locale), STATUS.data(o, u, "d")),
         (text("button.in_progress", locale), STATUS.data(o, u, "p"))],
        [(text("button.blocked", locale), STATUS.data(o, u, "b")),
         (text("button.file", locale), STATUS.data(o, u, "f"))],
    ]  # fmt: skip
    extra: list[tuple[str, str]] = []
    if info.checklist_total:
        label = text("button.checklist", locale, done=info.checklist_done,
                     total=info.checklist_total)  # fmt: skip
        extra.append((label, CHECKLIST.data(o, u)))
    if info.has_form:
        extra.append((text("button.form", locale), FORM.data(o, u)))
    if extra:
        rows.append(extra)
    last: list[tuple[str, str]] = []
    if info.status != "done" and not info.overdue:  # a snooze never passes the deadline
        last.append((text("button.snooze", locale), SNOOZE.data(o, u)))
    if info.status != "done":
        last.append((text("button.out_of_scope", locale), OUT_OF_SCOPE.data(o, u)))
    if last:
        rows.append(last)
    return rows


def snooze_buttons(info: Duty, offered: Sequence[Any], tz: Any, locale: str) -> Buttons:
    """The choices under a card (each labelled with its day), and a way back."""
    o, u = info.occurrence_id, info.unit_id
    row = [(text(f"button.snooze_{c.code}", locale, day=f"{c.moment.astimezone(tz):%d/%m}"),
            SNOOZE_FOR.data(o, u, c.code)) for c in offered]  # fmt: skip
    return [row, [(text("button.snooze_back", locale), SNOOZE_FOR.data(o, u, "b"))]]


def card(info: Duty, now: datetime, tz: Any, locale: str, footer: str = "") -> tuple[str, Buttons]:
    """A task as its own message: what it is, when, its status, and how to answer."""
    lines = task_lines(info, now, tz, locale)
    if footer:
        lines += ["", footer]
    answerable = info.task_kind != "event"
    return "\n".join(lines), answer_buttons(info, locale) if answerable else []


def task_lines(info: Duty, now: datetime, tz: Any, locale: str) -> list[str]:
    """The body of a task card: plan, task, unit, role, when, status."""
    today = now.astimezone(tz).date()
    number = info.plan_number or ""
    lines = [
        text("card.plan", locale, number=number, title=short(info.plan_title, 90)).replace(
            "  ", " "
        ),
        text("card.task", locale, ref=info.task_ref, title=short(info.task_title, 400)),
        text("card.unit", locale, unit=info.unit_name),
        text(f"card.role.{info.role}", locale),
    ]
    if info.task_kind == "event" and info.starts_at is not None:
        start = _local(info.starts_at, tz)
        when = f"{day_text(start.date(), locale)}, {start:%H:%M}"
        if info.ends_at is not None:
            when += f"–{_local(info.ends_at, tz):%H:%M}"
        lines.append(text("card.event", locale, when=when))
    else:
        due = _local(info.due_at, tz)
        when = day_text(due.date(), locale)
        if due.time().strftime("%H:%M:%S") != "23:59:59":
            when = f"{due:%H:%M} {when}"
        left = left_text(due.date(), today, locale)
        lines.append(text("card.due", locale, when=when, left=left))
        if info.period_key not in ("once", "event"):
            period = period_name(info.period_key) if locale == "vi" else info.period_key
            lines.append(text("card.period", locale, period=period or info.period_key))
    lines.append(text("card.status", locale, status=text(f"status.{info.status}", locale)))
    return lines


def headline(kind: str, info: Duty, audience: str, now: datetime, tz: Any, locale: str) -> str:
    today = now.astimezone(tz).date()
    due_day = _local(info.due_at, tz).date()
    late = (today - due_day).days
    if kind == "stopped":
        return text("reminder.stopped", locale, unit=info.unit_name, days=max(late, 1))
    if audience in ("escalated", "parent"):
        return text("reminder.escalated", locale, unit=info.unit_name, days=max(late, 1))
    if kind == "before":
        return text("reminder.before", locale, days=max((due_day - today).days, 1))
    if kind in ("overdue", "escalation"):
        return text(f"reminder.{kind}", locale, days=max(late, 1))
    if kind == "event_soon" and info.starts_at is not None:
        return text("reminder.event_soon", locale, time=f"{_local(info.starts_at, tz):%H:%M}")
    if kind == "nudge":
        return text("reminder.nudge", locale)
    if kind == "snoozed":
        left = (due_day - today).days
        return text("reminder.snoozed" if left > 0 else "reminder.snoozed_today", locale, days=left)
    if kind in ("due", "checkin", "event_day_before"):
        return text(f"reminder.{kind}", locale)
    return text("reminder.due", locale)


def reminder(
    content: Reminded, now: datetime, tz: Any, locale: str, why: str = ""
) -> tuple[str, Buttons]:
    """A reminder card: its rung as the headline, then why it comes now when the rung alone
    does not say it (`why`: first, catch_up, late_linked, late_plan — see engine.why_now)."""
    info = content.duty
    lines = [headline(content.kind, info, content.audience, now, tz, locale)]
    if why and content.audience == "unit":
        lines.append(text(f"why.{why}", locale))
    lines += ["", *task_lines(info, now, tz, locale)]
    if content.audience == "escalated":
        request = text("button.explain_request", locale)
        return "\n".join(lines), [
            [(request, EXPLAIN_REQUEST.data(info.occurrence_id, info.unit_id))]
        ]
    answerable = content.audience == "unit" and info.task_kind != "event"
    return "\n".join(lines), answer_buttons(info, locale) if answerable else []


MAX_BUTTONS = 99


def bundle(
    contents: Sequence[Reminded], now: datetime, tz: Any, locale: str, why: str = ""
) -> tuple[str, Buttons]:
    """Several reminders for one chat at once (after downtime, or on a busy morning): one
    message, one line each, and a button to open each task."""
    units = sorted({c.duty.unit_name for c in contents})
    lines = [text("bundle.head", locale, count=len(contents), unit=", ".join(units))]
    if why and any(c.audience == "unit" for c in contents):
        lines.append(text(f"why.{why}", locale))
    lines.append("")
    buttons: Buttons = []
    row: list[tuple[str, str]] = []
    today = now.astimezone(tz).date()
    for i, content in enumerate(contents, start=1):
        info = content.duty
        lines.append(
            text(
                "bundle.line",
                locale,
                i=i,
                headline=_plain(headline(content.kind, info, content.audience, now, tz, locale)),
                ref=info.task_ref,
                title=short(info.task_title, 120),
                left=left_text(_local(info.due_at, tz).date(), today, locale),
            )
        )
        if i > MAX_BUTTONS:  # Telegram takes 100 buttons at most; the rest open from /viec
            continue
        if content.audience == "unit" and info.task_kind != "event":
            row.append((text("button.open", locale, i=i, ref=info.task_ref),
                        OPEN.data(info.occurrence_id, info.unit_id)))  # fmt: skip
        elif content.audience == "escalated":
            row.append((text("button.explain_open", locale, i=i, ref=info.task_ref),
                        EXPLAIN_REQUEST.data(info.occurrence_id, info.unit_id)))  # fmt: skip
        if len(row) == 3:  # three a row: readable on a phone (Telegram allows 8)
            buttons.append(row)
            row = []
    if row:
        buttons.append(row)
    if buttons:
        lines += ["", text("bundle.hint", locale)]
    return "\n".join(lines), buttons


def _plain(html_text: str) -> str:
    """A headline inside a list line: without its bold, already escaped."""
    return html_text.replace("<b>", "").replace("</b>", "")


def _digest_lines(items: Sequence[Duty], now: datetime, tz: Any, locale: str) -> list[str]:
    today = now.astimezone(tz).date()
    lines = [
        text(
            "digest.line",
            locale,
            unit=i.unit_name,
            ref=i.task_ref,
            title=short(i.task_title, 80),
            left=left_text(_local(i.due_at, tz).date(), today, locale),
        )
        for i in items[:DIGEST_LINES]
    ]
    if len(items) > DIGEST_LINES:
        lines.append(text("digest.more", locale, count=len(items) - DIGEST_LINES))
    return lines


def office_digest(digest: OfficeDigest, now: datetime, tz: Any, locale: str) -> str:
    """The office's morning: what is overdue, by unit (the units most behind first), what
    falls due this week, the answers of the day, and last the units that owe something and
    that nobody receives messages for."""
    today = now.astimezone(tz).date()
    lines = [text("digest.office.head", locale, date=day_text(digest.day, locale)), ""]
    lines.append(text("digest.office.overdue", locale, count=len(digest.overdue)))
    behind: dict[str, list[Duty]] = {}
    for info in digest.overdue:
        behind.setdefault(info.unit_name, []).append(info)
    ranked = sorted(behind.items(), key=lambda kv: (-len(kv[1]), min(i.due_at for i in kv[1])))
    for unit, items in ranked[:DIGEST_LINES]:
        oldest = (today - _local(min(i.due_at for i in items), tz).date()).days
        refs = ", ".join(sorted({i.task_ref for i in items}))
        lines.append(text("digest.office.behind", locale, unit=unit, count=len(items),
                          days=max(oldest, 1), refs=short(refs, 60)))  # fmt: skip
    if len(ranked) > DIGEST_LINES:
        lines.append(text("digest.more_units", locale, count=len(ranked) - DIGEST_LINES))
    lines.append(text("digest.office.due", locale, count=len(digest.due_this_week)))
    lines += _digest_lines(sorted(digest.due_this_week, key=lambda i: i.due_at), now, tz, locale)
    lines.append(text("digest.office.answered", locale, count=digest.answered_today))
    if digest.units_without_members:
        lines.append(text("digest.office.lonely", locale, count=len(digest.units_without_members)))
        lines += [text("digest.name", locale, name=n) for n in digest.units_without_members[:10]]
        if len(digest.units_without_members) > 10:
            more = len(digest.units_without_members) - 10
            lines.append(text("digest.more_units", locale, count=more))
    return "\n".join(lines)


def week_summary(unit_name: str, tasks: Sequence[Duty], now: datetime, tz: Any,
                 locale: str) -> str:  # fmt: skip
    today = now.astimezone(tz).date()
    week = today.isocalendar()
    lines = [text("digest.week.head", locale, unit=unit_name, week=f"{week.week}/{week.year}")]
    for info in tasks[:30]:
        lines.append(
            text(
                "digest.week.line",
                locale,
                ref=info.task_ref,
                title=short(info.task_title, 100),
                left=left_text(_local(info.due_at, tz).date(), today, locale),
                status=text(f"status.{info.status}", locale),
            )
        )
    if len(tasks) > 30:
        lines.append(text("digest.more", locale, count=len(tasks) - 30))
    lines += ["", text("digest.week.hint", locale)]
    return "\n".join(lines)
