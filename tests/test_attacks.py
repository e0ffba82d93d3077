"""Attacks from outside, each written as the attack: what a hostile user, file, database, disk,
clock or host does, and what the bot does instead of what the attacker wanted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.invites import create_invite
from db.models import AuditLog, Invite, Member, Role
from db.registry import import_sample
from db.session import session_scope
from tests.conftest import OFFICE_ADMIN

GROUP = -100123456
GUEST = 6601


async def said_in(emu, chat: int, user: int, text: str) -> str:  # type: ignore[no-untyped-def]
    before = len(emu.bot_messages(chat))
    emu.send_text(user, text, chat_id=chat)
    await emu.wait_for(lambda: len(emu.bot_messages(chat)) > before)
    return emu.bot_messages(chat)[-1]["text"]


async def test_office_commands_in_a_group_are_refused_and_say_where_to_use_them(
    bot, emulator, sessions, clock
):
    emu = emulator.emulator
    emu.group(GROUP, "Nhóm Zalo chuyển sang Telegram")
    emu.user(GUEST, first_name="Khách")
    with session_scope(sessions) as session:
        import_sample(session)
    for command in ("/xuat", "/tonghop", "/quahan", "/donvi", "/moi VP office", "/xephang"):
        reply = await said_in(emu, GROUP, OFFICE_ADMIN, command)
        assert "cuộc trò chuyện riêng" in reply, (command, reply)
    assert not any("document" in m for m in emu.bot_messages(GROUP)), "no workbook posted"
    with sessions() as session:
        assert session.scalar(select(func.count(Invite.id))) == 0
        refused = session.scalars(
            select(AuditLog).where(AuditLog.action.like("refused:%"), AuditLog.allowed.is_(False))
        ).all()
    assert len(refused) == 6 and all(a.detail["private"] is False for a in refused)

    # The same admin in their private chat is served.
    assert "cuộc trò chuyện riêng" not in await said_in(emu, OFFICE_ADMIN, OFFICE_ADMIN, "/donvi")


async def test_an_invitation_opened_in_a_group_links_nobody_and_stays_usable(
    bot, emulator, sessions, clock
):
    emu = emulator.emulator
    emu.group(GROUP)
    emu.user(GUEST, first_name="Khách")
    with session_scope(sessions) as session:
        import_sample(session)
        token = create_invite(session, "VP", Role.OFFICE, clock()).token
    reply = await said_in(emu, GROUP, GUEST, f"/start {token}")
    assert "cuộc trò chuyện riêng" in reply
    with sessions() as session:
        assert session.scalar(select(func.count(Member.id))) == 0
    # Opened where it belongs, it links the person to their own chat, not the group.
    assert "Văn phòng Sở" in await said_in(emu, GUEST, GUEST, f"/start {token}")
    with sessions() as session:
        member = session.scalars(select(Member)).one()
    assert member.chat_id == GUEST and member.role == Role.OFFICE


async def test_a_pod_with_a_63_character_host_name_sends_and_health_tells_the_truth(
    db_url, sessions
):
    """A Kubernetes pod name is 63 characters: the sender's id must still fit, and when
    sends do fail, `nhacviec health` and the dead-man's switch must say so."""
    from datetime import UTC, datetime

    from aiohttp import web
    from telegram.error import NetworkError

    from config import Settings
    from jobs import health
    from jobs.engine import Engine, worker_id
    from tests.fakes import FakeBot
    from tests.test_health import _free_port
    from tests.test_outbox import Clock, notices

    pod = "nhacviec-sender-7d9f8c6b5-" + "x" * 37
    assert len(pod) == 63 and len(worker_id(pod, 4_194_304)) <= 64
    pings: list[str] = []

    async def ping(request: web.Request) -> web.Response:
        pings.append(request.path)
        return web.Response(text="OK")

    switch = web.Application()
    switch.router.add_get("/ping", ping)
    runner = web.AppRunner(switch)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    clock = Clock(now)
    settings = Settings(database_url=db_url, healthcheck_url=f"http://127.0.0.1:{port}/ping")
    notices(sessions, list(range(8100, 8120)))
    bot = FakeBot(clock)
    engine = Engine(settings, sessions, bot, clock, worker=f"{pod}:4194304")  # type: ignore[arg-type]
    try:
        report = await engine.tick()
        assert report.ok and report.sent == 20, report.error
        with sessions() as session:
            assert health.read(session, now, 30).ok
        assert len(pings) == 1

        notices(sessions, [8200, 8201])
        bot.fail(8200, NetworkError("Bad Gateway"), times=9)
        bot.fail(8201, NetworkError("Bad Gateway"), times=9)
        clock.now = now + timedelta(minutes=2)
        failing = await engine.tick()
        assert not failing.ok and failing.sent == 0
        with sessions() as session:
            verdict = health.read(session, clock.now, 30)
        assert not verdict.ok and "every send failed" in verdict.checks["tick"]["error"]
        assert len(pings) == 1, "the dead-man's switch is not told all is well"
    finally:
        await runner.cleanup()


