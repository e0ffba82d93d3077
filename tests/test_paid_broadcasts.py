"""Paid broadcasts: an office that pays Telegram (0.1 Star a message) sends its reminders past
the free 30 a second, up to the rate it set; replies to people stay free, and the per-chat and
per-group limits hold either way."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.app import build_application, start_application, stop_application
from bot.limiter import PriorityRateLimiter
from bot.services import Services
from config import ConfigError, load_settings
from emulator.state import ApiError, Emulator
from jobs import outbox
from jobs.sender import Rates
from tests.conftest import BOT_TOKEN, OFFICE_ADMIN, emulator_settings

CHATS = range(3_000_000, 3_000_090)


def settings(**env: str) -> Any:
    return load_settings({"TELEGRAM_BOT_TOKEN": BOT_TOKEN, **env}, env_file=None)


def test_paid_broadcasts_are_off_unless_the_office_sets_a_rate_past_the_free_30():
    assert settings().paid_broadcast_rate == 0
    assert settings(PAID_BROADCAST_RATE="1000").paid_broadcast_rate == 1000
    for wrong in ("20", "1001", "nhanh"):
        with pytest.raises(ConfigError) as error:
            settings(PAID_BROADCAST_RATE=wrong)
        assert error.value.variable == "PAID_BROADCAST_RATE"


def test_the_pace_the_connections_and_the_sends_in_flight_follow_the_rate():
    free, paid = Rates(), Rates(1000)
    assert free.outbox < 30 and free.connections == 8 and free.in_flight == 64
    # The limit's worth of slots spans at least 1.03 s: a request that reaches Telegram up to
    # 30 ms after the one before it still never makes one too many in a second (paid slots at
    # 98.5 %, a 15 ms margin, met 429s in a broadcast of 5,000).
    assert 30 / free.free_slots >= 1.03 and 1000 / paid.paid_slots >= 1.03
    assert free.outbox < free.free_slots and paid.outbox < paid.paid_slots
    assert 950 <= paid.outbox < 1000
    # At a 100 ms round trip, 1,000 a second needs about 100 requests under way.
    assert paid.connections >= 100 and paid.in_flight >= 100


async def test_a_paid_message_does_not_wait_for_a_free_slot():
    limiter = PriorityRateLimiter(Rates(paid=1000, free=0.01))  # one free slot per 100 s
    sent: list[str] = []

    def send(name: str) -> Any:
        async def call() -> dict[str, Any]:
            sent.append(name)
            return {"ok": True}

        return call

    def request(name: str, chat: int, **extra: Any) -> Any:
        return limiter.process_request(send(name), (), {}, "sendMessage",
                                       {"chat_id": chat, **extra}, None)  # fmt: skip

    await request("free", 1)
    waiting = asyncio.create_task(request("free again", 2))
    await asyncio.wait_for(request("paid", 3, allow_paid_broadcast=True), 5)
    assert sent == ["free", "paid"]  # the second free message still waits its slot
    waiting.cancel()
    await limiter.shutdown()


def test_the_emulator_counts_paid_messages_against_their_own_thousand_a_second():
    emu = Emulator()
    emu.limits.enforce = True
    emu.clock = lambda: 100.0  # every message in the same second
    for chat in range(30):
        emu.check_limits("sendMessage", chat)
    with pytest.raises(ApiError):
        emu.check_limits("sendMessage", 30)  # the free 30 are used up
    for chat in range(100, 1100):
        emu.check_limits("sendMessage", chat, paid=True)  # paid ones are not
    with pytest.raises(ApiError) as error:
        emu.check_limits("sendMessage", 2000, paid=True)
    assert error.value.code == 429 and emu.stats["http_429_paid"] == 1
    assert emu.stats["paid_messages"] == 1000
    with pytest.raises(ApiError):  # one chat still gets one a second, paid or not
        emu.check_limits("sendMessage", 100, paid=True)


@pytest.mark.parametrize("rate", ["1000", "0"])
async def test_the_outbox_sends_as_paid_broadcasts_only_when_the_office_pays(
    emulator, db_url, sessions, clock, rate
):
    emu = emulator.emulator
    emu.limits.enforce = True
    emu.user(OFFICE_ADMIN)
    for chat in CHATS:
        emu.user(chat)
    env = {"OFFICE_ADMINS": str(OFFICE_ADMIN), "PAID_BROADCAST_RATE": rate}
    application = build_application(Services(emulator_settings(emulator, db_url, **env),
                                             sessions, clock))  # fmt: skip
    await start_application(application, poll_timeout=0.3)
    try:
        engine = application.bot_data["engine"]
        with sessions.begin() as session:
            outbox.insert_reminders(session, [
                outbox.new_row(f"paid:{chat}", chat, "notice", clock() - timedelta(minutes=1),
                               {"text": f"Nhắc hạn số {chat}"})
                for chat in CHATS
            ])  # fmt: skip
        emu.send_text(OFFICE_ADMIN, "/toi")
        report = await engine.tick()
        await emu.wait_for(lambda: emu.bot_messages(OFFICE_ADMIN), timeout=10)
    finally:
        await stop_application(application)
    assert report.sent == len(CHATS) and all(len(emu.bot_messages(c)) == 1 for c in CHATS)
    sends = [params for method, params in emu.calls if method == "sendMessage"]
    to_units = [p for p in sends if int(p["chat_id"]) in CHATS]
    reply = [p for p in sends if int(p["chat_id"]) == OFFICE_ADMIN]
    flagged = {str(p.get("allow_paid_broadcast", "")).lower() == "true" for p in to_units}
    assert flagged == {rate != "0"}
    assert reply and not any("allow_paid_broadcast" in p for p in reply)  # replies stay free
    assert emu.stats["paid_messages"] == (len(CHATS) if rate != "0" else 0)
    assert emu.stats["http_429"] == 0  # free or paid, each under its own limit
