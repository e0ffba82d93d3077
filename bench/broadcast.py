"""A broadcast through the local Bot API emulator, free and paid.

The emulator runs in a process of its own (its work is Telegram's, not the bot's), enforcing
Telegram's limits — about 30 messages/s free, 1,000/s for paid broadcasts
(`allow_paid_broadcast`), 1/s per chat, a 429 with retry_after beyond them — and answering
every call after 100 ms, about what a server in Vietnam sees. The bot sends the outbox of a
real SQLite database through python-telegram-bot with its rate limiter, in a process of its
own too, so its CPU time per message is its own.

- free: 1,000 reminders to 1,000 chats, PAID_BROADCAST_RATE unset (target ≥ 28.5/s, 0 × 429);
- paid: 5,000 reminders to 5,000 chats, PAID_BROADCAST_RATE=1000 (target ≥ 950/s, 0 lost).

This checkout and the one named by `BENCH_BASELINE` (a directory: the code before a change)
are measured alternately, `BENCH_ROUNDS` rounds each (3); the code before has no paid mode, so
its "paid" round shows what the office got before. `--code DIR --mode M --emulator URL
--first N` measures one checkout once. Prints one JSON object last.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import _ab as ab

MODES = {"free": (1000, "0"), "paid": (5000, "1000")}
LATENCY = 0.1
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ROOT = Path(__file__).resolve().parent.parent


def measure(folder: str, mode: str, emulator_url: str, first: int) -> dict[str, Any]:
    """In the checkout on sys.path: fill the outbox, run one tick against the emulator."""
    import asyncio
    from datetime import UTC, datetime

    from bot.app import build_application
    from bot.services import Services
    from config import load_settings
    from db.models import Reminder, ReminderState
    from db.schema import upgrade
    from db.session import make_engine, make_session_factory, session_scope
    from jobs import outbox
    from jobs.engine import Engine

    count, rate = MODES[mode]
    chats = range(first, first + count)

    async def run() -> dict[str, Any]:
        url = f"sqlite:///{folder}/broadcast.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        settings = load_settings(
            {"TELEGRAM_BOT_TOKEN": "123456:bench-token-abcdef", "DATABASE_URL": url,
             "TELEGRAM_API_BASE_URL": f"{emulator_url}/bot", "PAID_BROADCAST_RATE": rate},
            env_file=None,
        )  # fmt: skip
        application = build_application(Services(settings, sessions), max_retries=3)
        await application.initialize()
        try:  # as `nhacviec run` starts, where the checkout does so (config/heap.py)
            from config import heap
        except ImportError:
            pass
        else:
            heap.settle_at_start()
        try:
            now = datetime.now(UTC)
            with session_scope(sessions) as session:
                outbox.insert_reminders(session, [
                    outbox.new_row(f"broadcast:{chat}", chat, "notice", now,
                                   {"text": f"Nhắc hạn <b>số {chat}</b>"})
                    for chat in chats
                ])  # fmt: skip
            sender = Engine(settings, sessions, application.bot, lambda: datetime.now(UTC))
            started, cpu = time.perf_counter(), time.process_time()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            report = await sender.tick()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            after = resource.getrusage(resource.RUSAGE_SELF)
            with session_scope(sessions) as session:
                sent = session.query(Reminder).filter(Reminder.state == ReminderState.SENT).count()
        finally:
            await application.shutdown()
            engine.dispose()
        return {
            "seconds": round(seconds, 2),
            "messages_per_second": round(count / seconds, 1),
            "cpu_ms_per_message": round(cpu * 1000 / count, 3),
            # The kernel's share: on loopback a send also delivers to the emulator's socket.
            "user_ms_per_message": round((after.ru_utime - usage.ru_utime) * 1000 / count, 3),
            "system_ms_per_message": round((after.ru_stime - usage.ru_stime) * 1000 / count, 3),
            "sent": sent,
            "error": report.error or None,
        }

    return asyncio.run(run())


def control(url: str, action: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{url}/control/{action}", data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())["result"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_emulator() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "import asyncio, sys; from emulator.server import serve_forever; "
         f"asyncio.run(serve_forever('127.0.0.1', {port}, ''))"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            control(url, "stats")
            break
        except OSError:
            time.sleep(0.1)
    control(url, "limits", {"enforce": True, "latency": LATENCY})
    return process, url


def run_in(code: Path, mode: str, url: str, first: int) -> dict[str, Any]:
    count = MODES[mode][0]
    control(url, "users", {"user_ids": list(range(first, first + count))})
    before = control(url, "stats")
    result = ab.run_in(__file__, code, "--mode", mode, "--emulator", url, "--first", str(first))
    after = control(url, "stats")

    def grew(key: str) -> int:
        return int(after.get(key, 0)) - int(before.get(key, 0))

    delivered = grew("messages_sent")
    result.update(http_429=grew("http_429"), paid_messages=grew("paid_messages"),
                  lost=count - min(result["sent"], delivered),
                  duplicates=max(0, delivered - count))  # fmt: skip
    return result


def summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    best = max(rounds, key=lambda r: r["messages_per_second"])
    return {
        "messages_per_second_best": best["messages_per_second"],
        "messages_per_second_all": [r["messages_per_second"] for r in rounds],
        "cpu_ms_per_message_best": min(r["cpu_ms_per_message"] for r in rounds),
        "user_ms_per_message_best": min(r.get("user_ms_per_message", 0) for r in rounds),
        "system_ms_per_message_best": min(r.get("system_ms_per_message", 0) for r in rounds),
        "http_429": sum(r["http_429"] for r in rounds),
        "lost": sum(r["lost"] for r in rounds),
        "duplicates": sum(r["duplicates"] for r in rounds),
        "paid_messages": best["paid_messages"],
        "errors": [r["error"] for r in rounds if r["error"]],
    }


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--code"]:
        options = dict(zip(args[::2], args[1::2], strict=True))
        sys.path.insert(0, options["--code"])
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(folder, options["--mode"], options["--emulator"],
                                     int(options["--first"]))))  # fmt: skip
        return
    checkouts = ab.checkouts()
    process, url = start_emulator()
    results: dict[str, dict[str, list[dict[str, Any]]]] = {
        name: {mode: [] for mode in MODES} for name in checkouts
    }
    first = 2_000_000
    try:
        for _ in range(ROUNDS):
            for mode in MODES:
                for name, code in checkouts.items():  # alternately: this machine's speed wanders
                    results[name][mode].append(run_in(code, mode, url, first))
                    first += MODES[mode][0]
    finally:
        process.terminate()
        process.wait()
    print(json.dumps({
        "latency_ms": int(LATENCY * 1000),
        **{name: {mode: summary(r) for mode, r in modes.items()}
           for name, modes in results.items()},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
