"""Reminders through real python-telegram-bot and the local Bot API emulator: what a school
head's phone shows, and a broadcast that stays inside Telegram's limits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from db.models import Reminder, ReminderState
from db.session import session_scope
from jobs import outbox
from tests.head_story import HEAD, seed


async def test_a_head_receives_one_bundle_in_vietnamese_with_a_button_per_task(
    bot, emulator, sessions, clock
):
    emu = emulator.emulator
    emu.user(HEAD, first_name="Hiệu")
    seed(sessions)
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
    labels = [b["text"] for row in keyboard for b in row]
    assert labels[0].startswith("📋 (1) việc "), "the list number and the task ref kept apart"
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


async def test_telegram_faults_through_the_emulator_are_retried_or_reported(
    bot, emulator, sessions, clock
):
    """500, 502, a stalled request, a body that is not JSON, 429, 403, 400 — and the Bot API
    refusing connections for a minute: the bot keeps running, retries with backoff, and
    records what it gave up on."""
    from sqlalchemy import select

    from db.models import Reminder

    emu = emulator.emulator
    chats = list(range(6100, 6108))
    for chat in chats:
        emu.user(chat)
    for kind, chat, extra in [
        ("server_error", 6101, {}), ("bad_gateway", 6102, {}), ("timeout", 6103, {"seconds": 6}),
        ("malformed", 6104, {}), ("blocked", 6105, {"times": 10}),
        ("chat_not_found", 6106, {"times": 10}), ("retry_after", 6107, {"retry_after": 1}),
    ]:  # fmt: skip
        emu.add_fault(kind, method="sendMessage", chat_id=chat, **extra)
    with session_scope(sessions) as session:
        outbox.insert_reminders(
            session, [outbox.new_row(f"f:{c}", c, "notice", clock.now, {"text": f"Tin {c}"})
                      for c in chats]
        )  # fmt: skip
    engine = bot.bot_data["engine"]
    first = await engine.tick()
    assert not first.error and first.gone == 2 and first.retried == 4

    await emulator.stop()  # the Bot API refuses connections for a minute
    clock.advance(seconds=60)
    down = await engine.tick()
    assert not down.error
    await emulator.start()  # same port
    for _ in range(6):
        clock.advance(minutes=15)
        await engine.tick()
    got = {c: len(emu.bot_messages(c)) for c in chats}
    assert got[6100] == got[6101] == got[6102] == got[6104] == got[6107] == 1
    assert got[6103] >= 1, "a stalled send is retried (it may arrive twice: the README's bound)"
    assert got[6105] == got[6106] == 0
    with sessions() as session:
        rows = {r.chat_id: r for r in session.scalars(select(Reminder))}
    assert {c for c, r in rows.items() if r.state.value == "sent"} == set(chats) - {6105, 6106}
    assert "403" in rows[6105].last_error and "chat not found" in rows[6106].last_error.lower()
