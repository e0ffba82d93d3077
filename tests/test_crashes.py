"""Kill it: `nhacviec run` is killed (SIGKILL) at random moments, ten times, during a
broadcast of 1,000 reminders while units press buttons; restarted each time. Every reminder
arrives, duplicates stay within the README's bound, and every acknowledged answer is stored."""

from __future__ import annotations

import asyncio
import random
import signal
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from db.models import (
    Assignment,
    AssignmentRole,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderState,
    Response,
    Role,
    Task,
    Unit,
)
from db.schema import upgrade
from db.session import make_engine, make_session_factory, session_scope
from jobs import outbox
from jobs.engine import RECORD_ROOM
from jobs.sender import Rates
from tests.conftest import BOT_TOKEN
from tests.test_run_process import start_bot

REMINDERS, PRESSERS, KILLS = 1000, 40, 10
FIRST_CHAT = 7_000_000


def prepare(db_url: str, emu) -> tuple[object, list[tuple[int, dict, str]]]:  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with session_scope(sessions) as session:
        rows = [
            outbox.new_row(
                f"crash:{i}", FIRST_CHAT + i, "notice", now, {"text": f"Nhắc hạn số {i}"}
            )
            for i in range(REMINDERS)
        ]
        outbox.insert_reminders(session, rows)
        plan = Plan(number="01/KH-CRASH", issued_on=date(2025, 1, 2), title="Thử sập",
                    policy={}, details={})  # fmt: skip
        session.add(plan)
        session.flush()
        task = Task(plan_id=plan.id, ref="1", title="Báo cáo", timeline_text="Tháng 12/2099",
                    timeline={}, policy={})  # fmt: skip
        session.add(task)
        session.flush()
        occurrence = Occurrence(task_id=task.id, period_key="once",
                                due_at=datetime(2099, 12, 31, tzinfo=UTC))  # fmt: skip
        session.add(occurrence)
        units = [Unit(code=f"C{i:03d}", name=f"Trường {i}", extra={}) for i in range(PRESSERS)]
        session.add_all(units)
        session.flush()
        for i, unit in enumerate(units):
            session.add(Assignment(task_id=task.id, unit_id=unit.id, role=AssignmentRole.LEAD))
            session.add(Member(unit_id=unit.id, telegram_user_id=6_000_000 + i,
                               chat_id=6_000_000 + i, role=Role.HEAD))  # fmt: skip
        session.flush()
        cards = []
        for i, unit in enumerate(units):
            user = 6_000_000 + i
            emu.user(user)
            data = f"s:{occurrence.id}:{unit.id}:p"
            markup = {"inline_keyboard": [[{"text": "🔄", "callback_data": data}]]}
            cards.append((user, emu.api_send_message(123456, user, "Nhắc hạn", None, markup), data))
    for i in range(REMINDERS):
        emu.user(FIRST_CHAT + i)
    return sessions, cards


@pytest.mark.slow
async def test_ten_kills_during_a_broadcast_lose_nothing(emulator, db_url, tmp_path):
    emu = emulator.emulator
    sessions, cards = prepare(db_url, emu)
    env = {"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": emulator.base_url,
           "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING", "TICK_SECONDS": "1",
           # Each process is killed for sure: the next need not wait the minute a sender cut
           # off from its lock is given on PostgreSQL (most of this test's time before).
           "SENDER_GRACE_SECONDS": "5"}  # fmt: skip
    rng = random.Random(20251123)
    pressed: list[tuple[str, int]] = []
    next_card = 0
    at_kills: list[list[int]] = []  # at each kill, how many messages each chat had
    for _ in range(KILLS):
        process = await start_bot(env, tmp_path)
        started = len(emu.calls_to("sendMessage"))
        # Wait until this process is sending, then let it run a random while.
        await emu.wait_for(lambda s=started: len(emu.calls_to("sendMessage")) > s, timeout=60)
        for _ in range(4):
            if next_card < len(cards):
                user, card, data = cards[next_card]
                pressed.append((emu.press(user, card["message_id"], data), next_card))
                next_card += 1
        await asyncio.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        await process.wait()
        await asyncio.sleep(0.2)  # what the dead process had fully sent is taken in by now
        at_kills.append([len(emu.bot_messages(FIRST_CHAT + i)) for i in range(REMINDERS)])
    process = await start_bot(env, tmp_path)
    try:

        def delivered() -> bool:
            with sessions() as session:  # type: ignore[operator]
                return session.scalar(
                    select(func.count()).select_from(Reminder)
                    .where(Reminder.state == ReminderState.SENT)
                ) == REMINDERS  # fmt: skip

        # The emulator wakes the wait at every call the bot makes (it keeps polling).
        await emu.wait_for(delivered, timeout=180)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)

    counts = [len(emu.bot_messages(FIRST_CHAT + i)) for i in range(REMINDERS)]
    lost = counts.count(0)
    duplicates = sum(max(0, n - 1) for n in counts)
    assert lost == 0
    # The README's bound: per crash, at most the messages in flight and those waiting for their
    # record are sent again, once.
    assert duplicates <= KILLS * (Rates().in_flight + RECORD_ROOM)
    # And only after a crash: each copy past the first follows a kill that came after the one
    # before it (a reminder caught by two crashes in a row may arrive three times, not more).
    for i, count in enumerate(counts):
        seen_at_kills = {counted[i] for counted in at_kills}
        assert all(j in seen_at_kills for j in range(1, count)), f"chat {i}: {count} copies"
    with sessions() as session:  # type: ignore[operator]
        answered_units = set(session.scalars(select(Response.unit_id)))
        units = {u.code: u.id for u in session.scalars(select(Unit))}
    acknowledged = [index for query, index in pressed if query in emu.callback_answers]
    assert acknowledged, "some presses were acknowledged"
    for index in acknowledged:
        assert units[f"C{index:03d}"] in answered_units, "acknowledged, so stored"
    print(f"crashes={KILLS} reminders={REMINDERS} lost={lost} duplicates={duplicates} "
          f"acknowledged_presses={len(acknowledged)}")  # fmt: skip
