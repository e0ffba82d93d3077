"""The outbox under failure: Telegram's errors, a crash between claim and send, two senders
on one PostgreSQL, and a sender that dies and is replaced."""

from __future__ import annotations

import asyncio
import shutil
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from config import Settings
from db.models import AuditLog, Member, Reminder, ReminderState, Role
from db.registry import import_sample, unit_by_code
from db.session import make_engine, make_session_factory, session_scope
from jobs import outbox
from jobs.engine import BATCH, RECOVER_AFTER, Engine, Pacer
from jobs.leader import Leadership
from tests.fakes import FakeBot

OFFICE = 9000
NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 08:00 in Hà Nội


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, office_admins=frozenset({OFFICE}))


def notices(sessions, chats: list[int], at: datetime = NOW) -> None:  # type: ignore[no-untyped-def]
    """Queue one plain notice per chat: the simplest thing the outbox sends."""
    rows = [
        outbox.new_row(f"test:{chat}", chat, "notice", at, {"text": f"Xin chào {chat}"})
        for chat in chats
    ]  # fmt: skip
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, rows)


def states(sessions) -> dict[int, tuple[ReminderState, str, int]]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return {
            r.chat_id: (r.state, r.last_error, r.attempts)
            for r in session.scalars(select(Reminder).where(Reminder.kind == "notice"))
            if r.chat_id is not None
        }


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_telegram_errors_are_retried_given_up_or_mark_the_person_gone(settings, sessions):
    clock = Clock(NOW)
    with session_scope(sessions) as session:
        import_sample(session)
        unit = unit_by_code(session, "VP")
        assert unit is not None
        session.add(Member(unit_id=unit.id, telegram_user_id=7003, chat_id=7003,
                           full_name="Nguyễn Thị Chặn", role=Role.STAFF))  # fmt: skip
    bot = FakeBot(clock)
    bot.fail(7001, RetryAfter(17))
    bot.fail(7002, NetworkError("Bad Gateway"), times=2)
    bot.fail(7003, Forbidden("Forbidden: bot was blocked by the user"))
    bot.fail(7004, BadRequest("Chat not found"))
    bot.fail(7005, BadRequest("Message text is empty"))
    bot.fail(7006, TimedOut(), times=10)
    bot.fail(7007, ValueError("a bug somewhere"))
    notices(sessions, [7000, 7001, 7002, 7003, 7004, 7005, 7006, 7007])
    engine = Engine(settings, sessions, bot, clock, worker="w1")  # type: ignore[arg-type]

    report = await engine.tick()
    assert not report.error
    got = states(sessions)
    assert got[7000][0] == ReminderState.SENT
    assert got[7001][0] == ReminderState.PENDING and "429" in got[7001][1]
    assert got[7002][0] == ReminderState.PENDING
    assert got[7003][0] == ReminderState.FAILED and "403" in got[7003][1]
    assert got[7004][0] == ReminderState.FAILED and "Chat not found" in got[7004][1]
    assert got[7005][0] == ReminderState.FAILED
    assert got[7007][0] == ReminderState.PENDING, "an unknown error is retried, not lost"
    with sessions() as session:
        retry_at = session.scalar(select(Reminder.send_at).where(Reminder.chat_id == 7001))
        member = session.scalar(select(Member).where(Member.chat_id == 7003))
    assert retry_at == NOW + timedelta(seconds=30), "retry_after (17 s) or the backoff, later"
    assert member is not None and not member.active and "403" in member.inactive_reason

    # Over the next hours every retry is made with a growing backoff.
    for _ in range(40):
        clock.now += timedelta(minutes=10)
        await engine.tick()
    got = states(sessions)
    assert got[7001][0] == ReminderState.SENT
    assert got[7002][0] == ReminderState.SENT and got[7002][2] == 3
    assert got[7007][0] == ReminderState.SENT
    assert got[7006][0] == ReminderState.FAILED and got[7006][2] == outbox.MAX_ATTEMPTS
    assert "gave up" in got[7006][1]
    # The office was told, once, about the person who blocked the bot.
    told = [m for m in bot.to(OFFICE) if "Nguyễn Thị Chặn" in m.text]
    assert len(told) == 1 and "Văn phòng Sở" in told[0].text
    assert "người nhận đã chặn bot" in told[0].text, "in Vietnamese, not Telegram's English"
    assert "Forbidden" not in told[0].text and "403" not in told[0].text
    assert [m.chat_id for m in bot.sent].count(7000) == 1


