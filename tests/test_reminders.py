"""The reminder engine over months of a fake clock: the right working-day moments, nothing in
Tết, "done" stops reminders, the late are escalated, and downtime is caught up once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from config import Settings
from db.models import (
    Assignment,
    Member,
    Occurrence,
    Reminder,
    ReminderState,
    Role,
    Status,
    Task,
    Unit,
)
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from duties.actions import record
from jobs.engine import Engine
from plans.matching import remember
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.fakes import FakeBot, Sent
from tests.test_plan_text import SEED_000, SEED_004
from timing.workcalendar import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD, DISTRICT_HEAD, SCHOOL_HEAD, OFFICE = 5001, 5101, 5201, 9000
CALENDAR = WorkCalendar()


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HCM).astimezone(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(HCM)


def add_member(session, code: str, chat: int, role: Role = Role.HEAD) -> None:  # type: ignore[no-untyped-def]
    unit = unit_by_code(session, code)
    assert unit is not None
    session.add(Member(unit_id=unit.id, telegram_user_id=chat, chat_id=chat,
                       full_name=f"Người {chat}", role=role))  # fmt: skip


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, office_admins=frozenset({OFFICE}))


@pytest.fixture
def seed_000(sessions):  # type: ignore[no-untyped-def]
    """Seed 000 imported on 1/10/2024; the Department's head is linked."""
    with session_scope(sessions) as session:
        import_sample(session)
        doc = parse_plan_text(SEED_000, date(2024, 10, 1))
        save_plan(session, doc, "kh91.txt", "seed-000", date(2024, 10, 1))
        add_member(session, "SGDDT", HEAD)
    return sessions


@pytest.fixture
def seed_004(sessions):  # type: ignore[no-untyped-def]
    """Seed 004 with "Các quận, huyện" mapped to the district offices; a district office and
    a school under it each have a head."""
    with session_scope(sessions) as session:
        import_sample(session)
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    with session_scope(sessions) as session:
        doc = parse_plan_text(SEED_004, date(2025, 1, 24))
        # The story is the conference and the districts' deadline; the duties of section IV,
        # due the same day, would share the event's messages (read in test_plan_text).
        doc.tasks = []
        save_plan(session, doc, "kh496.txt", "seed-004", date(2025, 1, 24))
        add_member(session, "PGD-KIENAN", DISTRICT_HEAD)
        add_member(session, "TTGDNN-KIENAN", SCHOOL_HEAD)  # a centre under the district
    return sessions


def engine_for(settings: Settings, sessions, clock) -> tuple[Engine, FakeBot]:  # type: ignore[no-untyped-def]
    bot = FakeBot(clock)
    return Engine(settings, sessions, bot, clock, worker="test"), bot  # type: ignore[arg-type]


DAY_TICKS = ((7, 0), (7, 45), (8, 0), (13, 5))


async def walk(engine: Engine, clock, start: date, end: date,  # type: ignore[no-untyped-def]
               times: tuple[tuple[int, int], ...] = DAY_TICKS) -> None:  # fmt: skip
    """Tick at a few moments of every day, as the 30-second tick would around them."""
    day = start
    while day <= end:
        for hour, minute in times:
            clock.now = at(day, hour, minute)
            report = await engine.tick()
            assert not report.error, report.error
        day += timedelta(days=1)


def task_refs(sessions, sent: Sent) -> set[str]:  # type: ignore[no-untyped-def]
    """The tasks a message is about, read from its buttons (occurrence ids)."""
    ids = {int(d.split(":")[1]) for d in sent.buttons if d.startswith(("s:", "o:"))}
    with sessions() as session:
        return set(
            session.scalars(
                select(Task.ref).join(Occurrence, Occurrence.task_id == Task.id)
                .where(Occurrence.id.in_(ids))
            )
        )  # fmt: skip


