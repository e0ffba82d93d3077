"""A head who links after a rung was due gets it caught up with the day's own: one bundle,
and each task in it once."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import Reminder, ReminderState
from tests.head_story import HEAD, at, seed


async def test_a_caught_up_rung_and_todays_name_each_task_once(bot, emulator, sessions, clock):
    emu = emulator.emulator
    emu.user(HEAD, first_name="Hiệu")
    seed(sessions)  # linked on the 24th: the 14-day rung (the 17th) was never sent
    clock.now = at(24)
    await bot.bot_data["engine"].tick()
    bundle = next(m for m in emu.bot_messages(HEAD) if "việc cần chú ý" in m["text"])
    refs = re.findall(r"Việc (\d+\.\d+):", bundle["text"])
    assert refs and len(refs) == len(set(refs)), refs
    assert f"{len(refs)} việc cần chú ý" in bundle["text"]
    keyboard = bundle["reply_markup"]["inline_keyboard"]
    assert sum(len(row) for row in keyboard) == len(refs) and max(map(len, keyboard)) <= 3
    with sessions() as session:
        sent = session.scalars(select(Reminder.idempotency_key).where(
            Reminder.chat_id == HEAD, Reminder.state == ReminderState.SENT)).all()  # fmt: skip
    # Both rungs of each task are recorded as sent (neither comes again).
    caught_up, today = (sum(f":before:{days}@" in k for k in sent) for days in (14, 7))
    assert caught_up == today == len(refs)