async def test_a_crash_between_claim_and_send_resends_once_and_loses_nothing(settings, sessions):
    clock = Clock(NOW)
    chats = list(range(8000, 8050))
    notices(sessions, chats)
    with session_scope(sessions) as session:
        claimed = outbox.claim(session, NOW, "dead-worker", limit=20)
    assert len(claimed) == 20  # … and then the process died before sending them
    bot = FakeBot(clock)
    engine = Engine(settings, sessions, bot, clock, worker="new")  # type: ignore[arg-type]
    if not engine.leadership.exclusive_on_death:
        # PostgreSQL: the dead worker might only have been cut off from its lock, and still
        # be finishing: its rows are taken back a minute after their claim.
        first = await engine.tick()
        assert first.recovered == 0 and len(bot.sent) == 30
        clock.now += RECOVER_AFTER
    report = await engine.tick()
    assert report.recovered == 20
    assert sorted(m.chat_id for m in bot.sent if m.chat_id != OFFICE) == chats
    assert all(s == ReminderState.SENT for s, _, _ in states(sessions).values())
    with sessions() as session:
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "outbox_recovered"))
    assert audit is not None and audit.detail == {"count": 20}


# SQLite is one sender process by design; the claim race and the lock are PostgreSQL's.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_senders_on_postgresql_never_claim_the_same_reminder(settings, sessions, db_url):
    notices(sessions, list(range(10_000, 12_000)))
    second = make_engine(db_url)
    factories = [sessions, make_session_factory(second)]
    taken: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def worker(i: int) -> None:
        barrier.wait()
        while True:
            with session_scope(factories[i]) as session:
                rows = outbox.claim(session, NOW, f"w{i}", limit=37)
                taken[i].extend(r.id for r in rows)
            if not rows:
                return

    threads = [threading.Thread(target=worker, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    second.dispose()
    assert not set(taken[0]) & set(taken[1])
    assert len(taken[0]) + len(taken[1]) == 2000
    assert taken[0] and taken[1], "both workers took a share"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_only_the_lock_holder_sends_and_another_takes_over_when_it_dies(
    settings, sessions, db_url
):
    clock = Clock(NOW)
    first_bot, second_bot = FakeBot(clock), FakeBot(clock)
    other = make_engine(db_url)
    first = Engine(settings, sessions, first_bot, clock, worker="a")  # type: ignore[arg-type]
    second = Engine(settings, make_session_factory(other), second_bot, clock,  # type: ignore[arg-type]
                    worker="b", leadership=Leadership(other))  # fmt: skip
    notices(sessions, [1, 2, 3])
    assert (await first.tick()).leader
    assert not (await second.tick()).leader
    assert len([m for m in first_bot.sent if m.chat_id != OFFICE]) == 3
    assert second_bot.sent == []

    # The first process dies: its connection (and with it the lock) goes away.
    assert first.leadership._connection is not None
    first.leadership._connection.invalidate()
    notices(sessions, [4, 5], at=NOW + timedelta(seconds=30))
    clock.now = NOW + timedelta(seconds=30)  # the second's next tick
    report = await second.tick()
    assert report.leader
    assert sorted(m.chat_id for m in second_bot.sent if m.chat_id != OFFICE) == [4, 5]
    other.dispose()


async def test_a_tick_never_raises_even_when_the_database_is_gone(settings, sessions, tmp_path):
    clock = Clock(NOW)
    bot = FakeBot(clock)
    # Its folder removed after the engine was made: a path that merely does not exist would
    # be created by the engine when the tests run as root (as in CI).
    broken = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'gone' / 'db.sqlite3'}"))
    shutil.rmtree(tmp_path / "gone")
    engine = Engine(settings, broken, bot, clock)  # type: ignore[arg-type]
    report = await engine.tick()
    assert report.error


async def test_planning_while_a_sender_runs_adds_each_reminder_once(settings, sessions):
    clock = Clock(NOW)
    notices(sessions, [1])
    notices(sessions, [1])  # the same key again: ignored
    bot = FakeBot(clock)
    engine = Engine(settings, sessions, bot, clock)  # type: ignore[arg-type]
    await asyncio.gather(engine.tick(), engine.tick())
    assert [m.chat_id for m in bot.sent if m.chat_id != OFFICE] == [1]


class SlowAnswers(FakeBot):
    """Telegram answering the first chats' messages only when told (a slow round trip)."""

    def __init__(self, clock, slow: set[int]) -> None:  # type: ignore[no-untyped-def]
        super().__init__(clock)
        self.slow, self.answer, self.second_batch = slow, asyncio.Event(), asyncio.Event()

    async def send_text(self, chat_id: int, text: str, buttons, paid) -> int:  # type: ignore[no-untyped-def]
        if chat_id > BATCH:
            self.second_batch.set()
        if chat_id in self.slow:
            await self.answer.wait()
        return await super().send_text(chat_id, text, buttons, paid)


async def test_the_next_batch_goes_while_the_answers_of_the_one_before_are_on_the_way(
    settings, sessions
):
    """A broadcast larger than a claim keeps its pace: the next batch is claimed and sent
    without waiting for the slowest answer of the batch before (that wait left the wire idle
    for a round trip at every batch)."""
    clock = Clock(NOW)
    notices(sessions, list(range(1, BATCH + 101)))
    bot = SlowAnswers(clock, slow=set(range(1, 11)))
    engine = Engine(settings, sessions, bot, clock)  # type: ignore[arg-type]
    engine.pacer = Pacer(rate=1e9)
    tick = asyncio.create_task(engine.tick())
    try:
        await asyncio.wait_for(bot.second_batch.wait(), 30)  # fails on waiting for the answers
    finally:
        bot.answer.set()
    report = await tick
    assert not report.error and report.sent == BATCH + 100
    assert sorted(m.chat_id for m in bot.sent) == list(range(1, BATCH + 101))
    assert {state for state, _, _ in states(sessions).values()} == {ReminderState.SENT}


def test_a_pure_reconcile_skips_what_an_event_already_passed(settings):
    from jobs.schedule import Outgoing, reconcile

    calendar = settings.calendar()
    start = datetime(2025, 2, 6, 7, 0, tzinfo=UTC)
    missed = [
        Outgoing("1:1:m1:event_day_before:24@2025-02-06", "event_day_before", 24,
                 start - timedelta(days=1), 5, 1, 1, 1),
        Outgoing("1:1:m1:event_soon:1@2025-02-06", "event_soon", 1,
                 start - timedelta(hours=1), 5, 1, 1, 1),
    ]  # fmt: skip
    decisions = reconcile(missed, {}, start + timedelta(hours=2), calendar, event_starts={1: start})
    assert [(d.state, d.reason) for d in decisions] == [
        ("skipped", "superseded"),
        ("skipped", "event over"),
    ]
    assert date(2025, 2, 6) == start.date()


async def test_one_malformed_row_fails_alone_and_the_rest_of_its_batch_is_sent(settings, sessions):
    clock = Clock(NOW)
    notices(sessions, [7101, 7102, 7103])
    bad = outbox.new_row("test:poison", 7104, "notice", NOW,
                         {"text": "Hỏng", "buttons": [["chỉ một phần tử"]]})  # fmt: skip
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, [bad])
    bot = FakeBot(clock)
    engine = Engine(settings, sessions, bot, clock)  # type: ignore[arg-type]
    report = await engine.tick()
    assert not report.error and report.poisoned == 1
    assert sorted(m.chat_id for m in bot.sent) == [7101, 7102, 7103]
    got = states(sessions)
    assert got[7104][0] == ReminderState.FAILED and "cannot render" in got[7104][1]
    with sessions() as session:
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "outbox_poison"))
    assert audit is not None and "ValueError" in audit.detail["reason"]
    clock.now += timedelta(minutes=5)
    later = await engine.tick()
    assert not later.error and later.claimed == 0 and len(bot.sent) == 3


