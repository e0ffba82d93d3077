"""Fixtures: a real database per test (SQLite and PostgreSQL), the emulator, a running bot."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from config import Settings, load_settings
from db.schema import upgrade
from db.session import make_engine, make_session_factory
from emulator import Emulator, EmulatorServer

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BOT_TOKEN = "123456:emulator-test-token"
OFFICE_ADMIN = 9000  # listed in OFFICE_ADMINS for the running bot


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip()


_PG_PROBLEM = _postgres_reachable()


def require_postgres() -> None:
    if _PG_PROBLEM is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI and unreachable: {_PG_PROBLEM}")
    pytest.skip(f"PostgreSQL unreachable ({_PG_PROBLEM}); CI is unset")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database of each kind: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A database migrated to head."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 24, 1, 0, tzinfo=UTC))


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    server = EmulatorServer(Emulator())
    await server.start()
    yield server
    await server.stop()


def emulator_settings(server: EmulatorServer, db_url: str, **env: str) -> Settings:
    return load_settings(
        {
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "DATABASE_URL": db_url,
            **env,
        },
        env_file=None,
    )


@pytest.fixture
async def bot(emulator: EmulatorServer, db_url: str, sessions, clock):  # type: ignore[no-untyped-def]
    """A real python-telegram-bot Application polling the emulator, on a real database."""
    emulator.emulator.user(OFFICE_ADMIN, first_name="Văn phòng")
    settings = emulator_settings(emulator, db_url, OFFICE_ADMINS=str(OFFICE_ADMIN))
    services = Services(settings, sessions, clock)
    application = build_application(services, max_retries=3)
    await start_application(application, poll_timeout=0.5)
    yield application
    await stop_application(application)
