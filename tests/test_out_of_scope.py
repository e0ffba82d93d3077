"""A school head says a task is not their unit's ("🚫 Không thuộc phạm vi"): not reminded
while the office decides, the office sees it with the reason and confirms or keeps it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db.models import Assignment, Occurrence, Reminder, ReminderState, ScopeClaim
from db.session import session_scope
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.conftest import OFFICE_ADMIN
from tests.head_story import HEAD, at, head_at_first_card
from tests.test_plan_text import SEED_000


async def office_notice(emu):  # type: ignore[no-untyped-def]
    """The office's message asking it to confirm a unit's "not ours"."""
    return await emu.wait_for(
        lambda: next(
            (m for m in emu.bot_messages(OFFICE_ADMIN) if "không thuộc phạm vi" in m["text"]), None
        )
    )


async def test_not_ours_with_a_reason_then_the_office_agrees(bot, emulator, sessions, clock):
    emu, engine, card, occurrence_id, unit_id, buttons = await head_at_first_card(
        bot, emulator, sessions, clock
    )
    query = emu.press(HEAD, card["message_id"], buttons["🚫 Không thuộc phạm vi"])
    await emu.wait_for(lambda: query in emu.callback_answers)
    asked = await emu.wait_for(
        lambda: (
            "không thuộc phạm vi của đơn vị" in emu.bot_messages(HEAD)[-1]["text"]
            and emu.bot_messages(HEAD)[-1]
        )
    )
    assert "Đề nghị đồng chí ghi ngắn gọn lý do" in asked["text"]
    emu.send_text(HEAD, "Mảng này do Phòng GDĐT quản lý")
    await emu.wait_for(lambda: "Đã gửi lý do" in emu.bot_messages(HEAD)[-1]["text"])

    await engine.tick()  # the office's notice goes now, with the reason
    notice = await office_notice(emu)
    assert "Mảng này do Phòng GDĐT quản lý" in notice["text"]
    with session_scope(sessions) as session:
        task_id = session.scalar(select(Occurrence.task_id).where(Occurrence.id == occurrence_id))
    # While the office decides: the 27th's rung does not reach the unit.
    clock.now = at(27)
    await engine.tick()
    with session_scope(sessions) as session:
        held = session.scalars(
            select(Reminder).where(
                Reminder.unit_id == unit_id,
                Reminder.send_at == at(27),
                Reminder.occurrence_id == occurrence_id,
                Reminder.state == ReminderState.SENT,
            )
        ).all()
    assert held == []

    agree = notice["reply_markup"]["inline_keyboard"][0][0]
    assert agree["text"] == "✅ Đồng ý, bỏ giao"
    query = emu.press(OFFICE_ADMIN, notice["message_id"], agree["callback_data"])
    await emu.wait_for(lambda: query in emu.callback_answers)
    await engine.tick()
    told = await emu.wait_for(lambda: "Văn phòng Sở đồng ý" in emu.bot_messages(HEAD)[-1]["text"])
    assert told
    with session_scope(sessions) as session:
        assert session.get(ScopeClaim, (task_id, unit_id)).state == "confirmed"  # type: ignore[union-attr]
        assert (
            session.scalar(
                select(Assignment).where(
                    Assignment.task_id == task_id, Assignment.unit_id == unit_id
                )
            )
            is None
        )
        # The plan imported again does not give the task back to the unit.
        save_plan(
            session,
            parse_plan_text(SEED_000, date(2024, 10, 1)),
            "kh91.txt",
            "h",
            date(2024, 10, 1),
        )
        assert (
            session.scalar(
                select(Assignment).where(
                    Assignment.task_id == task_id, Assignment.unit_id == unit_id
                )
            )
            is None
        )
    # Pressed again (another admin, the same message): already decided.
    again = emu.press(OFFICE_ADMIN, notice["message_id"], agree["callback_data"])
    await emu.wait_for(lambda: again in emu.callback_answers)
    assert "đã được quyết định" in emu.callback_answers[again]["text"]


async def test_the_office_keeps_it_assigned_and_the_reminders_resume(
    bot, emulator, sessions, clock
):
    from jobs import outbox

    emu, engine, card, occurrence_id, unit_id, buttons = await head_at_first_card(
        bot, emulator, sessions, clock
    )
    query = emu.press(HEAD, card["message_id"], buttons["🚫 Không thuộc phạm vi"])
    await emu.wait_for(lambda: query in emu.callback_answers)
    settings = bot.bot_data["services"].settings

    def targeted() -> bool:
        with session_scope(sessions) as session:
            snap = outbox.snapshot(session, settings, clock.now)
        return any(t.occurrence_id == occurrence_id and t.unit_id == unit_id for t in snap.targets)

    assert not targeted()
    clock.now = at(24).replace(hour=2)  # ten minutes pass without a reason: the notice goes
    await engine.tick()
    notice = await office_notice(emu)
    assert "Lý do: (chưa nêu)" in notice["text"]
    keep = notice["reply_markup"]["inline_keyboard"][1][0]
    query = emu.press(OFFICE_ADMIN, notice["message_id"], keep["callback_data"])
    await emu.wait_for(lambda: query in emu.callback_answers)
    await engine.tick()
    await emu.wait_for(lambda: "vẫn thực hiện" in emu.bot_messages(HEAD)[-1]["text"])
    assert targeted()
