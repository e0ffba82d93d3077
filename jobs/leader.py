"""One sender at a time, across machines sharing one PostgreSQL.

Every process handles updates; only the holder of a session-level advisory lock sends from
the outbox, so Telegram's per-bot limits hold across machines. The lock lives on a
connection kept open for the purpose: when the holder dies its connection closes, the lock
is released, and another process takes it at its next tick (TICK_SECONDS, 30 s by default).
SQLite is one process by design: it always leads.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

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


class Leadership:
    def __init__(self, engine: Engine, key: int | None = None) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None
        self._always = engine.dialect.name != "postgresql"
        self._led_before = False

    def hold(self) -> Hold:
        if self._always:
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
        except Exception:
            log.warning("database unreachable; not sending this tick")
            return Hold(False, False)
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
        except Exception:
            log.warning("could not ask for the sender lock", exc_info=True)
            connection.invalidate()
            connection.close()
            return Hold(False, False)
        if not got:
            connection.close()
            return Hold(False, False)
        self._connection = connection
        log.info("this process is now the sender")
        return Hold(True, True)

    def release(self) -> None:
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
