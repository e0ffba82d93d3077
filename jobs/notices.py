"""What the office's actions queue for a unit: a reminder now, a request to explain.

One place for both edges (the office's chat and the web workspace), so a nudge or a request
reads and is keyed the same whoever pressed it; everything goes through the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from duties.model import Duty
from jobs import outbox
from texts import cards, messages
from texts.buttons import EXPLAIN


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
