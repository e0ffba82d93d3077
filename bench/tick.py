"""One tick with 1,000,000 reminder rows in the outbox, of which 1,000 are due.

On SQLite and on PostgreSQL (127.0.0.1:5432, database `test`, a throw-away schema; reported
as skipped when unreachable). Half the rows were sent in the past, half wait in the future;
1,000 are due now, one per chat. The bot is a stand-in that answers at once, so the figure is
the engine's own cost (unpaced): claiming, reading what to say, recording each delivery. Prints one
JSON object last.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._postgres import throwaway_schema
from config import Settings
from db.schema import upgrade
from db.session import make_engine, make_session_factory
from jobs.engine import Engine, Pacer

ROWS, DUE = 1_000_000, 1000
NOW = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
COLUMNS = ("idempotency_key", "chat_id", "kind", "send_at", "state", "attempts", "claimed_by",
           "last_error", "payload")  # fmt: skip


class InstantBot:
    def __init__(self) -> None:
        self.sent = 0

    async def get_me(self) -> SimpleNamespace:
        return SimpleNamespace(id=1)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> SimpleNamespace:
        self.sent += 1
        return SimpleNamespace(message_id=self.sent)


def rows() -> Any:
    payload = json.dumps({"text": "Thông báo", "audience": "office"})
    for i in range(ROWS):
        if i < DUE:
            at, state = NOW - timedelta(seconds=i % 60), "pending"
        elif i % 2:
            at, state = NOW + timedelta(minutes=i % 525_600), "pending"
        else:
            at, state = NOW - timedelta(minutes=i % 525_600 + 1), "sent"
        yield (f"bench:{i}", 1_000_000 + i, "notice", at, state, 0, "", "", payload)


def fill_sqlite(engine: Any) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.executemany(
            f"INSERT INTO reminder ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 9)})",
            ((k, c, kind, at.strftime("%Y-%m-%d %H:%M:%S.%f"), s, a, by, e, p)
             for k, c, kind, at, s, a, by, e, p in rows()),
        )  # fmt: skip
        raw.commit()
    finally:
        raw.close()


def fill_postgres(engine: Any) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        buffer = io.StringIO()
        for k, c, kind, at, s, a, by, e, p in rows():
            buffer.write("\t".join([k, str(c), kind, at.isoformat(), s, str(a), by, e, p]) + "\n")
        buffer.seek(0)
        with cursor.copy(f"COPY reminder ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        raw.commit()
        cursor.execute("ANALYZE reminder")
        raw.commit()
    finally:
        raw.close()


def measure(url: str, fill: Any) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    fill(engine)
    filled = time.perf_counter() - started
    bot = InstantBot()
    settings = Settings(database_url=url)
    sender = Engine(settings, make_session_factory(engine), bot, lambda: NOW)  # type: ignore[arg-type]
    # Unpaced: this measures the engine's own work. Sending at Telegram's pace (1,000 take
    # about 34 s at 29.8/s) is bench/broadcast.py's figure.
    sender.pacer = Pacer(rate=1e9)
    started = time.perf_counter()
    report = asyncio.run(sender.tick())
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "rows": ROWS,
        "due": DUE,
        "sent": bot.sent,
        "tick_seconds": round(seconds, 3),
        "fill_seconds": round(filled, 1),
        "error": report.error or None,
    }


def main() -> None:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(f"sqlite:///{folder}/tick.sqlite3", fill_sqlite)
    with throwaway_schema("bench_tick") as url:
        results["postgresql"] = (
            measure(url, fill_postgres) if url else {"skipped": "PostgreSQL unreachable"}
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
