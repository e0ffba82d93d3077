"""One tick with 10,000 reminders due among 100,000 rows in the outbox (BENCH_ROWS,
BENCH_DUE), one per chat: the engine's own cost per message, unpaced.

On SQLite and on PostgreSQL (127.0.0.1:5432, database `test`, a throw-away schema; reported
as skipped when unreachable). Half the other rows were sent in the past, half wait in the
future. The bot is a stand-in that answers at once, so the figures are the engine's own:
claiming, reading what to say, recording each delivery — seconds for the tick and the
process's CPU per message (the recording's worker threads included).

This checkout and the one named by `BENCH_BASELINE` (a directory: the code before a change)
are measured alternately, `BENCH_ROUNDS` rounds each (3), each in a process of its own
(`--code DIR`). Prints one JSON object last.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from _ab import checkouts as ab_checkouts
from _ab import run_in

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
DUE = int(os.environ.get("BENCH_DUE", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ROOT = Path(__file__).resolve().parent.parent
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

    async def send_text(self, chat_id: int, text: str, *_: Any) -> int:  # the outbox's send
        return int((await self.send_message(chat_id, text)).message_id)


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
    from config import Settings
    from db.schema import upgrade
    from db.session import make_engine, make_session_factory
    from jobs.engine import Engine, Pacer

    engine = make_engine(url)
    upgrade(engine)
    fill(engine)
    bot = InstantBot()
    settings = Settings(database_url=url)
    sender = Engine(settings, make_session_factory(engine), bot, lambda: NOW)  # type: ignore[arg-type]
    sender.pacer = Pacer(rate=1e9)  # unpaced: the pace is bench/broadcast.py's figure
    started, cpu = time.perf_counter(), time.process_time()
    report = asyncio.run(sender.tick())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return {
        "sent": bot.sent,
        "tick_seconds": round(seconds, 3),
        "cpu_ms_per_message": round(cpu * 1000 / max(1, bot.sent), 3),
        "error": report.error or None,
    }


def measure_here() -> dict[str, Any]:
    from bench._postgres import throwaway_schema

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(f"sqlite:///{folder}/tick.sqlite3", fill_sqlite)
    with throwaway_schema("bench_tick") as url:
        results["postgresql"] = measure(url, fill_postgres) if url else None
    return results


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--code":
        sys.path.insert(0, sys.argv[2])
        print(json.dumps(measure_here()))
        return
    checkouts = ab_checkouts()
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in checkouts}
    for _ in range(ROUNDS):
        for name, code in checkouts.items():  # alternately: this machine's speed wanders
            rounds[name].append(run_in(__file__, code))

    def best(runs: list[dict[str, Any]], db: str) -> dict[str, Any] | str:
        got = [r[db] for r in runs if r.get(db)]
        if not got:
            return "skipped: PostgreSQL unreachable"
        return {"sent": got[0]["sent"],
                "tick_seconds_best": min(g["tick_seconds"] for g in got),
                "cpu_ms_per_message_best": min(g["cpu_ms_per_message"] for g in got),
                "cpu_ms_per_message_all": [g["cpu_ms_per_message"] for g in got],
                "errors": [g["error"] for g in got if g["error"]]}  # fmt: skip

    print(json.dumps({"rows": ROWS, "due": DUE, **{
        name: {db: best(runs, db) for db in ("sqlite", "postgresql")}
        for name, runs in rounds.items()
    }}))  # fmt: skip


if __name__ == "__main__":
    main()
