"""On PostgreSQL a whole planning pass is shared: the sender opens a round, and every process
takes a few tasks at a time that nobody holds (SKIP LOCKED), so adding processes shortens a
pass. The round adds exactly the rows one process planning alone would; on SQLite the sender
plans alone and no round is opened."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import event, func, select

from config import Settings
from db.models import Heartbeat, Reminder, Task
from db.registry import import_sample
from db.session import make_engine, make_session_factory, session_scope
from jobs import outbox, rounds
from jobs.engine import Engine
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.fakes import FakeBot
from tests.test_plan_text import SEED_000
from tests.test_planning_by_change import NOW, assigned, head, seed_004


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, office_admins=frozenset({9000}))


def a_registry_with_two_plans(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91.txt", "h",
                  date(2024, 10, 1))  # fmt: skip
        save_plan(session, parse_plan_text(seed_004(), date(2025, 1, 24)), "kh496.txt", "h4",
                  date(2024, 12, 20))  # fmt: skip
        for user, code in enumerate(assigned(session)[:10], start=6001):
            head(session, code, user)


def outbox_rows(sessions) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return sorted(session.execute(select(
            Reminder.idempotency_key, Reminder.chat_id, Reminder.send_at, Reminder.state,
            Reminder.last_error)).all())  # fmt: skip


def test_a_whole_pass_is_shared_by_two_processes_and_adds_what_one_alone_would(
    sessions, settings, db_url
):
    if not db_url.startswith("postgresql"):
        # SQLite: the sender's regular pass is planned by the sender alone, with no round.
        a_registry_with_two_plans(sessions)
        engine = Engine(settings, sessions, FakeBot(lambda: NOW), lambda: NOW)
        report = asyncio.run(engine.tick())
        assert report.planned is not None and report.planned.added > 0
        with sessions() as session:
            assert session.get(Heartbeat, rounds.ROUND) is None
            assert session.get(Heartbeat, outbox.PLANNED) is not None
        return

    a_registry_with_two_plans(sessions)
    # The second process's connections; a lock it would wait for is a failure, not a hang.
    second = make_engine(db_url)
    event.listen(second, "connect", lambda dbapi, _: dbapi.execute("SET lock_timeout = '5s'"))
    other = make_session_factory(second)
    calendar = settings.calendar()
    with session_scope(sessions) as session:
        rounds.open_round(session, NOW)
        active = set(session.scalars(select(Task.id).where(Task.active.is_(True))))
    assert len(active) > 2 * outbox.TASKS_AT_ONCE

    # The sender is planning its first part (its rows locked) when the standby starts.
    sender = sessions()
    try:
        held = list(sender.scalars(
            select(Task.id).where(Task.active.is_(True)).order_by(Task.id)
            .limit(outbox.TASKS_AT_ONCE).with_for_update(skip_locked=True)
        ))  # fmt: skip
        standby = rounds.work(other, settings, calendar, "standby")
    finally:
        sender.rollback()  # the sender's part, planned below by its own work
        sender.close()
    assert standby is not None and not standby.finished  # the sender's part is not planned yet
    assert set(standby.tasks) == active - set(held), "skipped what was held, took the rest"
    with sessions() as session:
        assert session.get(Heartbeat, outbox.PLANNED) is None  # the window is not planned yet
    mine = rounds.work(sessions, settings, calendar, "sender")
    assert mine is not None and mine.finished and set(mine.tasks) == set(held)
    assert rounds.work(other, settings, calendar, "standby") is None  # the round is closed

    shared = outbox_rows(sessions)
    assert len(shared) > 0
    with session_scope(sessions) as session:
        again = outbox.sync(session, settings, NOW)  # one process alone, at the same moment
    assert (again.added, again.skipped) == (0, 0)
    assert outbox_rows(sessions) == shared


def test_the_senders_regular_pass_is_a_round_on_postgresql_that_a_standby_joins(
    sessions, settings, db_url
):
    a_registry_with_two_plans(sessions)
    from jobs.leader import Leadership

    engine = Engine(settings, sessions, FakeBot(lambda: NOW), lambda: NOW, worker="sender")
    report = asyncio.run(engine.tick())
    assert report.leader and report.planned is not None
    with sessions() as session:
        planned = session.get(Heartbeat, outbox.PLANNED)
        opened = session.get(Heartbeat, rounds.ROUND)
        left = session.scalar(select(func.count()).select_from(Task).where(
            Task.active.is_(True), Task.planned_for.is_(None)))  # fmt: skip
    assert planned is not None
    if db_url.startswith("postgresql"):
        assert opened is not None and opened.detail["done"] is True and left == 0
        # A standby that finds the round closed plans nothing and sends nothing.
        standby = Engine(settings, make_session_factory(make_engine(db_url)), FakeBot(lambda: NOW),
                         lambda: NOW, worker="standby",
                         leadership=Leadership(make_engine(db_url)))  # fmt: skip
        assert asyncio.run(standby.tick()).planned is None
    else:
        assert opened is None
