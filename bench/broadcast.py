"""A broadcast of 1,000 reminders to 1,000 chats through the local Bot API emulator.

The emulator enforces Telegram's limits (30 messages/s overall, 1/s per chat: a 429 with
retry_after beyond them) and answers every call after 100 ms, about what a server in Vietnam
sees. The engine sends through real python-telegram-bot with its rate limiter, from the
outbox of a real (SQLite) database. Side by side in the same run, a plain sequential loop
(`await bot.send_message` one after another) on other chats. Prints one JSON object last.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application
from bot.services import Services
from config import load_settings
from db.models import Reminder, ReminderState
from db.schema import upgrade
from db.session import make_engine, make_session_factory, session_scope
from emulator.server import EmulatorServer
from emulator.state import Emulator
from jobs import outbox

MESSAGES = 1000
SEQUENTIAL = 100
LATENCY = 0.1
FIRST_CHAT = 2_000_000


async def run(folder: str) -> dict[str, float | int]:
    emulator = Emulator()
    emulator.limits.enforce = True
    emulator.limits.latency = LATENCY
    chats = [FIRST_CHAT + i for i in range(MESSAGES + SEQUENTIAL)]
    for chat in chats:
        emulator.user(chat)
    server = EmulatorServer(emulator)
    await server.start()
    url = f"sqlite:///{folder}/broadcast.sqlite3"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": "123456:bench-token-abcdef", "DATABASE_URL": url,
         "TELEGRAM_API_BASE_URL": server.base_url},
        env_file=None,
    )  # fmt: skip
    application = build_application(Services(settings, sessions), max_retries=3)
    await application.initialize()
    try:
        now = datetime.now(UTC)
        rows = [
            outbox.new_row(
                f"broadcast:{chat}", chat, "notice", now, {"text": f"Nhắc hạn <b>số {chat}</b>"}
            )
            for chat in chats[:MESSAGES]
        ]
        with session_scope(sessions) as session:
            outbox.insert_reminders(session, rows)
        from jobs.engine import Engine

        sender = Engine(settings, sessions, application.bot, lambda: datetime.now(UTC))
        started = time.perf_counter()
        report = await sender.tick()
        seconds = time.perf_counter() - started
        with sessions() as session:
            sent = session.query(Reminder).filter(Reminder.state == ReminderState.SENT).count()
        delivered = sum(len(emulator.bot_messages(chat)) == 1 for chat in chats[:MESSAGES])
        stats_429 = emulator.stats["http_429"]

        started = time.perf_counter()
        for chat in chats[MESSAGES:]:
            await application.bot.send_message(chat, f"Nhắc hạn số {chat}")
        sequential_seconds = time.perf_counter() - started
    finally:
        await application.shutdown()
        await server.stop()
        engine.dispose()
    return {
        "messages": MESSAGES,
        "seconds": round(seconds, 2),
        "messages_per_second": round(MESSAGES / seconds, 2),
        "sequential_messages": SEQUENTIAL,
        "sequential_messages_per_second": round(SEQUENTIAL / sequential_seconds, 2),
        "latency_ms": int(LATENCY * 1000),
        "http_429": stats_429,
        "lost": MESSAGES - min(sent, delivered),
        "duplicates": sum(max(0, len(emulator.bot_messages(c)) - 1) for c in chats[:MESSAGES]),
        "tick_error": report.error or None,  # type: ignore[dict-item]
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(run(folder))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
