"""The engine plans on a worker thread: a person is answered while a planning pass runs
(a province's pass takes seconds; the event loop must not wait for it)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from jobs import outbox
from tests.conftest import OFFICE_ADMIN


async def test_a_person_is_answered_while_the_engine_plans(
    bot, emulator, sessions, clock, monkeypatch: Any
):
    emu = emulator.emulator
    planning, answered = threading.Event(), threading.Event()
    real_start = outbox.Pass.start

    def slow_start(*args: Any, **kwargs: Any) -> outbox.Pass:
        planning.set()
        # Planning holds on until the person has their answer: on the event loop, the answer
        # could never come and this would give up. (A pass in one process and a round shared
        # by processes on PostgreSQL both start here.)
        assert answered.wait(10), "nobody was answered while the engine planned"
        return real_start(*args, **kwargs)

    monkeypatch.setattr(outbox.Pass, "start", slow_start)
    tick = asyncio.create_task(bot.bot_data["engine"].tick())
    assert await asyncio.to_thread(planning.wait, 10)
    emu.send_text(OFFICE_ADMIN, "/toi")
    await emu.wait_for(lambda: emu.bot_messages(OFFICE_ADMIN), timeout=5)
    answered.set()
    report = await tick
    assert report.ok and report.planned is not None