async def test_two_bots_on_one_sqlite_file_never_both_send(tmp_path):
    """Two `nhacviec run` on one SQLite file (two engines, two connections pools here): the
    file lock lets one send; the other takes over only when the first is gone."""
    import asyncio
    from datetime import UTC, datetime

    from config import Settings
    from db.schema import upgrade
    from db.session import make_engine, make_session_factory
    from jobs.engine import Engine
    from tests.fakes import FakeBot
    from tests.test_outbox import Clock, notices

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first_db, second_db = make_engine(url), make_engine(url)
    upgrade(first_db)
    now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    clock = Clock(now)
    notices(make_session_factory(first_db), list(range(8300, 8400)))
    bots = [FakeBot(clock), FakeBot(clock)]
    first, second = (
        Engine(Settings(database_url=url), make_session_factory(db), bot, clock, worker=name)  # type: ignore[arg-type]
        for db, bot, name in ((first_db, bots[0], "one"), (second_db, bots[1], "two"))
    )
    for engine in (first, second):
        engine.pacer.spacing = 0.0
    reports = await asyncio.gather(first.tick(), second.tick())
    assert [r.leader for r in reports] == [True, False]
    assert len(bots[0].sent) == 100 and bots[1].sent == []

    first.leadership.release()  # the first process is gone
    notices(make_session_factory(second_db), [8400])
    clock.now += timedelta(seconds=30)
    taken = await second.tick()
    assert taken.leader and [m.chat_id for m in bots[1].sent] == [8400]
    first_db.dispose()
    second_db.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_sender_whose_lock_connection_is_killed_stops_and_nothing_is_sent_twice(
    db_url, sessions
):
    """`pg_terminate_backend` on the sender's lock connection while it broadcasts: it stops
    within a second, the other process takes over, and no chat gets a message twice."""
    import asyncio
    from collections import Counter
    from datetime import UTC, datetime

    from sqlalchemy import text

    from config import Settings
    from db.session import make_engine, make_session_factory
    from jobs.engine import RECOVER_AFTER, Engine
    from tests.fakes import FakeBot
    from tests.test_outbox import Clock, notices

    chats = list(range(8500, 8800))
    notices(sessions, chats)
    now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    clock = Clock(now)
    sent = FakeBot(clock)  # one Telegram: both processes send to it
    other_db = make_engine(db_url)
    settings = Settings(database_url=db_url)
    first = Engine(settings, sessions, sent, clock, worker="first")  # type: ignore[arg-type]
    second = Engine(settings, make_session_factory(other_db), sent, clock, worker="second")  # type: ignore[arg-type]
    for engine in (first, second):
        engine.pacer.spacing = 1 / 200  # quicker than Telegram, the same shape

    async def cut_when_sending() -> None:
        while len(sent.sent) < 50:  # noqa: ASYNC110  (a fake to watch, not an event)
            await asyncio.sleep(0.005)
        with other_db.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
            ))  # fmt: skip
        clock.now += timedelta(seconds=1)
        await second.tick()  # takes the lock the first lost

    await asyncio.gather(first.tick(), cut_when_sending())
    for _ in range(3):  # then time passes: what the first had claimed is taken back
        clock.now += RECOVER_AFTER
        await second.tick()
    counts = Counter(m.chat_id for m in sent.sent)
    assert set(counts) == set(chats), "none lost"
    assert max(counts.values()) == 1, "none sent twice"
    other_db.dispose()