async def test_rows_left_sending_are_recovered_by_the_same_sender_without_a_restart(
    settings, sessions
):
    clock = Clock(NOW)
    bot = FakeBot(clock)
    engine = Engine(settings, sessions, bot, clock, worker="me")  # type: ignore[arg-type]
    assert not (await engine.tick()).error  # this process is the sender now
    notices(sessions, [7201, 7202])
    with session_scope(sessions) as session:  # a tick of ours claimed them and then failed
        assert len(outbox.claim(session, NOW, "me")) == 2
    clock.now += timedelta(seconds=30)
    report = await engine.tick()
    assert report.recovered == 2 and not report.error
    assert sorted(m.chat_id for m in bot.sent if m.chat_id != OFFICE) == [7201, 7202]


def test_a_claim_takes_a_chats_due_rows_all_at_once_however_many(sessions):
    """12,906 reminders to 987 chats once went out as 11,174 messages: bundled per claim
    batch of 500, not per person. A claim now takes each chat it touches whole."""
    many = [outbox.new_row(f"many:{i}", 7001, "notice", NOW - timedelta(minutes=1),
                           {"text": str(i)}) for i in range(600)]  # fmt: skip
    rest = [outbox.new_row(f"rest:{chat}", chat, "notice", NOW, {"text": "x"})
            for chat in range(7002, 7007)]  # fmt: skip
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, many + rest)
    with session_scope(sessions) as session:
        first = outbox.claim(session, NOW, "w", limit=500)
        assert {r.chat_id for r in first} == {7001} and len(first) == 600
    with session_scope(sessions) as session:
        second = outbox.claim(session, NOW, "w", limit=500)
        assert sorted(r.chat_id for r in second) == list(range(7002, 7007))
    with session_scope(sessions) as session:
        assert outbox.claim(session, NOW, "w", limit=500) == []
