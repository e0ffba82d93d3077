"""Reminders through real python-telegram-bot and the local Bot API emulator: what a school
head's phone shows, and a broadcast that stays inside Telegram's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from db.models import Member, Reminder, ReminderState, Role
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from jobs import outbox
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.test_plan_text import SEED_000

HEAD = 5001


async def test_a_head_receives_one_bundle_in_vietnamese_with_a_button_per_task(
    bot, emulator, sessions, clock
):
    emu = emulator.emulator
    emu.user(HEAD, first_name="Hiệu")
    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91.txt", "h",
                  date(2024, 10, 1))  # fmt: skip
        unit = unit_by_code(session, "SGDDT")
        assert unit is not None
        session.add(Member(unit_id=unit.id, telegram_user_id=HEAD, chat_id=HEAD,
                           full_name="Hiệu", role=Role.HEAD))  # fmt: skip
    clock.now = datetime(2024, 12, 17, 1, 0, tzinfo=UTC)  # 08:00 on the 14-day rung
    report = await bot.bot_data["engine"].tick()
    assert not report.error and report.messages >= 1
    messages = emu.bot_messages(HEAD)
    bundle = next(m for m in messages if "việc cần chú ý" in m["text"])
    assert "Nhắc hạn — còn 14 ngày" in bundle["text"]
    assert "<b>" not in bundle["text"], "HTML was rendered, not shown"
    keyboard = bundle["reply_markup"]["inline_keyboard"]
    data = [b["callback_data"] for row in keyboard for b in row]
    assert data and all(d.startswith("o:") and len(d.encode()) <= 64 for d in data)
    with sessions() as session:
        sent = session.scalars(
            select(Reminder).where(Reminder.chat_id == HEAD, Reminder.state == ReminderState.SENT)
        ).all()
    assert {r.telegram_message_id for r in sent} == {bundle["message_id"]}


async def test_a_broadcast_within_telegrams_limits_arrives_once_per_chat(
    bot, emulator, sessions, clock
):
    emu = emulator.emulator
    emu.limits.enforce = True
    chats = list(range(6000, 6090))
    for chat in chats:
        emu.user(chat)
    rows = [
        outbox.new_row(f"b:{chat}", chat, "notice", clock.now, {"text": f"Thông báo số {chat}"})
        for chat in chats
    ]  # fmt: skip
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, rows)
    report = await bot.bot_data["engine"].tick()
    while report.retried:  # a 429 (timing on a loaded machine) is retried, not lost
        clock.advance(seconds=60)
        report = await bot.bot_data["engine"].tick()
    assert all(len(emu.bot_messages(chat)) == 1 for chat in chats), "each exactly once"
    # How close the pacing stays to Telegram's limit is a figure: bench/broadcast.py.
