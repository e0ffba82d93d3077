"""A school head snoozes a reminder ("⏰ Nhắc lại sau"): nothing about that task on the days
between, one card on the day they chose, and never past the deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from db.models import Reminder, ReminderState
from db.session import session_scope
from jobs.occurrences import Period
from jobs.schedule import Target, plan
from tests.head_story import HEAD, at, head_at_first_card
from timing.snooze import choices
from timing.workcalendar import WorkCalendar

TZ_CAL = WorkCalendar()


def test_the_choices_are_working_days_and_never_past_the_deadline():
    due = datetime(2024, 12, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 on Tuesday 31/12
    offered = {c.code: c.moment for c in choices(due, at(24), TZ_CAL, time(8))}
    assert offered == {"1": at(25), "3": at(27), "w": at(30)}
    # Friday 27/12: "tomorrow" is Monday (no reminders on a Saturday), next week too: once.
    assert {c.code: c.moment for c in choices(due, at(27), TZ_CAL, time(8))} == {"1": at(30)}
    assert [c.code for c in choices(due, at(30), TZ_CAL, time(8))] == ["1"]
    assert choices(due, at(31), TZ_CAL, time(8)) == []  # due today: nothing to snooze to


def test_a_snooze_holds_the_rungs_before_it_and_sends_one_in_their_place():
    due = datetime(2024, 12, 31, 16, 59, 59, tzinfo=UTC)
    period = Period("once", "deadline", date(2024, 12, 31), due)
    from db.models import Status  # noqa: F401  (the statuses the target may carry)
    from jobs.schedule import Recipient

    target = Target(1, 7, True, period, members=(Recipient(HEAD, 1),))
    window = (at(20), at(31) + timedelta(hours=1))
    before = {(o.kind, o.send_at) for o in plan([target], TZ_CAL, *window)}
    assert ("before", at(27)) in before and ("before", at(30)) in before
    snoozed = Target(1, 7, True, period, members=(Recipient(HEAD, 1),), snoozed_until=at(30))
    after = {(o.kind, o.send_at) for o in plan([snoozed], TZ_CAL, *window)}
    # Every "before" rung up to the 30th gives way (the 24th's was sent before the head
    # snoozed; the outbox keeps it): one card on the 30th, then the deadline's own.
    assert after == {("snoozed", at(30)), ("due", at(31))}


async def test_a_head_snoozes_to_next_week_and_hears_nothing_until_then(
    bot, emulator, sessions, clock
):
    emu, engine, card, occurrence_id, unit_id, labels = await head_at_first_card(
        bot, emulator, sessions, clock
    )
    query = emu.press(HEAD, card["message_id"], labels["⏰ Nhắc lại sau"])
    await emu.wait_for(lambda: query in emu.callback_answers)
    shown = await emu.wait_for(lambda: [
        b for row in emu.bot_messages(HEAD)[-1]["reply_markup"]["inline_keyboard"] for b in row
        if b["text"].startswith("Tuần sau")])  # fmt: skip
    assert shown[0]["text"] == "Tuần sau (30/12)"
    query = emu.press(HEAD, card["message_id"], shown[0]["callback_data"])
    await emu.wait_for(lambda: query in emu.callback_answers)
    assert "08:00 30/12/2024" in emu.callback_answers[query]["text"]

    for day in (25, 26, 27, 30):
        clock.now = at(day)
        await engine.tick()
    with session_scope(sessions) as session:
        rows = session.scalars(
            select(Reminder).where(Reminder.occurrence_id == int(occurrence_id),
                                   Reminder.unit_id == int(unit_id), Reminder.chat_id == HEAD)
        ).all()  # fmt: skip
        sent = sorted((r.sent_at, r.kind) for r in rows if r.state == ReminderState.SENT)
    # Before the snooze: the 24th's (and the 17th's, caught up on the first start). After
    # it: nothing on the 25th, 26th or 27th (the 3-day rung), one card on the 30th.
    assert all(at_ == at(24) for at_, kind in sent if kind == "before")
    assert [(at_, kind) for at_, kind in sent if at_ > at(24)] == [(at(30), "snoozed")]
    assert not [r for r in rows if r.send_at == at(27) and r.state != ReminderState.SKIPPED]
    # On its own card, or a line of the morning's bundle: it says why it comes.
    assert any("Nhắc lại theo hẹn — còn 1 ngày đến hạn" in m["text"]
               for m in emu.bot_messages(HEAD)[-4:])  # fmt: skip