def occurrence_of(sessions, ref: str, period: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        occurrence = session.scalar(
            select(Occurrence).join(Task).where(Task.ref == ref, Occurrence.period_key == period)
        )
        unit = unit_by_code(session, "SGDDT")
        assert occurrence is not None and unit is not None
        return occurrence.id, unit.id


async def test_a_season_of_seed_000_reminders_on_working_days_at_8_none_in_tet(
    settings, seed_000, clock
):
    engine, bot = engine_for(settings, seed_000, clock)
    await walk(engine, clock, date(2024, 12, 1), date(2024, 12, 24))
    # The head answers task 2.1 done on Christmas day; 2.2 stays unanswered.
    occurrence, unit = occurrence_of(seed_000, "2.1", "2024")
    with session_scope(seed_000) as session:
        record(session, (occurrence, unit), None, Status.DONE, at(date(2024, 12, 25), 9))
    await walk(engine, clock, date(2024, 12, 25), date(2025, 4, 15))

    head = bot.to(HEAD)
    assert head, "the head was reminded"
    for message in bot.sent:
        when = local(message.at)
        assert CALENDAR.is_working_day(when.date()), message
        assert time(7, 30) <= when.time() <= time(17, 0), message
    tet = [m for m in bot.sent if date(2025, 1, 25) <= local(m.at).date() <= date(2025, 2, 2)]
    assert tet == []

    about_21 = [local(m.at).date() for m in head if "2.1" in task_refs(seed_000, m)]
    # The ladder for 31/12/2024: 14, 7, 3 (28/12 is a Saturday: Friday), 1 day before —
    # then nothing: 2.1 was answered "done" on 25/12.
    assert about_21 == [date(2024, 12, 17), date(2024, 12, 24)]
    about_22 = [local(m.at).date() for m in head if "2.2" in task_refs(seed_000, m)]
    assert about_22[:5] == [
        date(2024, 12, 17), date(2024, 12, 24), date(2024, 12, 27), date(2024, 12, 30),
        date(2024, 12, 31),
    ]  # fmt: skip
    overdue = about_22[5:]
    assert overdue[0] == date(2025, 1, 2)  # 1/1 is a holiday
    gaps = [len(list(CALENDAR.working_days(a + timedelta(days=1), b)))
            for a, b in pairwise(overdue)]  # fmt: skip
    assert gaps[:3] == [3, 3, 3] and gaps == sorted(gaps), "every third working day, then less"
    assert overdue[-1] <= date(2024, 12, 31) + timedelta(days=90), "stops after 90 days late"
    # Several tasks at one moment arrive as one message, not a flood (the Monday summary
    # is a message of its own).
    reminders = [m for m in head if "Việc của" not in m.text]
    assert len({m.at for m in reminders}) == len(reminders)

    # After a week late the office hears of it, once per task and unit.
    office = [m for m in bot.to(OFFICE) if "🚨" in m.text]
    assert office and all(local(m.at).date() >= date(2025, 1, 7) for m in office)
    escalated = sum(m.text.count("🚨") for m in office)
    with seed_000() as session:
        led = session.scalar(
            select(func.count()).select_from(Task).where(Task.lead_text.like("%Giáo dục%"))
        )
    assert 0 < escalated <= led

    with seed_000() as session:
        states = dict(
            session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all()
        )
        keys = session.scalar(select(func.count(func.distinct(Reminder.idempotency_key))))
        total = session.scalar(select(func.count()).select_from(Reminder))
    assert keys == total
    assert states.get(ReminderState.PENDING, 0) + states.get(ReminderState.SENDING, 0) <= 2
    assert states.get(ReminderState.FAILED, 0) == 0


async def test_the_office_gets_a_digest_every_working_day_and_heads_a_weekly_summary(
    settings, seed_000, clock
):
    with session_scope(seed_000) as session:
        # Section III gives the schools their own duties: each has its head linked too.
        owing = session.scalars(select(Unit.code).join(Assignment).distinct()).all()
        for chat, code in enumerate(sorted(set(owing) - {"SGDDT"}), start=900_000):
            add_member(session, code, chat)
    engine, bot = engine_for(settings, seed_000, clock)
    await walk(engine, clock, date(2024, 12, 23), date(2025, 1, 5))
    digests = [local(m.at) for m in bot.to(OFFICE) if "Tổng hợp ngày" in m.text]
    # A working day when there is news: the week the Q4 deadlines fall in (the week before,
    # nothing was due, late or answered, and every unit that owes is staffed), then the first
    # working day after they passed (the units now late); on the days between, nothing new.
    assert [d.date() for d in digests] == [date(2024, 12, 30), date(2025, 1, 2)]
    assert all(d.time() == time(7, 45) for d in digests)
    last = next(m for m in reversed(bot.to(OFFICE)) if "Tổng hợp ngày" in m.text)
    assert "Quá hạn: <b>" in last.text and "Sở Giáo dục và Đào tạo Hải Phòng</b>: " in last.text
    weekly = [local(m.at).date() for m in bot.to(HEAD) if "Việc của" in m.text]
    assert weekly == [date(2024, 12, 23), date(2024, 12, 30)]  # Mondays


async def test_after_downtime_one_catch_up_message_and_the_rest_recorded_as_skipped(
    settings, seed_000, clock
):
    engine, bot = engine_for(settings, seed_000, clock)
    await walk(engine, clock, date(2024, 12, 10), date(2024, 12, 12))
    assert bot.to(HEAD) == []
    # Off from 13/12 to Friday 27/12, 10:00: the 14-, 7- and 3-day rungs passed meanwhile.
    clock.now = at(date(2024, 12, 27), 10)
    engine.leadership.release()  # the old process is gone
    restarted, bot = engine_for(settings, seed_000, clock)
    report = await restarted.tick()
    assert not report.error
    head = bot.to(HEAD)
    assert len(head) == 1, [m.text for m in head]
    assert "việc cần chú ý" in head[0].text
    assert "gửi bù: hệ thống nhắc việc tạm ngừng hoạt động" in head[0].text, "it was down"
    assert {"2.1", "2.2"} <= task_refs(seed_000, head[0])
    with seed_000() as session:
        skipped = session.scalars(
            select(Reminder.last_error).where(
                Reminder.state == ReminderState.SKIPPED,
                Reminder.chat_id == HEAD,
                Reminder.occurrence_id.is_not(None),
            )
        ).all()
    assert skipped and set(skipped) == {"superseded"}
    # Nothing is sent twice on the next ticks.
    clock.now = at(date(2024, 12, 27), 10, 1)
    await restarted.tick()
    assert len(bot.to(HEAD)) == 1


async def test_the_event_and_deadline_of_seed_004_and_escalation_to_the_district(
    settings, seed_004, clock
):
    engine, bot = engine_for(settings, seed_004, clock)
    await walk(engine, clock, date(2025, 1, 24), date(2025, 2, 28),
               times=((7, 0), (7, 45), (8, 0), (13, 5)))  # fmt: skip
    school = bot.to(SCHOOL_HEAD)
    coming = [m for m in school if "Sắp diễn ra" in m.text or "Sắp bắt đầu" in m.text]
    event = [local(m.at) for m in coming]
    # The working day before 06/02 at 08:00, and an hour before 14:00 on the day.
    assert [e.date() for e in event] == [date(2025, 2, 5), date(2025, 2, 6)]
    assert event[1].time() == time(13, 5)
    assert all(m.buttons == [] for m in coming)
    # The district's deadline (a typo put it in 2024) is overdue from the start: it is chased
    # and escalated; the school is not asked for the district's data.
    district = bot.to(DISTRICT_HEAD)
    assert any("Quá hạn" in m.text or "quá hạn" in m.text for m in district)
    assert not any("dữ liệu" in m.text and "Quá hạn" in m.text for m in school)


async def test_done_cancels_what_is_pending_and_an_inactive_member_gets_nothing(
    settings, seed_000, clock
):
    engine, bot = engine_for(settings, seed_000, clock)
    clock.now = at(date(2024, 12, 17), 7, 0)
    await engine.tick()  # planned: the 08:00 rung is in the outbox
    occurrence, unit = occurrence_of(seed_000, "2.1", "2024")
    with session_scope(seed_000) as session:
        record(session, (occurrence, unit), None, Status.DONE, clock.now)
    clock.now = at(date(2024, 12, 17), 8, 0)
    await engine.tick()
    assert all("2.1" not in task_refs(seed_000, m) for m in bot.to(HEAD))
    assert bot.to(HEAD), "the other tasks were still reminded"
    with session_scope(seed_000) as session:
        session.execute(
            Member.__table__.update().where(Member.chat_id == HEAD).values(active=False)
        )
    before = len(bot.to(HEAD))
    await walk(engine, clock, date(2024, 12, 18), date(2024, 12, 31))
    assert len(bot.to(HEAD)) == before


def test_planning_reads_each_phrase_once_and_then_what_it_stored(settings, seed_000, monkeypatch):
    from dataclasses import replace

    from db.models import Occurrence, Task
    from jobs import outbox

    first_at, later = at(date(2024, 12, 17), 7), at(date(2024, 12, 17), 7, 5)
    with session_scope(seed_000) as session:
        outbox.sync(session, settings, first_at)
    with seed_000() as session:
        stored = {t.id: t.timeline.get("parsed") for t in session.scalars(select(Task))}
        kinds = {o.kind for o in session.scalars(select(Occurrence))}
    assert stored and all(p is not None and p["inputs"]["text"] for p in stored.values())
    assert kinds <= {"deadline", "event", "checkin"}

    def no_reading(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a phrase was read again")

    # The next pass plans the same rows from what was stored, reading no phrase again and
    # resolving no policy again …
    monkeypatch.setattr(outbox, "parse_timeline", no_reading)
    monkeypatch.setattr(outbox, "task_policy", no_reading)
    with session_scope(seed_000) as session:
        again = outbox.sync(session, settings, later)
    assert again.added == 0 and again.planned > 0
    # … and a changed global policy is resolved again (the phrases are not read again).
    monkeypatch.undo()
    monkeypatch.setattr(outbox, "parse_timeline", no_reading)
    stricter = replace(settings, reminder_policy={"before_days": "10,1"})
    with session_scope(seed_000) as session:
        outbox.sync(session, stricter, later)
    with seed_000() as session:
        policies = [t.timeline["parsed"]["policy"] for t in session.scalars(select(Task))]
    assert all(p["before_days"] == [10, 1] for p in policies)
    # … until what the reading depends on changes: the report days, or the phrase itself.
    monkeypatch.undo()
    moved = replace(settings, report_days={"yearly": "20/12"})
    with session_scope(seed_000) as session:
        before = {t.id: t.timeline["parsed"]["inputs"] for t in session.scalars(select(Task))}
        outbox.sync(session, moved, later)
    with seed_000() as session:
        after = {t.id: t.timeline["parsed"]["inputs"] for t in session.scalars(select(Task))}
    assert all(after[i]["report_days"] != before[i]["report_days"] for i in before)


def test_reminders_are_keyed_by_occurrence_unit_person_kind_and_offset(settings, seed_000):
    from jobs import outbox

    with session_scope(seed_000) as session:
        outbox.sync(session, settings, at(date(2024, 12, 17), 7))
    with session_scope(seed_000) as session:
        again = outbox.sync(session, settings, at(date(2024, 12, 17), 7, 5))
        keys = session.scalars(select(Reminder.idempotency_key)).all()
    assert again.added == 0, "planning twice adds nothing"
    assert keys and all(
        re.fullmatch(r"(\d+:\d+:[mc]\d+:[a-z_]+:-?\d+@\d{4}-\d\d-\d\d|digest:.+)", k) for k in keys
    ), keys


async def test_a_late_centre_is_escalated_to_its_district_office_and_the_office_once(
    settings, sessions, clock
):
    from db.models import Assignment, AssignmentRole, Plan, TaskKind

    with session_scope(sessions) as session:
        import_sample(session)
        add_member(session, "PGD-KIENAN", DISTRICT_HEAD)
        add_member(session, "TTGDNN-KIENAN", SCHOOL_HEAD)
        plan = Plan(number="01/KH-TEST", issued_on=date(2025, 2, 20), title="Kiểm tra",
                    policy={}, details={})  # fmt: skip
        session.add(plan)
        session.flush()
        task = Task(plan_id=plan.id, ref="1", kind=TaskKind.TASK, title="Nộp báo cáo",
                    timeline_text="trước ngày 10/03/2025", policy={})  # fmt: skip
        session.add(task)
        session.flush()
        centre = unit_by_code(session, "TTGDNN-KIENAN")
        assert centre is not None
        session.add(Assignment(task_id=task.id, unit_id=centre.id, role=AssignmentRole.LEAD))
    engine, bot = engine_for(settings, sessions, clock)
    await walk(engine, clock, date(2025, 2, 24), date(2025, 3, 31), times=((8, 0),))
    centre_dates = [local(m.at).date() for m in bot.to(SCHOOL_HEAD)]
    assert centre_dates[0] == date(2025, 2, 24)  # 14 days before 09/03 is in the past: caught up
    district = [m for m in bot.to(DISTRICT_HEAD) if "🚨" in m.text]
    office = [m for m in bot.to(OFFICE) if "🚨" in m.text]
    assert len(district) == 1 and len(office) == 1
    # 09/03 is the last allowed day (a Sunday); escalation after 7 days late.
    assert local(district[0].at).date() >= date(2025, 3, 16)
    assert "Trung tâm GDNN-GDTX quận Kiến An" in district[0].text
    assert district[0].buttons == [], "the district is told, it does not answer for the centre"
    late = [m for m in bot.to(SCHOOL_HEAD) if "Quá hạn" in m.text]
    assert late and any("Thủ trưởng" in m.text for m in late)


def test_schedule_preview_prints_what_will_be_sent_when(seed_000, db_url, tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url, "OFFICE_ADMINS": str(OFFICE)}
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["schedule", "preview", "--today", "2024-12-16", "--days", "9", "--unit", "SGDDT",
         "--json"],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    ladder = [r for r in rows if r["kind"] == "before"]
    assert {r["send_at"] for r in ladder} == {
        "2024-12-17T08:00:00+07:00", "2024-12-24T08:00:00+07:00"
    }  # fmt: skip
    assert {r["task"] for r in ladder} >= {"2.1", "2.2"}
    assert any(r["kind"] == "digest_week" for r in rows)
    with seed_000() as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) == 0, "nothing kept"

    table = runner.invoke(app, ["schedule", "preview", "--today", "2024-12-16"], env=env)
    assert table.exit_code == 0 and "messages in the next 14 days" in table.output
    bad = runner.invoke(app, ["schedule", "preview", "--unit", "NOPE"], env=env)
    assert bad.exit_code == 2 and "No unit with code 'NOPE'" in bad.output


def test_the_office_corrects_a_typo_and_overrides_the_ladder_for_one_plan(
    seed_004, db_url, tmp_path, monkeypatch
):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url}
    runner = CliRunner()
    listed = runner.invoke(app, ["plan", "list"], env=env)
    assert listed.exit_code == 0 and "496/KH-SGDĐT" in listed.output

    fixed = runner.invoke(
        app, ["plan", "timeline", "496/KH-SGDĐT", "D1", "trước ngày 05/02/2025"], env=env
    )
    assert fixed.exit_code == 0, fixed.output
    assert "04/02/2025" in fixed.output
    changed = runner.invoke(app, ["plan", "policy", "496/KH-SGDĐT", "before_days=3,0"], env=env)
    assert changed.exit_code == 0, changed.output
    assert "before_days=(3, 0)" in changed.output

    preview = runner.invoke(
        app,
        ["schedule", "preview", "--today", "2025-01-24", "--days", "14", "--unit", "PGD-KIENAN",
         "--json"],
        env=env,
    )  # fmt: skip
    assert preview.exit_code == 0, preview.output
    deadline = [(r["kind"], r["send_at"]) for r in json.loads(preview.output) if r["task"] == "D1"]
    # 3 days before 04/02 is in Tết (25/01–02/02): the working day before it, the plan's date.
    assert deadline == [
        ("before", "2025-01-24T08:00:00+07:00"),
        ("due", "2025-02-04T08:00:00+07:00"),
        ("overdue", "2025-02-05T08:00:00+07:00"),  # unless answered by then
    ]

    for args, problem in [
        (["plan", "policy", "496/KH-SGDĐT", "before_days=soon"], "before_days"),
        (["plan", "policy", "496/KH-SGDĐT", "nagging=1"], "unknown setting"),
        (["plan", "policy", "496/KH-SGDĐT", "--task", "Z9", "send_at=07:00"], "no task 'Z9'"),
        (["plan", "policy", "999/KH", "send_at=07:00"], "No plan '999/KH'"),
        (["plan", "timeline", "496/KH-SGDĐT", "D1", "sớm nhất có thể"], ""),
    ]:
        refused = runner.invoke(app, args, env=env)
        assert refused.exit_code == 2, (args, refused.output)
        assert "Nothing was changed" in refused.output and problem in refused.output
    shown = runner.invoke(app, ["plan", "policy", "496/KH-SGDĐT"], env=env)
    assert "{'before_days': '3,0'}" in shown.output, "the refused changes changed nothing"


