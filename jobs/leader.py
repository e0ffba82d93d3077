"""One sender at a time, across processes and machines.

Every process handles updates; only the holder of the sender lock sends from the outbox, so
Telegram's per-bot limits hold. On PostgreSQL the lock is a session-level advisory lock on a
connection kept open for the purpose: when the holder dies its connection closes, the lock is
released, and another process takes it at its next tick. The holder checks the lock is still
its own (on that same connection) before every batch and every second while sending: a
connection cut by the server while the process lives must not leave two senders. On SQLite
the lock is an exclusive `flock` on a file beside the database, which the kernel releases
when the process dies; two `nhacviec run` on one file do not both send.
"""

from __future__ import annotations

import logging
import os
import zlib
from dataclasses import dataclass
from typing import IO

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)


def lock_key(database: str, schema: str) -> int:
    """The same key in every process of one deployment (a database and schema), different
    for another deployment sharing the server."""
    return zlib.crc32(f"nhacviec:{database}:{schema}".encode())


@dataclass
class Hold:
    leader: bool
    became: bool  # just now: recover what the previous sender left half-done
    error: str = ""  # why the lock could not even be asked for (the database is away)


def lock_file_of(engine: Engine) -> str | None:
    """The sender lock file of a SQLite database on disk (None in memory)."""
    database = engine.url.database or ""
    if (
        engine.dialect.name != "sqlite"
        or database in ("", ":memory:")
        or database.startswith("file:")
    ):
        return None
    return f"{os.path.abspath(database)}.sender-lock"


class Leadership:
    def __init__(self, engine: Engine, key: int | None = None) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None
        self._postgres = engine.dialect.name == "postgresql"
        self._lock_path = lock_file_of(engine)
        self._file: IO[bytes] | None = None
        self._led_before = False

    @property
    def exclusive_on_death(self) -> bool:
        """Whether a new holder knows the previous one is dead (SQLite's file lock), rather
        than possibly cut off and still finishing its sends (PostgreSQL)."""
        return not self._postgres

    def hold(self) -> Hold:
        if not self._postgres:
            try:
                held = self._lock_path is None or self._hold_file()
            except OSError as error:  # the database's folder is gone or unwritable
                log.warning("sender lock file not opened: %s", error)
                return Hold(False, False, f"sender lock not asked: {type(error).__name__}")
            if not held:
                return Hold(False, False)
            became = not self._led_before
            self._led_before = True
            return Hold(True, became)
        if self._connection is not None:
            try:
                self._connection.exec_driver_sql("SELECT 1")
                self._connection.commit()
                return Hold(True, False)
            except Exception:
                log.warning("lost the sender lock's connection; trying to take it again")
                self._drop()
        try:
            connection = self.engine.connect()
        except Exception as error:
            log.warning("database unreachable; not sending this tick")
            return Hold(False, False, f"database unreachable: {type(error).__name__}")
        try:
            if self.key is None:
                database, schema = connection.execute(
                    text("SELECT current_database(), current_schema()")
                ).one()
                self.key = lock_key(database, schema)
            got = bool(
                connection.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}
                ).scalar()
            )
            connection.commit()
        except Exception as error:
            log.warning("could not ask for the sender lock", exc_info=True)
            connection.invalidate()
            connection.close()
            return Hold(False, False, f"sender lock not asked: {type(error).__name__}")
        if not got:
            connection.close()
            return Hold(False, False)
        self._connection = connection
        log.info("this process is now the sender")
        return Hold(True, True)

    def _hold_file(self) -> bool:
        import fcntl

        if self._file is not None:
            return True
        assert self._lock_path is not None
        handle = open(self._lock_path, "ab")  # noqa: SIM115  (held for the process's life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        log.info("this process is now the sender")
        return True

    def still_held(self) -> bool:
        """Is the lock still ours? Asked on the lock's own connection (PostgreSQL)."""
        if not self._postgres:
            return self._lock_path is None or self._file is not None
        if self._connection is None:
            return False
        try:
            held = bool(
                self._connection.execute(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                        "AND pid = pg_backend_pid() AND granted AND objsubid = 1 "
                        "AND classid = 0 AND objid = CAST(:k AS oid))"
                    ),
                    {"k": self.key},
                ).scalar()
            )
            self._connection.commit()
        except Exception:
            held = False
        if not held:
            log.warning("the sender lock is no longer ours; stopping sends")
            self._drop()
        return held

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the flock
            self._file = None
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._connection.commit()
            except Exception:
                pass  # closing the connection releases it anyway
            self._drop()
        self._led_before = False

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except Exception:
                pass
            self._connection = None
