"""The answering actions: each takes `(session, actor, key, input, now)` and returns an
`Outcome` — data saying what was recorded, what the chat is asked next, and what to tell
whom — that the edge (the chat, the web workspace) renders. The permission check, the duty
read and the rules are applied here, once, for every edge.

`key` is a duty's (occurrence id, unit id). The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from db.models import (
    Assignment,
    AuditLog,
    ChatState,
    Member,
    Occurrence,
    Reminder,
    ReminderState,
    ScopeClaim,
    Snooze,
    Status,
)
from duties import answers, query, rules
from duties.answers import Recorded
from duties.model import Duty
from duties.permissions import Action, Actor, authorize
from timing.snooze import Choice, chosen
from timing.workcalendar import WorkCalendar

Key = tuple[int, int]  # (occurrence id, unit id)

NOTE, FILE = rules.NOTE, rules.FILE


@dataclass(frozen=True)
class Outcome:
    """What an action did: refused, the duty gone, or done (and what was recorded)."""

    allowed: bool
    duty: Duty | None  # as it stands after the action
    recorded: Recorded | None = None
    asks: str = ""  # what the chat is asked next ("" nothing)
    checklist: tuple[int, int] | None = None  # (ticked, total) when a checklist was sent

    @property
    def problem(self) -> str | None:
        """The catalog key of why nothing was done, or None."""
        if not self.allowed:
            return "answer.refused"
        if self.duty is None:
            return "answer.gone"
        return None


def member_id(actor: Actor) -> int | None:
    return actor.member.id if actor.member is not None else None


def ask(
    session: Session, chat_id: int, member: Member | None, kind: str, data: dict[str, Any],
    now: datetime,
) -> None:  # fmt: skip
    """Remember what the chat is asked (it survives a restart)."""
    state = session.get(ChatState, chat_id) or ChatState(chat_id=chat_id)
    state.kind, state.data, state.updated_at = kind, data, now
    state.member_id = member.id if member is not None else None
    session.merge(state)


def about(duty: Duty, **extra: Any) -> dict[str, Any]:
    """What a question about a duty carries in ChatState.data."""
    return {"occurrence_id": duty.occurrence_id, "unit_id": duty.unit_id, "ref": duty.task_ref,
            **extra}  # fmt: skip


def look(
    session: Session, actor: Actor, key: Key, now: datetime, what: str,
    action: Action = Action.UNIT,
) -> Outcome:  # fmt: skip
    """May the actor act on this duty, and what is it now. A refusal is audited."""
    occurrence_id, unit_id = key
    allowed = authorize(
        session, actor, action, now, unit_id=unit_id, what=what,
        detail={"occurrence_id": occurrence_id},
    )  # fmt: skip
    duty = query.one(session, occurrence_id, unit_id, now) if allowed else None
    return Outcome(allowed, duty)


def record(
    session: Session, key: Key, member: int | None, status: Status, now: datetime,
    note: str = "", due_at: datetime | None = None,
) -> Recorded:  # fmt: skip
    """An answer appended and the unit's status moved, marked late by the duty's rule."""
    occurrence_id, unit_id = key
    if due_at is None:
        due_at = answers.due_at(session, occurrence_id)
    late = rules.answered_late(due_at, now)
    return answers.record_answer(session, occurrence_id, unit_id, member, status, now,
                                 late=late, note=note)  # fmt: skip


def press(
    session: Session, actor: Actor, key: Key, choice: Status | None, now: datetime, chat_id: int
) -> Outcome:
    """A status button (`choice`), or 📎 (None: the chat is asked for a file)."""
    seen = look(session, actor, key, now, "answer")
    duty = seen.duty
    if duty is None:
        return seen
    if choice is None:
        ask(session, chat_id, actor.member, FILE, about(duty), now)
        return replace(seen, asks=FILE)
    recorded = record(session, key, member_id(actor), choice, now, due_at=duty.due_at)
    asks = rules.asked_after(choice.value)
    if asks:
        ask(session, chat_id, actor.member, asks, about(duty, status=choice.value), now)
    status, late = recorded.status.value, recorded.late
    category, overdue = rules.standing(status, late, duty.due_at, now)
    after = replace(duty, status=status, late=late, category=category, overdue=overdue)
    return Outcome(True, after, recorded, asks)


def note(session: Session, actor: Actor, key: Key, text: str, now: datetime) -> Outcome:
    """A note is an answer of its own: the history keeps it beside the status it explains."""
    seen = look(session, actor, key, now, "note")
    if seen.duty is None:
        return seen
    status = Status(seen.duty.status)
    recorded = record(session, key, member_id(actor), status, now, note=text,
                      due_at=seen.duty.due_at)  # fmt: skip
    return replace(seen, recorded=recorded)


def attach(
    session: Session, actor: Actor, key: Key, file: dict[str, Any], now: datetime
) -> Outcome:
    """A report file, kept with the unit's latest answer (`file`: the attachment's fields)."""
    seen = look(session, actor, key, now, "file")
    if seen.duty is not None:
        answers.save_attachment(session, key[0], key[1], member_id(actor), now, **file)
    return seen


def tick(session: Session, actor: Actor, key: Key, item_id: int, now: datetime) -> Outcome:
    seen = look(session, actor, key, now, "checklist")
    if seen.duty is None:
        return seen
    try:
        answers.toggle_checklist(session, key[0], key[1], item_id, member_id(actor), now)
    except LookupError:
        return replace(seen, duty=None)
    return seen


def send_checklist(session: Session, actor: Actor, key: Key, now: datetime) -> Outcome:
    """Every item ticked is done, else in progress, with the count in the note."""
    seen = look(session, actor, key, now, "checklist")
    if seen.duty is None:
        return seen
    state = answers.checklist_state(session, key[0], key[1])
    done, total = sum(1 for _, c in state if c), len(state)
    answers.mark_checklist_sent(session, key[0], key[1], now)
    status = rules.checklist_status(done, total)
    counted = f"Danh sách kiểm tra: {done}/{total}"
    recorded = record(
        session, key, member_id(actor), status, now, note=counted, due_at=seen.duty.due_at
    )
    return replace(seen, recorded=recorded, checklist=(done, total))


def request_explanation(session: Session, actor: Actor, key: Key, now: datetime) -> Outcome:
    """The office asks a unit why (the edge sends the unit the notice)."""
    seen = look(session, actor, key, now, "explanation_request", Action.OFFICE)
    if seen.duty is not None:
        answers.request_explanation(session, key[0], key[1], now)
    return seen


def explain(session: Session, actor: Actor, key: Key, text: str, now: datetime) -> Outcome:
    """The unit's explanation (the edge tells the office)."""
    seen = look(session, actor, key, now, "explanation")
    if seen.duty is not None:
        answers.save_explanation(session, key[0], key[1], member_id(actor), text, now)
    return seen