def test_why_a_card_comes_now_is_told_apart():
    from jobs.engine import bundle_why, why_now

    moment = datetime(2024, 12, 17, 1, 0, tzinfo=UTC)
    before, after = moment - timedelta(days=30), moment + timedelta(days=3)
    assert why_now("catch-up", moment, before, told=True) == "catch_up"
    assert why_now("late", moment, after, told=False) == "late_linked"
    assert why_now("late", moment, before, told=False) == "late_plan"
    assert why_now("", None, before, told=False) == "first"
    assert why_now("", None, before, told=True) == "", "a rung's headline says it"
    assert bundle_why(["first", "late_plan", ""]) == "late_plan"
    assert bundle_why(["first", "first"]) == "first" and bundle_why(["first", ""]) == ""


def test_a_missed_moment_is_late_when_it_was_planned_for_and_a_catch_up_when_it_was_not():
    from jobs.schedule import Outgoing, reconcile

    now = datetime(2024, 12, 20, 2, 0, tzinfo=UTC)
    missed = Outgoing("1:1:m1:before:14@2024-12-31", "before", 14,
                      datetime(2024, 12, 17, 1, 0, tzinfo=UTC), 501, 1, 1, 1)  # fmt: skip
    planned_past_it = reconcile([missed], {}, now, CALENDAR, planned_until=now)
    assert [(d.reason, d.moment) for d in planned_past_it] == [("late", missed.send_at)]
    down_since = reconcile([missed], {}, now, CALENDAR,
                           planned_until=datetime(2024, 12, 10, tzinfo=UTC))  # fmt: skip
    assert down_since[0].reason == "catch-up"