def test_formulas_in_a_task_ref_and_a_form_label_stay_text_and_a_slash_does_not_crash(
    sessions, db_url
):
    """A plan whose task ref is "=1+1/2" and whose form asks "=HYPERLINK(…)": the workbook
    opens, every such cell is text, and the form's sheet has a name Excel accepts."""
    import io
    from datetime import UTC, datetime

    from openpyxl import load_workbook

    from config import Settings
    from db.models import FormDefinition, Plan, Task
    from reports import data, excel

    with session_scope(sessions) as session:
        import_sample(session)
        plan = Plan(number="66/KH-ATTT", title="=cmd|' /C calc'!A0", policy={}, details={})
        session.add(plan)
        session.flush()
        task = Task(plan_id=plan.id, ref="=1+1/2", title="@SUM(1)", policy={}, timeline={},
                    timeline_text="Trước ngày 15/3/2025")  # fmt: skip
        session.add(task)
        session.flush()
        session.add(FormDefinition(task_id=task.id, title="-2+3", fields={"fields": [
            {"key": "a", "label": '=HYPERLINK("http://x","Bấm")', "type": "text"}]}))  # fmt: skip
    now = datetime(2025, 3, 20, 3, 0, tzinfo=UTC)
    with sessions() as session:
        plan = session.scalars(select(Plan)).one()
        report = data.plan_report(session, plan, now)
    book = load_workbook(io.BytesIO(excel.workbook_bytes(report, now, Settings().timezone)))
    assert any(name.startswith("Biểu mẫu =1+1-2") for name in book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


async def test_a_unit_named_with_html_is_shown_as_text(bot, emulator, sessions, clock):
    """/chuatraloi lists a unit whose name holds a link and a stray "<": shown as written."""
    from db.models import Unit
    from plans.matching import remember
    from plans.store import save_plan
    from plans.text import parse_plan_text
    from tests.test_plan_text import SEED_004

    emu = emulator.emulator
    hostile = '<a href="http://evil.example">Phòng</a> GDĐT <3'
    with session_scope(sessions) as session:
        import_sample(session)
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    with session_scope(sessions) as session:
        unit = session.scalar(select(Unit).where(Unit.code == "PGD-KIENAN"))
        assert unit is not None
        unit.name = hostile
        save_plan(session, parse_plan_text(SEED_004, clock().date()), "kh496.txt", "h",
                  clock().date())  # fmt: skip
    await bot.bot_data["engine"].tick()
    reply = await said_in(emu, OFFICE_ADMIN, OFFICE_ADMIN, "/chuatraloi D1")
    assert hostile in reply, reply


async def test_a_plan_with_a_5000_character_title_and_2000_tasks_previews_in_one_message(
    bot, emulator, sessions, tmp_path
):
    """The summary stays one message with the buttons (the full preview comes as a file),
    never cut inside a tag, and the plan can be applied from Telegram."""

    from db.models import Plan, Task

    with session_scope(sessions) as session:
        import_sample(session)
    from openpyxl import Workbook

    book = Workbook()
    tasks = book.active
    tasks.title = "Nhiệm vụ"
    tasks.append(["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian thực hiện"])
    tasks.append(["1", "Mục một", "", ""])
    for i in range(1, 2001):
        tasks.append([f"1.{i}", f"Việc số {i} <i>có thẻ</i> & ký hiệu", "Văn phòng Sở",
                      "Trước ngày 15/12/2025"])  # fmt: skip
    details = book.create_sheet("Kế hoạch")
    details.append(["Số", "77/KH-SGDĐT"])
    details.append(["Tiêu đề", "Kế hoạch <b>rất</b> dài & " * 250])
    path = tmp_path / "dai.xlsx"
    book.save(path)
    emu = emulator.emulator
    before = len(emu.bot_messages(OFFICE_ADMIN))
    emu.send_document(OFFICE_ADMIN, path.read_bytes(), "dai.xlsx", "application/octet-stream")
    summary = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(OFFICE_ADMIN)[before:] if m.get("reply_markup")),
                     None)
    )  # fmt: skip
    new = emu.bot_messages(OFFICE_ADMIN)[before:]
    assert len(new) == 2 and "document" in new[0], "a file and one message"
    assert "2000 nhiệm vụ" in summary["text"] and "<i>có thẻ</i>" in summary["text"]
    query = emu.press(OFFICE_ADMIN, summary["message_id"], "plan:apply")
    await emu.wait_for(lambda: query in emu.callback_answers)
    await emu.wait_for(lambda: "Đã lưu kế hoạch" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"],
                       timeout=60)  # fmt: skip
    with sessions() as session:
        assert session.scalar(select(func.count(Task.id))) == 2000
        assert session.scalar(select(func.count(Plan.id))) == 1