def nudge(session: Session, actor: Actor, occurrence_id: int, now: datetime) -> list[Duty] | None:
    """The office reminds, now, every unit still silent on an occurrence: the duties to
    remind (the edge queues the messages), or None when the actor may not."""
    if not authorize(session, actor, Action.OFFICE, now, what="nudge"):
        return None
    return query.silent(session, occurrence_id, now)


def answer(
    session: Session, actor: Actor, key: Key, status: Status, text: str, now: datetime
) -> Outcome:
    """A status and its note at once (the workspace's answer form): one answer row."""
    seen = look(session, actor, key, now, "answer")
    if seen.duty is None:
        return seen
    recorded = record(session, key, member_id(actor), status, now, note=text,
                      due_at=seen.duty.due_at)  # fmt: skip
    category, overdue = rules.standing(recorded.status.value, recorded.late, seen.duty.due_at,
                                       now)  # fmt: skip
    after = replace(seen.duty, status=recorded.status.value, late=recorded.late,
                    category=category, overdue=overdue)  # fmt: skip
    return Outcome(True, after, recorded)


def set_checklist(
    session: Session, actor: Actor, key: Key, ticked: set[int], now: datetime
) -> Outcome:
    """A checklist sent as one page: the items ticked are `ticked`, then it is sent."""
    seen = look(session, actor, key, now, "checklist")
    if seen.duty is None:
        return seen
    for item_id, checked in answers.checklist_state(session, key[0], key[1]):
        if checked != (item_id in ticked):
            answers.toggle_checklist(session, key[0], key[1], item_id, member_id(actor), now)
    return send_checklist(session, actor, key, now)


def submit_form(
    session: Session, actor: Actor, key: Key, form_id: int, title: str,
    final: dict[str, Any], now: datetime,
) -> Outcome:  # fmt: skip
    """A form's answers, complete and checked by the edge, sent: the duty is done. A form
    already sent may be corrected until the deadline (`rules.form_closed`)."""
    seen = look(session, actor, key, now, "form")
    if seen.duty is None:
        return seen
    submission = answers.form_submission(session, form_id, key[0], key[1])
    if rules.form_closed(bool(submission.answers.get("final")), seen.duty.due_at, now):
        return replace(seen, duty=None, asks="closed")
    submission.answers = {"final": final}
    submission.submitted_at = submission.updated_at = now
    submission.member_id = member_id(actor)
    recorded = record(session, key, submission.member_id, Status.DONE, now,
                      note=f"Đã gửi biểu mẫu: {title}", due_at=seen.duty.due_at)  # fmt: skip
    return replace(seen, recorded=recorded)