async def test_the_office_digest_comes_only_when_something_changed(settings, seed_000, clock):
    with session_scope(seed_000) as session:  # every unit that owes is staffed
        owing = session.scalars(select(Unit.code).join(Assignment).distinct()).all()
        for chat, code in enumerate(sorted(set(owing) - {"SGDDT"}), start=900_000):
            add_member(session, code, chat)
    engine, bot = engine_for(settings, seed_000, clock)
    await walk(engine, clock, date(2025, 1, 6), date(2025, 1, 8))
    digests = [local(m.at).date() for m in bot.to(OFFICE) if "Tổng hợp ngày" in m.text]
    # The same tasks late, nothing answered: the office is told once, not every morning.
    assert digests == [date(2025, 1, 6)]
    with session_scope(seed_000) as session:
        occurrence, unit = occurrence_of(seed_000, "2.1", "2024")
        record(session, (occurrence, unit), None, Status.IN_PROGRESS, clock.now)
    await walk(engine, clock, date(2025, 1, 9), date(2025, 1, 10))
    digests = [local(m.at).date() for m in bot.to(OFFICE) if "Tổng hợp ngày" in m.text]
    assert digests == [date(2025, 1, 6), date(2025, 1, 9)]  # the answer is news; then quiet
    with seed_000() as session:
        skipped = session.scalars(
            select(Reminder.last_error).where(
                Reminder.kind == "digest_office", Reminder.state == ReminderState.SKIPPED
            )
        ).all()
    assert skipped.count("nothing to say") == 3  # 7, 8 and 10 January
