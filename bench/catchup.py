"""After plans are imported for 1,000 chats, 13 reminders fall due for each at once (13,000
rows): how many messages go out, and the engine's time for the tick (unpaced, SQLite).

The target (#24): one message per chat. Run with `--code DIR` to measure another checkout
(the code before a change) the same way; without it, this checkout and the one named by
`BENCH_BASELINE` (a directory) are measured alternately, three rounds each. Prints one JSON
object last.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from _ab import checkouts, run_in

CHATS, TASKS = 1000, 13
NOW = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def build(folder: str, first_chat: int = 5_000_000) -> tuple[Any, Any, str]:
    """In the checkout on sys.path: a registry of CHATS units, each with a linked head, TASKS
    tasks assigned to all, and the catch-up's rows due at NOW. (engine, sessions, url)"""
    from db.models import Assignment, AssignmentRole, Member, Occurrence, Plan, Role, Task, Unit
    from db.schema import upgrade
    from db.session import make_engine, make_session_factory, session_scope
    from jobs import outbox

    url = f"sqlite:///{folder}/catchup.sqlite3"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        plan = Plan(number="01/KH-BENCH", issued_on=date(2025, 1, 2), title="Đo", policy={},
                    details={})  # fmt: skip
        session.add(plan)
        session.flush()
        tasks = [Task(plan_id=plan.id, ref=str(i + 1), title=f"Việc {i + 1}",
                      timeline_text="Tháng 3/2025", timeline={}, policy={})
                 for i in range(TASKS)]  # fmt: skip
        session.add_all(tasks)
        session.flush()
        occurrences = [Occurrence(task_id=t.id, period_key="once",
                                  due_at=NOW + timedelta(days=7)) for t in tasks]  # fmt: skip
        session.add_all(occurrences)
        units = [Unit(code=f"U{i:04d}", name=f"Trường số {i}", extra={}) for i in range(CHATS)]
        session.add_all(units)
        session.flush()
        members = [Member(unit_id=u.id, telegram_user_id=first_chat + i, chat_id=first_chat + i,
                          full_name=f"Hiệu trưởng {i}", role=Role.HEAD)
                   for i, u in enumerate(units)]  # fmt: skip
        session.add_all(members)
        session.add_all(Assignment(task_id=t.id, unit_id=u.id, role=AssignmentRole.LEAD)
                        for t in tasks for u in units)  # fmt: skip
        session.flush()
        rows = [outbox.new_row(f"{o.id}:{u.id}:m{m.id}:before:7@2025-03-10", m.chat_id,
                               "before", NOW, {"audience": "unit", "reason": "catch-up"},
                               o.id, u.id, m.id)
                for o in occurrences for u, m in zip(units, members, strict=True)]  # fmt: skip
        outbox.insert_reminders(session, rows)
    return engine, sessions, url


def measure(folder: str) -> dict[str, Any]:
    """In the checkout on sys.path: build, tick once, count messages per chat."""
    import asyncio

    from config import Settings
    from jobs.engine import Engine, Pacer

    class InstantBot:
        def __init__(self) -> None:
            self.chats: dict[int, int] = {}

        async def get_me(self) -> SimpleNamespace:
            return SimpleNamespace(id=1)

        async def send_message(self, chat_id: int, text: str, **_: Any) -> SimpleNamespace:
            self.chats[chat_id] = self.chats.get(chat_id, 0) + 1
            return SimpleNamespace(message_id=sum(self.chats.values()))

        async def send_text(self, chat_id: int, text: str, *_: Any) -> int:  # the outbox's send
            return int((await self.send_message(chat_id, text)).message_id)

    engine, sessions, url = build(folder)
    bot = InstantBot()
    sender = Engine(Settings(database_url=url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    sender.pacer = Pacer(rate=1e9)
    sender.last_planned = NOW  # only the catch-up: no planning pass in the measured tick
    from db import changes

    with sessions() as session:
        sender._seen = changes.seen(session)
    started, cpu = time.perf_counter(), time.process_time()
    report = asyncio.run(sender.tick())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return {
        "rows": CHATS * TASKS,
        "chats": CHATS,
        "messages": sum(bot.chats.values()),
        "most_to_one_chat": max(bot.chats.values()),
        "sent": report.sent,
        "tick_seconds": round(seconds, 2),
        "cpu_ms_per_row": round(cpu * 1000 / max(1, report.sent), 3),
        "error": report.error or None,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--code":
        sys.path.insert(0, sys.argv[2])
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(folder)))
        return
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in checkouts()}
    for _ in range(ROUNDS):
        for name, code in checkouts().items():  # alternately: this machine's speed wanders
            rounds[name].append(run_in(__file__, code))
    print(json.dumps({name: {"messages": r[0]["messages"],
                             "most_to_one_chat": r[0]["most_to_one_chat"],
                             "rows": r[0]["rows"], "sent": r[0]["sent"],
                             "tick_seconds_best": min(x["tick_seconds"] for x in r),
                             "cpu_ms_per_row_best": min(x["cpu_ms_per_row"] for x in r),
                             "errors": [x["error"] for x in r if x["error"]]}
                      for name, r in rounds.items()}))  # fmt: skip


if __name__ == "__main__":
    main()