def snooze(
    session: Session, actor: Actor, key: Key, code: str, now: datetime, calendar: WorkCalendar,
    send_at: time,
) -> tuple[Outcome, Choice | None]:  # fmt: skip
    """ "⏰ Nhắc lại sau": the unit's reminders of this duty are held until the chosen moment
    and one comes then. None when the choice is no longer offered (the deadline is near, the
    duty is done)."""
    seen = look(session, actor, key, now, "snooze")
    duty = seen.duty
    if duty is None or duty.status == "done" or duty.task_kind == "event":
        return seen, None
    choice = chosen(code, duty.due_at, now, calendar, send_at)
    if choice is None:
        return seen, None
    row = session.get(Snooze, key) or Snooze(occurrence_id=key[0], unit_id=key[1])
    row.until, row.member_id, row.created_at = choice.moment, member_id(actor), now
    session.merge(row)
    # What the outbox already holds for the unit before that moment (and any earlier snooze's
    # card) stops; the planner holds the rest back in every later pass.
    session.execute(
        update(Reminder)
        .where(
            Reminder.occurrence_id == key[0],
            Reminder.unit_id == key[1],
            Reminder.state == ReminderState.PENDING,
            or_(
                Reminder.kind == "snoozed",
                Reminder.kind.in_(("before", "due")) & (Reminder.send_at <= choice.moment),
            ),
        )
        .values(state=ReminderState.SKIPPED, last_error="snoozed")
    )
    session.add(AuditLog(at=now, actor_user_id=actor.user_id, action="snoozed",
                         unit_id=key[1], detail={"occurrence_id": key[0],
                                                 "until": choice.moment.isoformat()}))  # fmt: skip
    return seen, choice


OUT_OF_SCOPE = "out_of_scope"  # the chat is asked why a task is not the unit's


def claim_out_of_scope(
    session: Session, actor: Actor, key: Key, now: datetime, chat_id: int | None = None
) -> tuple[Outcome, int | None]:
    """ "Không thuộc phạm vi": the unit says the task is not its own. Its reminders of the
    task stop until the office decides; the chat is asked why (optional). Returns the task's
    id when a new claim was made (the office is then told), None otherwise."""
    seen = look(session, actor, key, now, "out_of_scope")
    duty = seen.duty
    if duty is None or duty.status == "done":
        return seen, None
    task_id = session.scalar(select(Occurrence.task_id).where(Occurrence.id == key[0]))
    assert task_id is not None
    claim = session.get(ScopeClaim, (task_id, key[1]))
    fresh = claim is None or claim.state == "rejected"
    if claim is None:
        claim = ScopeClaim(task_id=task_id, unit_id=key[1])
        session.add(claim)
    if fresh:
        claim.state, claim.reason, claim.claimed_at = "pending", "", now
        claim.member_id, claim.decided_by, claim.decided_at = member_id(actor), None, None
    session.execute(
        update(Reminder)
        .where(
            Reminder.unit_id == key[1],
            Reminder.state == ReminderState.PENDING,
            Reminder.occurrence_id.in_(select(Occurrence.id).where(Occurrence.task_id == task_id)),
            Reminder.kind != "notice",
        )
        .values(state=ReminderState.SKIPPED, last_error="out of scope (claimed)")
    )
    session.add(AuditLog(at=now, actor_user_id=actor.user_id, action="out_of_scope_claimed",
                         unit_id=key[1], detail={"task_id": task_id}))  # fmt: skip
    if chat_id is not None:
        ask(session, chat_id, actor.member, OUT_OF_SCOPE, about(duty, task_id=task_id), now)
    return replace(seen, asks=OUT_OF_SCOPE if chat_id is not None else ""), (
        task_id if fresh else None
    )


def scope_reason(session: Session, actor: Actor, key: Key, text: str, now: datetime) -> Outcome:
    """Why the task is not the unit's: kept on the claim for the office."""
    seen = look(session, actor, key, now, "out_of_scope")
    if seen.duty is None:
        return seen
    task_id = session.scalar(select(Occurrence.task_id).where(Occurrence.id == key[0]))
    claim = session.get(ScopeClaim, (task_id, key[1]))
    if claim is not None and claim.state == "pending":
        claim.reason = text
    return seen


def decide_scope(
    session: Session, actor: Actor, task_id: int, unit_id: int, confirm: bool, now: datetime
) -> ScopeClaim | None:
    """The office confirms (the unit is no longer assigned) or rejects (reminders resume) a
    pending claim; None when refused or nothing is pending."""
    if not authorize(session, actor, Action.OFFICE, now, unit_id=unit_id, what="scope_decide"):
        return None
    claim = session.get(ScopeClaim, (task_id, unit_id))
    if claim is None or claim.state != "pending":
        return None
    claim.state = "confirmed" if confirm else "rejected"
    claim.decided_by, claim.decided_at = actor.user_id, now
    if confirm:
        session.execute(
            delete(Assignment).where(Assignment.task_id == task_id, Assignment.unit_id == unit_id)
        )
    session.add(AuditLog(at=now, actor_user_id=actor.user_id, action=f"out_of_scope_{claim.state}",
                         unit_id=unit_id, detail={"task_id": task_id}))  # fmt: skip
    return claim
