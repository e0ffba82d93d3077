"""Engine and sessions. The edge creates them once and passes them in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db import changes as _changes  # noqa: F401  (its hook marks changes for planning)


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine with the settings we rely on: WAL and enforced foreign keys on SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)  # type: ignore[arg-type]
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)  # type: ignore[arg-type]
    event.listen(engine, "connect", _postgres_settings)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _postgres_settings(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # psycopg prepares a statement run five times on a connection, and PostgreSQL may then
    # keep one generic plan for it. For the outbox's lookups of 1,000 keys at a time
    # (`key IN ($1 … $1000)`) a generic plan cannot hash the list: every row scanned was
    # compared with each of the 1,000 keys, and a planning pass at 5,000 units took 515 s
    # instead of 11. A plan for each execution sees the keys as constants and hashes them.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


def upsert_insert(dialect: str) -> Any:
    """The dialect's INSERT, the one with ON CONFLICT (PostgreSQL and SQLite both have it)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
