"""What Telegram accepted is recorded many rows per statement and commit, not three
statements and a commit for each message: the bot's CPU goes to sending."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from config import Settings
from db.models import Heartbeat, Reminder, ReminderState
from db.session import session_scope
from jobs import outbox
from jobs.engine import RECORD_ROOM, Engine
from jobs.sender import Rates
from tests.fakes import FakeBot

NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
CHATS = list(range(7000, 7300))


def notices_due(sessions, key: str, chats: list[int]) -> None:  # type: ignore[no-untyped-def]
    """A notice due now for each chat."""
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, [
            outbox.new_row(f"{key}:{chat}", chat, "notice", NOW, {"text": f"Thông báo {chat}"})
            for chat in chats
        ])  # fmt: skip


async def test_a_tick_records_its_deliveries_many_at_a_time(db_url, engine, sessions):
    notices_due(sessions, "rec", CHATS)
    bot = FakeBot(lambda: NOW)
    sender = Engine(Settings(database_url=db_url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    sender.pacer.spacing = 0.0
    commits: list[int] = []
    updates: list[tuple[int, bool]] = []  # (rows in the call, executemany)

    def on_commit(_: Any) -> None:
        commits.append(1)

    def on_execute(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("UPDATE REMINDER SET STATE") and "sent_at" in sql:
            updates.append((len(params) if many else 1, many))

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        report = await sender.tick()
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_execute)
    assert report.ok and report.sent == report.messages == len(CHATS)
    with session_scope(sessions) as session:
        rows = session.scalars(select(Reminder)).all()
        assert {r.state for r in rows} == {ReminderState.SENT}
        sent_as = {r.chat_id: r.telegram_message_id for r in rows}
    assert sent_as == {s.chat_id: i + 1 for i, s in enumerate(bot.sent)}  # each its own id
    assert sum(n for n, _ in updates) == len(CHATS) and any(many for _, many in updates)
    assert len(updates) <= len(CHATS) / 10, "recorded a few statements, not one per message"
    assert len(commits) <= len(CHATS) / 10, "a few commits, not one per message"


class HeldRecords(Engine):
    """A database that takes its records only when let (a slow disk, a busy server)."""

    let = threading.Event()
    closed_under_a_record = False  # its connection given back while a record was on it

    def _record_sent(self, batch, report, beat, connection):  # type: ignore[no-untyped-def]
        self.let.wait(timeout=30)
        HeldRecords.closed_under_a_record |= connection.closed
        super()._record_sent(batch, report, beat, connection)


async def test_messages_sent_and_not_yet_recorded_stay_within_their_bound(db_url, sessions):
    """What a crash can resend is what Telegram accepted and the database has not recorded: the
    README bounds it by the sends in flight and RECORD_ROOM waiting for their record. A slow
    database holds the sends back at that bound instead of letting them run ahead."""
    chats = list(range(9000, 9000 + RECORD_ROOM + 200))
    notices_due(sessions, "held", chats)
    bot = FakeBot(lambda: NOW)
    sender = HeldRecords(Settings(database_url=db_url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    sender.pacer.spacing = 0.0
    bound = RECORD_ROOM + Rates().in_flight
    HeldRecords.let.clear()
    tick = asyncio.create_task(sender.tick())
    try:
        for _ in range(100):  # the sends run as far as they may
            await asyncio.sleep(0.01)
            if len(bot.sent) > bound:
                break
        assert RECORD_ROOM <= len(bot.sent) <= bound
    finally:
        HeldRecords.let.set()
        report = await tick
    assert report.ok and report.sent == len(chats)
    assert sorted(s.chat_id for s in bot.sent) == chats


class CallsInOrder(FakeBot):
    def __init__(self, clock):  # type: ignore[no-untyped-def]
        super().__init__(clock)
        self.calls: list[str] = []

    async def send_text(self, chat_id: int, text: str, buttons: Any, paid: bool) -> int:
        self.calls.append("send")
        return await super().send_text(chat_id, text, buttons, paid)

    async def get_me(self):  # type: ignore[no-untyped-def]
        self.calls.append("get_me")
        return await super().get_me()


async def test_the_first_reminder_after_a_start_does_not_wait_for_a_check_on_telegram(
    db_url, sessions
):
    """Asking Telegram whether it is reached cost the first reminder of a start a round trip;
    a message it accepts says so, and it is asked only when nothing went for a while."""
    with session_scope(sessions) as session:
        outbox.insert_reminders(
            session, [outbox.new_row("first:1", CHATS[0], "notice", NOW, {"text": "Thông báo"})]
        )
    bot = CallsInOrder(lambda: NOW)
    sender = Engine(Settings(database_url=db_url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    assert (await sender.tick()).sent == 1
    assert bot.calls == ["send"]
    with session_scope(sessions) as session:  # and it says Telegram was reached
        assert session.get(Heartbeat, "telegram") is not None


async def test_with_nothing_to_send_telegram_is_asked_whether_it_is_reached(db_url, sessions):
    bot = CallsInOrder(lambda: NOW)
    sender = Engine(Settings(database_url=db_url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    assert (await sender.tick()).sent == 0
    assert bot.calls == ["get_me"]
    with session_scope(sessions) as session:
        assert session.get(Heartbeat, "telegram") is not None


async def test_a_tick_cancelled_while_its_records_wait_leaves_each_message_sent_once(
    db_url, sessions
):
    """Stopping the bot mid-broadcast (the ticker is cancelled) while deliveries wait for their
    record: each send waits on its batch's record, and one cancelled send must not cancel the
    record the others wait for. The next tick sends the rest, none twice."""
    notices_due(sessions, "stop", CHATS)
    bot = FakeBot(lambda: NOW)
    sender = HeldRecords(Settings(database_url=db_url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    sender.pacer.spacing = 0.0
    HeldRecords.let.clear()
    tick = asyncio.create_task(sender.tick())
    for _ in range(100):
        await asyncio.sleep(0.01)
        if len(bot.sent) >= 10:
            break
    tick.cancel()
    # The record under way finishes after the cancel arrived (a worker thread is not stopped):
    # the stopping tick waits for it before giving its connection back.
    HeldRecords.closed_under_a_record = False
    await asyncio.sleep(0.2)
    HeldRecords.let.set()
    with pytest.raises(asyncio.CancelledError):
        await tick
    assert not HeldRecords.closed_under_a_record
    with session_scope(sessions) as session:
        recorded = session.scalars(
            select(Reminder.chat_id).where(Reminder.state == ReminderState.SENT)
        ).all()
    assert sorted(recorded) == sorted(s.chat_id for s in bot.sent)  # by the stopped tick
    report = await sender.tick()
    assert report.ok and not report.error
    assert sorted(s.chat_id for s in bot.sent) == CHATS
