"""The bot watches itself: a health verdict from its heartbeats, a command, a loopback HTTP
endpoint, and a dead-man's switch pinged after each good tick."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import httpx
from aiohttp import web
from typer.testing import CliRunner

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from cli.main import app
from db.models import Heartbeat
from db.session import session_scope
from jobs.health import verdict
from tests.conftest import emulator_settings

NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def test_the_verdict_names_what_is_wrong():
    fresh = {"tick": NOW - timedelta(seconds=20), "telegram": NOW - timedelta(minutes=3)}
    assert verdict(NOW, fresh, 30).ok
    stalled = verdict(NOW, {**fresh, "tick": NOW - timedelta(minutes=5)}, 30)
    assert not stalled.ok and not stalled.checks["tick"]["ok"] and stalled.checks["telegram"]["ok"]
    assert stalled.checks["tick"]["age_seconds"] == 300
    never = verdict(NOW, {}, 30)
    assert never.checks["telegram"]["last"] is None and not never.ok
    down = verdict(NOW, fresh, 30, database_ok=False, database_error="connection refused")
    assert not down.ok and down.checks["database"]["error"] == "connection refused"


def test_the_health_command_exits_0_when_alive_and_1_when_not(sessions, db_url, tmp_path,
                                                              monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url}
    runner = CliRunner()
    dead = runner.invoke(app, ["health"], env=env)
    assert dead.exit_code == 1 and "tick      PROBLEM  never" in dead.output
    now = datetime.now(UTC)
    with session_scope(sessions) as session:
        session.merge(Heartbeat(name="tick", at=now, detail={}))
        session.merge(Heartbeat(name="telegram", at=now, detail={}))
    alive = runner.invoke(app, ["health", "--json"], env=env)
    assert alive.exit_code == 0 and '"ok": true' in alive.output
    gone = runner.invoke(app, ["health"], env={"DATABASE_URL": "sqlite:////nonexistent/x/db"})
    assert gone.exit_code == 1 and "database" in gone.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_endpoint_and_the_dead_mans_switch(emulator, sessions, db_url):
    pings: list[str] = []

    async def ping(request: web.Request) -> web.Response:
        pings.append(request.path)
        return web.Response(text="OK")

    switch = web.Application()
    switch.router.add_get("/ping/{id}", ping)
    runner = web.AppRunner(switch)
    await runner.setup()
    switch_port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", switch_port).start()
    port = _free_port()
    settings = emulator_settings(
        emulator, db_url, HEALTH_PORT=str(port),
        HEALTHCHECK_URL=f"http://127.0.0.1:{switch_port}/ping/abc",
    )  # fmt: skip
    application = build_application(Services(settings, sessions))
    await start_application(application, poll_timeout=0.5)
    try:
        async with httpx.AsyncClient() as client:
            before = await client.get(f"http://127.0.0.1:{port}/health")
            assert before.status_code in (200, 503)
            report = await application.bot_data["engine"].tick()
            assert not report.error
            after = await client.get(f"http://127.0.0.1:{port}/health")
        assert after.status_code == 200, after.text
        body = after.json()
        assert body["ok"] and body["checks"]["tick"]["ok"] and body["checks"]["telegram"]["ok"]
        assert pings == ["/ping/abc"]
    finally:
        await stop_application(application)
        await runner.cleanup()
