"""`nhacviec run` as the office would start it: a real process, a real database, the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
from sqlalchemy import select

from db.models import Heartbeat
from db.schema import upgrade
from db.session import make_engine, make_session_factory
from tests.conftest import BOT_TOKEN

ROOT = Path(__file__).resolve().parent.parent


async def start_bot(env: dict[str, str], tmp_path: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli.main", "run",
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def stop(process: asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, err.decode()


async def test_the_bot_process_answers_start_ticks_and_stops_cleanly(emulator, db_url, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine)
    env = {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "DEBUG",
        "TICK_SECONDS": "1",
    }
    process = await start_bot(env, tmp_path)
    emu = emulator.emulator
    try:
        emu.send_text(901, "/start")
        reply = await emu.wait_for(lambda: emu.last_bot_message(901), timeout=30)
        assert "Nhắc việc" in reply["text"]
        sessions = make_session_factory(engine)

        def ticked() -> bool:
            with sessions() as session:
                return session.scalar(select(Heartbeat).where(Heartbeat.name == "tick")) is not None

        for _ in range(100):
            if ticked():
                break
            await asyncio.sleep(0.1)
        assert ticked()
    finally:
        code, log = await stop(process)
        engine.dispose()
    assert code == 0, log
    assert BOT_TOKEN not in log
    assert BOT_TOKEN.split(":")[1] not in log
    assert all(line.count(" ") > 2 for line in log.splitlines())  # one event per line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_checks_telegrams_secret_token_header(emulator, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'hook.sqlite3'}"
    upgrade(make_engine(db_url))
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": db_url,
        "WEBHOOK_URL": "https://bot.example.org/hook",
        "WEBHOOK_SECRET": "s3cret-header_value",
        "WEBHOOK_PORT": str(port),
    }
    process = await start_bot(env, tmp_path)
    emu = emulator.emulator
    try:
        await emu.wait_for(lambda: emu.webhook.get("url"), timeout=30)
        assert emu.webhook["secret_token"] == "s3cret-header_value"
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1, "date": 0, "text": "/start",
                "chat": {"id": 902, "type": "private"},
                "from": {"id": 902, "is_bot": False, "first_name": "An"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }  # fmt: skip
        emu.user(902)
        async with httpx.AsyncClient() as client:
            url = f"http://127.0.0.1:{port}/hook"  # served at WEBHOOK_URL's own path
            for _ in range(100):
                try:
                    forged = await client.post(url, json=update)
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert forged.status_code == 403
            real = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-header_value"}
            )
            assert real.status_code == 200
        reply = await emu.wait_for(lambda: emu.last_bot_message(902), timeout=30)
        assert "Nhắc việc" in reply["text"]
        assert len(emu.bot_messages(902)) == 1  # the forged update did nothing
    finally:
        code, log = await stop(process)
    assert code == 0, log
    assert "s3cret-header_value" not in log
