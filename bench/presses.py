"""Button presses processed per second, end to end: 1,000 units answering at once.

Each of 1,000 linked heads has a task card from the bot; all press "🔄 Đang thực hiện" at
the same moment. The emulator runs in its own process (Telegram is another machine). A press
counts when its update went from the emulator through real python-telegram-bot handlers into
the database (committed) and back as the acknowledgement (answerCallbackQuery). The card
edits that follow are paced by the rate limiter and are not part of the figure. On SQLite
and PostgreSQL (skipped when unreachable). BENCH_UNITS changes the count.

This machine's speed wanders (±30 % from one minute to the next, and the bot, the emulator
and PostgreSQL share two cores), so each database is measured in BENCH_ROUNDS rounds (3),
alternating between the two, each round with a fresh database, emulator and bot. A database's
`presses_per_second` is its best round (noise only ever slows a round down); every round's
figure and the median are printed beside it, and `lost` counts over all rounds. Prints one
JSON object last.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import func, select

from bench._postgres import throwaway_schema
from bot.app import build_application, start_application, stop_application
from bot.services import Services
from config import load_settings
from db.models import Assignment, AssignmentRole, Member, Occurrence, Plan, Response, Role, Task
from db.models import Unit as UnitRow
from db.schema import upgrade
from db.session import make_engine, make_session_factory, session_scope

UNITS = int(os.environ.get("BENCH_UNITS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TOKEN = "123456:bench-presses-token"
FIRST_USER = 3_000_000


def populate(sessions: Any) -> tuple[int, list[int]]:
    with session_scope(sessions) as session:
        plan = Plan(number="01/KH-BENCH", issued_on=date(2025, 1, 2), title="Đo tốc độ",
                    policy={}, details={})  # fmt: skip
        session.add(plan)
        session.flush()
        task = Task(plan_id=plan.id, ref="1", title="Báo cáo tháng", timeline_text="Tháng 3/2025",
                    timeline={}, policy={})  # fmt: skip
        session.add(task)
        session.flush()
        occurrence = Occurrence(task_id=task.id, period_key="once",
                                due_at=datetime(2025, 3, 31, 16, 59, tzinfo=UTC))  # fmt: skip
        session.add(occurrence)
        units = [UnitRow(code=f"U{i:04d}", name=f"Trường số {i}", extra={}) for i in range(UNITS)]
        session.add_all(units)
        session.flush()
        for i, unit in enumerate(units):
            session.add(Assignment(task_id=task.id, unit_id=unit.id, role=AssignmentRole.LEAD))
            session.add(Member(unit_id=unit.id, telegram_user_id=FIRST_USER + i,
                               chat_id=FIRST_USER + i, full_name=f"Hiệu trưởng {i}",
                               role=Role.HEAD))  # fmt: skip
        session.flush()
        return occurrence.id, [u.id for u in units]


class RemoteEmulator:
    """The emulator in its own process, as Telegram is: driven over its control API."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        code = ("import asyncio; from emulator.server import serve_forever; "
                f"asyncio.run(serve_forever('127.0.0.1', {self.port}))")  # fmt: skip
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=root)
        self.base = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.base, timeout=60)
        for _ in range(100):
            try:
                self.control("stats", method="GET")
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the emulator did not start")

    def control(self, action: str, body: Any = None, method: str = "POST") -> Any:
        response = self.http.request(method, f"/control/{action}", json=body)
        response.raise_for_status()
        return response.json()["result"]

    def close(self) -> None:
        self.http.close()
        self.process.terminate()
        self.process.wait(10)


async def measure(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    occurrence, unit_ids = populate(sessions)
    emulator = RemoteEmulator()
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url,
         "TELEGRAM_API_BASE_URL": f"{emulator.base}/bot"},
        env_file=None,
    )  # fmt: skip
    clock = lambda: datetime(2025, 3, 5, 3, 0, tzinfo=UTC)  # noqa: E731 - a quiet Wednesday
    application = build_application(Services(settings, sessions, clock))
    users = [FIRST_USER + i for i in range(len(unit_ids))]
    emulator.control("users", {"user_ids": users})
    datas = [f"s:{occurrence}:{unit_id}:p" for unit_id in unit_ids]
    cards = emulator.control("bot_messages", {"bot_id": int(TOKEN.split(":")[0]), "messages": [
        {"chat_id": user, "text": "Nhắc hạn",
         "reply_markup": {"inline_keyboard": [[{"text": "🔄", "callback_data": data}]]}}
        for user, data in zip(users, datas, strict=True)
    ]})  # fmt: skip
    await start_application(application, poll_timeout=0.5)
    try:
        started = time.perf_counter()
        queries = emulator.control("press_many", {"presses": [
            {"user_id": user, "message_id": card["message_id"], "data": data}
            for user, card, data in zip(users, cards, datas, strict=True)
        ]})  # fmt: skip
        answered = 0
        while answered < len(queries) and time.perf_counter() - started < 600:
            await asyncio.sleep(0.02)
            answered = await asyncio.to_thread(emulator.control, "answered", {"ids": queries})
        seconds = time.perf_counter() - started
    finally:
        await stop_application(application)
        emulator.close()
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(Response))
    engine.dispose()
    return {
        "presses": len(queries),
        "seconds": round(seconds, 2),
        "presses_per_second": round(len(queries) / seconds, 1),
        "acknowledged": answered,
        "stored": stored,
        "lost": len(queries) - min(int(stored or 0), answered),
    }


def one_round(kind: str) -> dict[str, Any] | None:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            return asyncio.run(measure(f"sqlite:///{folder}/presses.sqlite3"))
    with throwaway_schema("bench_presses") as url:
        return asyncio.run(measure(url)) if url else None


def summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    rates = [r["presses_per_second"] for r in rounds]
    return {
        "presses": rounds[0]["presses"],
        "presses_per_second": max(rates),
        "median_per_second": round(statistics.median(rates), 1),
        "rounds_per_second": rates,
        "acknowledged": min(r["acknowledged"] for r in rounds),
        "stored": min(r["stored"] for r in rounds),
        "lost": sum(r["lost"] for r in rounds),
    }


def main() -> None:
    measured: dict[str, list[dict[str, Any]]] = {"sqlite": [], "postgresql": []}
    unreachable: set[str] = set()
    for _ in range(ROUNDS):
        for kind, rounds in measured.items():
            if kind in unreachable:
                continue
            result = one_round(kind)
            if result is None:
                unreachable.add(kind)
            else:
                rounds.append(result)
    print(json.dumps({
        kind: summary(rounds) if rounds else {"skipped": "PostgreSQL unreachable"}
        for kind, rounds in measured.items()
    }))  # fmt: skip


if __name__ == "__main__":
    main()