async def test_a_token_telegram_rejects_never_appears_in_the_command_lines_error(
    emulator, sessions, db_url, tmp_path, monkeypatch
):
    """`nhacviec units invite` asks the Bot API for the bot's name; an answer quoting the
    request URL (the token inside) is printed with the token replaced."""
    from aiohttp import web
    from typer.testing import CliRunner

    from cli.main import app
    from tests.test_health import _free_port

    token = "987654:AAH-this-is-a-secret-token-value"

    async def refuse(request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 401, "description": f"Unauthorized: {request.url}"},
            status=401,
        )

    api = web.Application()
    api.router.add_route("*", "/{tail:.*}", refuse)
    runner = web.AppRunner(api)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    with session_scope(sessions) as session:
        import_sample(session)
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": token,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot"}  # fmt: skip
    try:
        import asyncio

        result = await asyncio.to_thread(
            CliRunner().invoke, app, ["units", "invite", "THPT-NGOQUYEN"], env=env
        )
    finally:
        await runner.cleanup()
    assert result.exit_code == 2, result.output
    assert "***" in result.output
    assert token not in result.output and token.split(":")[1] not in result.output


async def test_the_clock_stepped_back_an_hour_does_not_stop_the_ticks(
    emulator, db_url, sessions, clock
):
    """The wall clock jumps an hour back (an NTP step, a VM restored): the beat runs on the
    loop's monotonic clock, so a notice queued at the new "now" still goes out at once."""
    from bot.app import build_application, start_application, stop_application
    from bot.services import Services
    from jobs import outbox
    from tests.conftest import emulator_settings

    emu = emulator.emulator
    emu.user(6701)
    settings = emulator_settings(emulator, db_url, TICK_SECONDS="1")
    application = build_application(Services(settings, sessions, clock))
    await start_application(application, poll_timeout=0.5)
    try:
        assert application.job_queue is None or not application.job_queue.jobs()
        clock.now -= timedelta(hours=1)
        with session_scope(sessions) as session:
            row = outbox.new_row("step:6701", 6701, "notice", clock.now,
                                 {"text": "Sau khi đồng hồ lùi"})  # fmt: skip
            outbox.insert_reminders(session, [row])
        got = await emu.wait_for(lambda: emu.bot_messages(6701), timeout=3.5)
        assert got[0]["text"] == "Sau khi đồng hồ lùi"
    finally:
        await stop_application(application)


async def test_a_start_during_a_flood_of_presses_is_answered_at_once(
    bot, emulator, sessions, clock
):
    """Four hundred heads press at once: their card edits take thirteen seconds of Telegram's
    budget. A newcomer's /start meanwhile is answered as soon as the presses ahead of it in
    the update queue are handled (a second or so here), not after the edits."""
    import time
    from datetime import UTC, date, datetime

    from db.models import Assignment, AssignmentRole, Occurrence, Plan, Task, Unit

    emu = emulator.emulator
    heads = list(range(7_100_000, 7_100_400))
    with session_scope(sessions) as session:
        plan = Plan(number="9/KH-LU", issued_on=date(2025, 1, 2), title="Lũ", policy={},
                    details={})  # fmt: skip
        session.add(plan)
        session.flush()
        task = Task(plan_id=plan.id, ref="1", title="Báo cáo", policy={}, timeline={},
                    timeline_text="Tháng 3/2025")  # fmt: skip
        session.add(task)
        session.flush()
        occurrence = Occurrence(task_id=task.id, period_key="once",
                                due_at=datetime(2025, 3, 31, 16, 59, tzinfo=UTC))  # fmt: skip
        session.add(occurrence)
        units = [Unit(code=f"L{i}", name=f"Trường {i}", extra={}) for i in range(len(heads))]
        session.add_all(units)
        session.flush()
        for user, unit in zip(heads, units, strict=True):
            session.add(Assignment(task_id=task.id, unit_id=unit.id, role=AssignmentRole.LEAD))
            session.add(Member(unit_id=unit.id, telegram_user_id=user, chat_id=user,
                               full_name=f"HT {user}", role=Role.HEAD))  # fmt: skip
        session.flush()
        pairs = zip(heads, units, strict=True)
        presses = [(user, f"s:{occurrence.id}:{unit.id}:p") for user, unit in pairs]
    bot_id = int(bot.bot.token.split(":")[0])
    for user in heads:
        emu.user(user)
    cards = [emu.api_send_message(bot_id, user, "Nhắc hạn", None,
                                  {"inline_keyboard": [[{"text": "🔄", "callback_data": data}]]})
             for user, data in presses]  # fmt: skip
    queries = [emu.press(user, card["message_id"], data)
               for (user, data), card in zip(presses, cards, strict=True)]  # fmt: skip
    await emu.wait_for(lambda: sum(q in emu.callback_answers for q in queries) >= 100, timeout=60)
    edits_before = len(emu.calls_to("editMessageText"))
    emu.user(GUEST, first_name="Khách")
    started = time.monotonic()
    emu.send_text(GUEST, "/start")
    await emu.wait_for(lambda: emu.bot_messages(GUEST), timeout=30)
    waited = time.monotonic() - started
    edits_take = len(heads) / 29.9
    assert waited < 5.0 < edits_take, f"/start waited {waited:.1f} s behind the card edits"
    assert len(emu.calls_to("editMessageText")) - edits_before < len(heads) - 100, (
        "the edits were still queued when /start was answered"
    )
    await emu.wait_for(lambda: all(q in emu.callback_answers for q in queries), timeout=120)


