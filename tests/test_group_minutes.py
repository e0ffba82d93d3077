"""Telegram's 20 messages a minute in one group: one count of a group's minute, kept by the
rate limiter for every message and read by the engine before it sends."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.limiter import PriorityRateLimiter
from jobs.sender import GroupMinutes, Rates

GROUP = -1001


def test_a_groups_minute_fills_and_frees_a_minute_after_each_message():
    minutes = GroupMinutes()
    for second in range(20):
        assert minutes.room(GROUP, 1000.0 + second) == 20 - second
        minutes.record(GROUP, 1000.0 + second)
    assert minutes.room(GROUP, 1019.5) == 0
    assert minutes.free_at(GROUP, 1019.5) == 1060.0  # the first message's minute is over
    assert minutes.free_at(GROUP, 1019.5, needed=3) == 1062.0
    assert minutes.room(GROUP, 1060.0) == 1
    assert minutes.room(-2002, 1019.5) == 20, "another group has its own minute"
    assert minutes.room(GROUP, 900.0) == 20, "a clock set back starts the minute afresh"


async def test_the_limiter_holds_the_21st_message_to_a_group_until_the_minute_has_room(
    monkeypatch: Any,
):
    now = [5000.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:  # time is the test's: nothing really sleeps
        waited.append(seconds)
        now[0] += seconds

    limiter = PriorityRateLimiter(Rates(free=1e9), clock=lambda: now[0])

    async def send() -> dict[str, Any]:
        return {"ok": True}

    for i in range(20):
        now[0] = 5000.0 + i
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": GROUP}, None)
    assert waited == []
    monkeypatch.setattr(asyncio, "sleep", sleep)
    now[0] = 5030.0
    await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": GROUP}, None)
    assert waited == [30.0]  # until 5060, a minute after the first
    # A private chat is not held by a group's minute.
    await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 42}, None)
    assert waited == [30.0]
