"""What the office's actions queue for a unit: a reminder now, a request to explain.

One place for both edges (the office's chat and the web workspace), so a nudge or a request
reads and is keyed the same whoever pressed it; everything goes through the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from config import Settings
from db.groups import unlink_group
from db.models import GroupChat, Reminder, ReminderState, Unit
from duties.model import Duty
from jobs import outbox
from texts import cards, messages
from texts.buttons import EXPLAIN, SCOPE_DECIDE


def queue_nudges(session: Session, rows: Iterable[Duty], now: datetime) -> tuple[int, int]:
    """A reminder now to every person of each duty's unit: (messages queued, units)."""
    outgoing, units = [], 0
    for row in rows:
        units += 1
        for person in outbox.unit_recipients(session, row.unit_id):
            key = (f"nudge:{row.occurrence_id}:{row.unit_id}:{person.ref}:"
                   f"{now:%Y%m%d%H%M%S}")  # fmt: skip
            outgoing.append(
                outbox.new_row(key, person.chat_id, "nudge", now, {"audience": "unit"},
                               row.occurrence_id, row.unit_id, person.member_id)
            )  # fmt: skip
    outbox.insert_reminders(session, outgoing)
    return len(outgoing), units


def queue_explanation_request(
    session: Session, duty: Duty, now: datetime, locale: str, tz: tzinfo
) -> int:
    """The formal request to explain, with the button that answers it: messages queued."""
    body = messages.text(
        "explain.notice",
        locale,
        unit=duty.unit_name,
        ref=duty.task_ref,
        title=cards.short(duty.task_title, 300),
        due=cards.day_text(duty.due_at.astimezone(tz).date(), locale),
    )
    button = [[(messages.text("button.explain", locale),
                EXPLAIN.data(duty.occurrence_id, duty.unit_id))]]  # fmt: skip
    return outbox.notify(
        session,
        outbox.unit_recipients(session, duty.unit_id),
        f"explain:{duty.occurrence_id}:{duty.unit_id}:{now:%Y%m%d%H%M%S}",
        body,
        now,
        duty.unit_id,
        button,
        audience="unit",
    )


# ---- "Không thuộc phạm vi" -------------------------------------------------------------------

REASON_WAIT = timedelta(minutes=10)  # the office's notice waits this long for the unit's why


def _scope_key(task_id: int, unit_id: int, claimed_at: datetime) -> str:
    return f"notice:scope:{task_id}:{unit_id}:{claimed_at:%Y%m%d%H%M%S}"


def _scope_payload(duty: Duty, task_id: int, reason: str, locale: str) -> dict[str, Any]:
    # The catalog escapes what it is given.
    title = cards.short(duty.task_title, 300)
    why = reason or messages.text("scope.no_reason", locale)
    body = messages.text("scope.office_notice", locale, unit=duty.unit_name, ref=duty.task_ref,
                         plan=duty.plan_ref, title=title, reason=why)  # fmt: skip
    rows = [[[messages.text("button.scope_confirm", locale),
              SCOPE_DECIDE.data(task_id, duty.unit_id, "y")]],
            [[messages.text("button.scope_reject", locale),
              SCOPE_DECIDE.data(task_id, duty.unit_id, "n")]]]  # fmt: skip
    return {"text": body, "audience": "office", "buttons": rows}


def queue_scope_claim(
    session: Session, settings: Settings, duty: Duty, task_id: int, claimed_at: datetime,
    locale: str,
) -> int:  # fmt: skip
    """The office is asked to confirm, once the unit had a moment to say why."""
    payload = _scope_payload(duty, task_id, "", locale)
    key = _scope_key(task_id, duty.unit_id, claimed_at)
    return _to_office(session, settings, key, claimed_at + REASON_WAIT, payload, duty.unit_id)


def _to_office(
    session: Session, settings: Settings, key: str, send_at: datetime, payload: dict[str, Any],
    unit_id: int,
) -> int:  # fmt: skip
    rows = [outbox.new_row(f"{key}:{p.ref}", p.chat_id, "notice", send_at, payload,
                           unit_id=unit_id, member_id=p.member_id)
            for p in outbox.office_recipients(session, settings)]  # fmt: skip
    outbox.insert_reminders(session, rows)
    return len(rows)


def add_scope_reason(
    session: Session, settings: Settings, duty: Duty, task_id: int, claimed_at: datetime,
    reason: str, now: datetime, locale: str,
) -> None:  # fmt: skip
    """The unit's why: into the waiting notice, which goes now (or, when it already went, a
    second notice with the reason)."""
    payload = _scope_payload(duty, task_id, reason, locale)
    key = _scope_key(task_id, duty.unit_id, claimed_at)
    waiting = session.execute(
        update(Reminder)
        .where(Reminder.idempotency_key.startswith(key + ":"),
               Reminder.state == ReminderState.PENDING)
        .values(payload=payload, send_at=now)
    ).rowcount  # fmt: skip
    if not waiting:
        _to_office(session, settings, f"{key}:why", now, payload, duty.unit_id)


def queue_scope_decision(
    session: Session, duty_unit: int, unit_name: str, ref: str, confirmed: bool, now: datetime,
    locale: str,
) -> int:  # fmt: skip
    """The unit hears what the office decided."""
    key = "scope.confirmed" if confirmed else "scope.rejected"
    body = messages.text(key, locale, ref=ref, unit=unit_name)
    return outbox.notify(session, outbox.unit_recipients(session, duty_unit),
                         f"scope-decided:{duty_unit}:{ref}:{now:%Y%m%d%H%M%S}", body, now,
                         duty_unit, audience="unit")  # fmt: skip


def lose_group(session: Session, settings: Settings, chat_id: int, reason: str,
               now: datetime) -> None:  # fmt: skip
    """A linked group no longer reaches anyone (the bot was removed, the group deleted): it is
    unlinked (`reason` kept for the audit log), and the office and the unit's own people are
    told, the group excepted."""
    group = unlink_group(session, chat_id, reason, now)
    if group is not None:
        _queue_group_lost(session, settings, group, "group.removed", now)


def _queue_group_lost(
    session: Session, settings: Settings, group: GroupChat, reason_key: str, now: datetime
) -> int:
    locale = settings.locale
    unit = session.get(Unit, group.unit_id) if group.unit_id is not None else None
    body = messages.text(
        "group.lost", locale, title=group.title or str(group.chat_id),
        owner=unit.name if unit is not None else messages.text("group.office", locale),
        reason=messages.text(reason_key, locale),
    )  # fmt: skip
    people = [p for p in outbox.office_recipients(session, settings) if p.chat_id != group.chat_id]
    if unit is not None:
        people += outbox.unit_recipients(session, unit.id, groups=False)
    unique = list({p.ref: p for p in people}.values())
    return outbox.notify(session, unique, f"group-lost:{group.id}:{now:%Y%m%d%H%M%S}", body, now,
                         group.unit_id)  # fmt: skip
