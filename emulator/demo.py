"""The offline demo: the whole loop with no Telegram token, a year in under a minute.

It starts the local Bot API emulator, loads the sample registry and the sample plans, links
simulated unit heads through real invitation links, and walks a simulated clock through the
plans' deadlines. The bot is the real one — the same application, scheduler, outbox and
database code as `nhacviec run` — talking to the emulator; only the people are simulated
here: some answer on time, some late, some never, some are blocked; one fills in the form.
At the end it writes the Excel reports and the .ics and says where the database is.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from sqlalchemy import func, select

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from config import Settings, load_settings
from db.invites import create_invite
from db.models import Assignment, FormDefinition, Plan, Role, Unit
from db.registry import import_sample
from db.schema import upgrade
from db.session import make_engine, make_session_factory, session_scope
from emulator.server import EmulatorServer
from emulator.state import Emulator
from plans.matching import remember
from plans.reader import load_plan_file, read_plan_bytes
from plans.store import find_plan, find_task, save_plan, set_timeline

TOKEN = "123456:offline-demo-token"
OFFICE_USER = 900_000
FIRST_HEAD = 800_000
PERSONAS = ("on_time", "late", "never", "blocked", "progress", "slow")
NOTES = ("Chưa có kinh phí thuê đường truyền", "Đang chờ số liệu từ các trường",
         "Thiếu phòng họp đủ chỗ")  # fmt: skip


@dataclass
class Person:
    user_id: int
    unit_code: str
    unit_name: str
    persona: str
    seen: int = 0
    acted: set[str] = field(default_factory=set)
    # Forms to fill once the other cards are answered: a person fills one form at a time.
    forms: list[tuple[dict[str, Any], str]] = field(default_factory=list)


@dataclass
class DemoResult:
    database: Path
    workbooks: list[Path]
    calendar: Path
    messages: int
    answers: int
    ended: datetime | None = None  # the simulated clock when the demo stopped


class SimClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def sample_plans() -> list[tuple[str, bytes]]:
    folder = resources.files("plans") / "samples"
    return sorted(
        (item.name, item.read_bytes()) for item in folder.iterdir() if item.name.endswith(".txt")
    )


async def run_demo(
    out_dir: Path,
    units: int = 20,
    seed: int = 1,
    speed: float = 0.0,
    days: int = 365,
    plan_files: list[Path] | None = None,
    console: Console | None = None,
    start: date = date(2025, 1, 24),
) -> DemoResult:
    """Run the demo; `speed` is simulated days per real second (0: as fast as it goes)."""
    import asyncio

    console = console or Console()
    rng = random.Random(seed)
    database = _fresh_database(out_dir)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    emulator = Emulator()
    server = EmulatorServer(emulator)
    await server.start()
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
         "DATABASE_URL": url, "OFFICE_ADMINS": str(OFFICE_USER), "TICK_SECONDS": "3600"},
        env_file=None,
    )  # fmt: skip
    clock = SimClock(datetime.combine(start, time(7, 0), tzinfo=settings.timezone))
    say = _printer(console, clock, settings)
    say("🏁", f"Kho dữ liệu: {database}")
    with session_scope(sessions) as session:
        import_sample(session)
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    plans = _load_plans(sessions, plan_files, start, say)
    application = build_application(Services(settings, sessions, clock), max_retries=3)
    await start_application(application, poll_timeout=0.2)
    result: DemoResult | None = None
    try:
        emulator.user(OFFICE_USER, first_name="Văn phòng Sở")
        people = await _link_heads(emulator, sessions, settings, clock, units, rng, say)
        office = Person(OFFICE_USER, "", "Văn phòng Sở", "office")
        engine_tick = application.bot_data["engine"].tick
        end = start + timedelta(days=days)
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} ngày"), console=console,
                      transient=True) as progress:  # fmt: skip
            bar = progress.add_task("Mô phỏng", total=days)
            day = start
            while day < end:
                for hour, minute in ((7, 45), (8, 0), (13, 5)):
                    clock.now = datetime.combine(day, time(hour, minute), tzinfo=settings.timezone)
                    await engine_tick()
                    for person in [*people, office]:
                        await _react(emulator, person, rng, say)
                progress.update(bar, advance=1, description=f"Mô phỏng {day:%d/%m/%Y}")
                if speed > 0:
                    await asyncio.sleep(1 / speed)
                day += timedelta(days=1)
        result = _finish(sessions, settings, clock, out_dir, database, plans, emulator, say)
    finally:
        await stop_application(application)
        await server.stop()
        engine.dispose()
    return result


def _fresh_database(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    database = (out_dir / "nhacviec-demo.sqlite3").resolve()
    database.unlink(missing_ok=True)  # each run starts from nothing
    return database


def _printer(console: Console, clock: SimClock, settings: Settings) -> Callable[[str, str], None]:
    def say(icon: str, text: str) -> None:
        when = clock.now.astimezone(settings.timezone)
        console.print(f"[dim]{when:%d/%m/%Y %H:%M}[/dim] {icon} {text}", markup=True,
                      highlight=False, soft_wrap=True)  # fmt: skip

    return say


def _load_plans(sessions: Any, files: list[Path] | None, start: date, say: Any) -> list[int]:
    documents = []
    if files:
        for path in files:
            documents.append((path.name, read_plan_bytes(load_plan_file(path), path.name, start)))
    else:
        documents = [(name, read_plan_bytes(content, name, start))
                     for name, content in sample_plans()]  # fmt: skip
    ids = []
    for name, doc in documents:
        with session_scope(sessions) as session:
            saved = save_plan(session, doc, name, name, start)
            ids.append(saved.plan_id)
            say("📥", f"Nhập kế hoạch {doc.number or name}: {saved.tasks_added} nhiệm vụ, "
                      f"{saved.assignments} lượt giao")  # fmt: skip
            for warning in doc.warnings:
                say("⚠️", warning)
                # The office corrects the year the plan mistyped, as it would before going live.
                fix = re.search(r"có lẽ là (\d\d/\d\d/\d{4})", warning)
                sentence = next((d for d in doc.deadlines if fix), None)
                if fix and sentence is not None and doc.number:
                    plan = find_plan(session, doc.number)
                    task = find_task(session, plan, "D1")
                    corrected = re.sub(r"\d\d/\d\d/\d{4}", fix.group(1), task.timeline_text)
                    set_timeline(session, plan, task, corrected, datetime.now(UTC))
                    say("✏️", f"Văn phòng sửa thời hạn D1 thành: {corrected}")
    return ids


async def _link_heads(emulator: Emulator, sessions: Any, settings: Settings, clock: SimClock,
                      count: int, rng: random.Random, say: Any) -> list[Person]:  # fmt: skip
    """Heads of the units that have work, linked through real invitation links."""
    with session_scope(sessions) as session:
        busy = session.execute(
            select(Unit.code, Unit.name, func.count(Assignment.id))
            .join(Assignment, Assignment.unit_id == Unit.id)
            .group_by(Unit.code, Unit.name)
            .order_by(func.count(Assignment.id).desc(), Unit.code)
        ).all()
        with_form = set(session.scalars(
            select(Unit.code).join(Assignment, Assignment.unit_id == Unit.id)
            .join(FormDefinition, FormDefinition.task_id == Assignment.task_id)
        ))  # fmt: skip
        # The busiest first (the Department itself), then the units asked for the form: each
        # persona meets a deadline, and the one who answers on time fills the form in.
        ranked = busy[:1] + sorted(busy[1:], key=lambda unit: unit[0] not in with_form)
        chosen = [(code, name) for code, name, _ in ranked[:count]]
        tokens = [create_invite(session, code, Role.HEAD, clock(), created_by="demo").token
                  for code, _ in chosen]  # fmt: skip
    people = []
    for i, ((code, name), token) in enumerate(zip(chosen, tokens, strict=True)):
        user_id = FIRST_HEAD + i
        emulator.user(user_id, first_name=f"Thủ trưởng {code}")
        # The busiest unit (the Department itself) works through its yearly tasks; the others
        # take every part once, then at random.
        persona = "progress" if i == 0 else PERSONAS[(i - 1) % len(PERSONAS)]
        if i > len(PERSONAS):
            persona = rng.choice(PERSONAS)
        person = Person(user_id, code, name, persona)
        before = len(emulator.bot_messages(user_id))
        emulator.send_text(user_id, f"/start {token}")
        await emulator.wait_for(lambda u=user_id, b=before: len(emulator.bot_messages(u)) > b)
        person.seen = len(emulator.bot_messages(user_id))
        people.append(person)
    say("🔗", f"Đã liên kết {len(people)} thủ trưởng đơn vị qua link mời "
              f"({', '.join(sorted({p.persona for p in people}))})")  # fmt: skip
    return people


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:110] if text.strip() else ""


def _buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def _press(emulator: Emulator, person: Person, message: dict[str, Any], data: str) -> None:
    query = emulator.press(person.user_id, message["message_id"], data)
    await emulator.wait_for(lambda: query in emulator.callback_answers, timeout=20)


async def _send(emulator: Emulator, person: Person, text: str) -> None:
    before = len(emulator.bot_messages(person.user_id))
    emulator.send_text(person.user_id, text)
    await emulator.wait_for(lambda: len(emulator.bot_messages(person.user_id)) > before, 20)


async def _react(emulator: Emulator, person: Person, rng: random.Random, say: Any) -> None:
    """Read what arrived since last time and answer as this persona would."""
    for _ in range(12):  # a few rounds: opening a task brings its card, a form its questions
        messages = emulator.bot_messages(person.user_id)
        fresh, person.seen = messages[person.seen :], len(messages)
        if not fresh and person.forms:
            message, form = person.forms.pop(0)
            say("👤", f"{person.unit_name} mở biểu mẫu")
            await _press(emulator, person, message, form)
            continue
        if not fresh:
            return
        for message in fresh:
            text = message.get("text", "")
            who = person.unit_name if person.persona != "office" else "Văn phòng Sở"
            if not text.startswith(("📌 Đã ghi nhận", "Đã ")):
                say("🤖", f"→ {who}: {_first_line(text)}")
            await _act(emulator, person, message, text, rng, say)


async def _act(emulator: Emulator, person: Person, message: dict[str, Any], text: str,
               rng: random.Random, say: Any) -> None:  # fmt: skip
    buttons = _buttons(message)
    late = "Quá hạn" in text or "quá hạn" in text.splitlines()[0] if text else False
    if person.persona == "office":
        requests = [b for b in buttons if b.startswith("x:") and b not in person.acted]
        if requests and len(person.acted) < 3:
            person.acted.add(requests[0])
            say("🏛", "Văn phòng Sở bấm 📝 Yêu cầu giải trình")
            await _press(emulator, person, message, requests[0])
        return
    if "Yêu cầu giải trình" in text and buttons:
        await _press(emulator, person, message, buttons[0])
        await _send(emulator, person, "Đơn vị chậm do chờ số liệu của các trường trực thuộc.")
        say("👤", f"{person.unit_name} gửi giải trình")
        return
    if "Vướng mắc gì?" in text:
        note = rng.choice(NOTES)
        await _send(emulator, person, note)
        say("👤", f"{person.unit_name}: “{note}”")
        return
    if text.startswith("📝") and "\n" in text:  # a form question
        question = text.splitlines()[-1]
        if "Số lượng điểm cầu" in question:
            answer = "2"
        elif "ví dụ 3" in question:
            answer = str(rng.randint(10, 60))
        else:
            answer = rng.choice(["Hội trường UBND", "Trường THPT số 1", "Nhà văn hóa"])
        await _send(emulator, person, answer)
        return
    if "Kiểm tra lại trước khi gửi" in text:
        confirm = next((b for b in buttons if b.startswith("fc:")), None)
        if confirm:
            await _press(emulator, person, message, confirm)
            say("👤", f"{person.unit_name} gửi biểu mẫu điểm cầu")
        return
    if "ghi chú hoặc gửi tệp" in text:
        if person.persona == "on_time":
            emulator.send_document(person.user_id, b"%PDF-1.4 demo", "bao-cao.pdf",
                                   "application/pdf")  # fmt: skip
            say("👤", f"{person.unit_name} gửi tệp báo cáo bao-cao.pdf")
        return
    openers = [b for b in buttons if b.startswith("o:")]
    if openers:
        for opener in openers:
            if _decide(person, opener, late, "hạn hôm nay" in text, record=False) is not None:
                await _press(emulator, person, message, opener)
        return
    answers = [b for b in buttons if b.startswith("s:")]
    if not answers:
        return
    target = answers[0].rsplit(":", 1)[0]
    choice = _decide(person, target, late, "Hôm nay là hạn" in text)
    if choice is None:
        return
    form = next((b for b in buttons if b.startswith("f:")), None)
    if form and person.persona == "on_time":
        # Sending the form is the answer: it records the task done.
        if f"form:{target}" not in person.acted:
            person.acted.add(f"form:{target}")
            person.forms.append((message, form))
        return
    labels = {"d": "✅ Hoàn thành", "p": "🔄 Đang thực hiện", "b": "⚠️ Vướng mắc"}
    say("👤", f"{person.unit_name} bấm {labels[choice]}")
    await _press(emulator, person, message, f"{target}:{choice}")


def _decide(
    person: Person, target: str, late: bool, due_today: bool = False, record: bool = True
) -> str | None:
    """What this persona answers to a reminder about `target` (None: stays silent)."""
    key = target.replace("o:", "s:")
    count = sum(1 for a in person.acted if a.startswith(key + "#"))
    if record:
        person.acted.add(f"{key}#{count}")
    if person.persona == "never":
        return None
    if person.persona == "on_time":
        return "d"
    if person.persona == "late":
        return "d" if late else None
    if person.persona == "blocked":
        return "b" if count == 0 else None
    if person.persona == "slow":
        return "p" if count == 0 else None  # says it is working on it, and stays there
    return "p" if count == 0 else ("d" if due_today else None)  # progress: done on the day


def _finish(sessions: Any, settings: Settings, clock: SimClock, out_dir: Path, database: Path,
            plan_ids: list[int], emulator: Emulator, say: Any) -> DemoResult:  # fmt: skip
    from reports import data, excel
    from reports.calendar import calendar
    from reports.excel import export_name

    workbooks = []
    with session_scope(sessions) as session:
        answers = 0
        for plan_id in plan_ids:
            plan = session.get(Plan, plan_id)
            assert plan is not None
            report = data.plan_report(session, plan, clock())
            answers += len(report.answers)
            path = (out_dir / export_name(plan)).resolve()
            path.write_bytes(excel.workbook_bytes(report, clock(), settings.timezone))
            workbooks.append(path)
        entries = data.calendar_entries(session)
    ics = (out_dir / "nhac-viec.ics").resolve()
    ics.write_bytes(calendar(entries, "Nhắc việc (demo)", settings.timezone, clock()))
    sent = emulator.stats.get("messages_sent", 0) or sum(
        len(emulator.bot_messages(chat)) for chat in list(emulator.chats)
    )
    for path in workbooks:
        say("📊", f"Báo cáo Excel: {path}")
    say("📅", f"Lịch (.ics): {ics}")
    say("🗄", f"Cơ sở dữ liệu: {database}  →  DATABASE_URL=sqlite:///{database} "
              "nhacviec report summary")  # fmt: skip
    return DemoResult(database, workbooks, ics, int(sent), answers, clock())


async def serve_workspace(
    result: DemoResult, port: int, console: Console, until: Any = None, host: str = "127.0.0.1"
) -> list[str]:
    """The web workspace over the demo's database, as of the demo's last simulated day, with
    a one-time sign-in link for the office and for a unit head (there is no Telegram to ask
    /web of). Serves until `until` (an asyncio.Event) is set, or until interrupted."""
    import asyncio

    from db import web_auth
    from db.models import Member
    from web.app import Workspace
    from web.server import start

    url = f"sqlite:///{result.database}"
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url, "OFFICE_ADMINS": str(OFFICE_USER),
         "WEB_PORT": str(port), "WEB_HOST": host},
        env_file=None,
    )  # fmt: skip
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    ended = result.ended or datetime.now(UTC)
    real_start = datetime.now(UTC)

    def clock() -> datetime:  # the demo's last day, moving on as real time passes
        return ended + (datetime.now(UTC) - real_start)

    links = []
    with session_scope(sessions) as session:
        head = session.scalar(select(Member.telegram_user_id).where(Member.unit_id.is_not(None))
                              .order_by(Member.id))  # fmt: skip
        for who, user_id in (("Văn phòng Sở", OFFICE_USER), ("một thủ trưởng đơn vị", head)):
            if user_id is None:
                continue
            token, _ = web_auth.create_link(session, user_id, clock())
            links.append(f"{settings.web_url}/auth/link?t={token}")
            console.print(f"🔑 Đăng nhập với tư cách {who} (dùng một lần, 10 phút): {links[-1]}",
                          highlight=False, soft_wrap=True)  # fmt: skip
    runner = await start(Workspace(settings, sessions, clock))
    console.print(f"🌐 Bảng theo dõi: {settings.web_url}/  (Ctrl+C để dừng)", highlight=False)
    try:
        if until is not None:
            await until.wait()
        else:
            await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        engine.dispose()
    return links