def test_one_link_opened_by_two_people_at_once_links_one_of_them(tmp_path):
    """Two processes on one SQLite file (two engines here), the same link, the same moment."""
    import threading
    from datetime import UTC, datetime

    from db.invites import InviteRefused, Person, redeem
    from db.schema import upgrade
    from db.session import make_engine, make_session_factory

    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    engines = [make_engine(url), make_engine(url)]
    upgrade(engines[0])
    now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    with session_scope(make_session_factory(engines[0])) as session:
        import_sample(session)
        token = create_invite(session, "THPT-NGOQUYEN", Role.HEAD, now).token
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def open_link(i: int) -> None:
        sessions = make_session_factory(engines[i])
        barrier.wait()
        try:
            with session_scope(sessions) as session:
                redeem(session, token, Person(6800 + i, 6800 + i, f"Người {i}"), now)
            outcomes.append("linked")
        except InviteRefused as refused:
            outcomes.append(refused.reason.value)

    threads = [threading.Thread(target=open_link, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["linked", "used"]
    with make_session_factory(engines[0])() as session:
        assert session.scalar(select(func.count(Member.id))) == 1
    for engine in engines:
        engine.dispose()


def test_guessing_links_from_many_accounts_is_throttled_for_all(sessions):
    from datetime import UTC, datetime

    from db.invites import MAX_FAILURES_ALL, InviteRefused, Person, redeem

    now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    with session_scope(sessions) as session:
        import_sample(session)
        token = create_invite(session, "VP", Role.STAFF, now).token
    reasons = []
    for user in range(9_000_000, 9_000_000 + MAX_FAILURES_ALL + 3):  # one guess per account
        with session_scope(sessions) as session:  # committed: the refusal is what counts
            try:
                redeem(session, f"guess{user}", Person(user, user, "Kẻ đoán"), now)
            except InviteRefused as refused:
                reasons.append(refused.reason.value)
    assert reasons[:MAX_FAILURES_ALL] == ["wrong"] * MAX_FAILURES_ALL
    assert set(reasons[MAX_FAILURES_ALL:]) == {"throttled"}
    with sessions() as session:
        audited = session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action.in_(["invite_refused", "invite_throttled"])))  # fmt: skip
    assert audited == len(reasons)
    with session_scope(sessions) as session:  # a real link waits too, until the window passes
        try:
            redeem(session, token, Person(6900, 6900, "Người thật"), now)
            raise AssertionError("not throttled")
        except InviteRefused as refused:
            assert refused.reason.value == "throttled"
    with session_scope(sessions) as session:
        later = now + timedelta(minutes=16)
        assert redeem(session, token, Person(6900, 6900, "Người thật"), later).unit_id


async def test_the_emulator_refuses_other_interfaces_unless_given_a_control_token():
    import httpx
    from typer.testing import CliRunner

    from cli.main import app
    from emulator.server import EmulatorServer

    refused = CliRunner().invoke(app, ["emulator", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--control-token" in refused.output
    with pytest.raises(ValueError, match="control token"):
        EmulatorServer(host="0.0.0.0")
    server = await EmulatorServer(host="127.0.0.1", control_token="s3cret").start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            anyone = await client.post("/control/send_text",
                                       json={"user_id": 1, "text": "/start"})  # fmt: skip
            assert anyone.status_code == 401
            holder = await client.get("/control/stats", headers={"X-Control-Token": "s3cret"})
            assert holder.status_code == 200
    finally:
        await server.stop()
