"""The web workspace under load: the overview and a plan's matrix for 1,000 units × 50 tasks
with a year of answers, on SQLite and PostgreSQL.

Server time per page (median, p95) is measured request by request, one viewer at a time;
pages per second with 50 viewers asking at once. The data: 1,000 units in 15 districts,
one plan of 50 tasks (yearly, half-yearly, quarterly and monthly reports) assigned to every
unit, 2025's occurrences, and an answer for about four duties in five (on time, late, in
progress, blocked), as of 15/12/2025. Prints one JSON object last.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert, select

from bench._postgres import throwaway_schema
from config import load_settings
from db import web_auth
from db.models import (
    Assignment,
    AssignmentRole,
    Occurrence,
    Plan,
    Response,
    Status,
    Task,
    Unit,
    UnitStatus,
)
from db.schema import upgrade
from db.session import make_engine, make_session_factory, session_scope
from web.app import COOKIE, Workspace
from web.server import make_app

UNITS, TASKS, DISTRICTS = 1000, 50, 15
NOW = datetime(2025, 12, 15, 3, 0, tzinfo=UTC)
TOKEN = "123456:bench-token"
ADMIN = 1
ROUNDS, VIEWERS, CONCURRENT_ROUNDS = 30, 50, 4


def _due_days(t: int) -> list[datetime]:
    start = datetime(2025, 1, 1, 16, 59, tzinfo=UTC)
    kind = t % 4
    months = {0: [12], 1: [6, 12], 2: [3, 6, 9, 12], 3: list(range(1, 13))}[kind]
    return [start.replace(month=m, day=20) for m in months]


def populate(sessions: Any) -> tuple[int, int]:
    rng = random.Random(7)
    with session_scope(sessions) as session:
        session.execute(
            insert(Unit),
            [
                {
                    "id": u,
                    "code": f"U{u:04d}",
                    "name": f"Trường số {u}",
                    "kind": "Trường THPT",
                    "district": f"Huyện {u % DISTRICTS:02d}",
                    "extra": {},
                    "active": True,
                    "created_at": NOW,
                }
                for u in range(1, UNITS + 1)
            ],
        )
        session.execute(
            insert(Plan),
            [
                {
                    "id": 1,
                    "number": "1/KH-BENCH",
                    "title": "Kế hoạch đo",
                    "policy": {},
                    "details": {},
                    "imported_at": NOW,
                }
            ],
        )
        session.execute(
            insert(Task),
            [
                {
                    "id": t,
                    "plan_id": 1,
                    "ref": str(t),
                    "title": f"Nhiệm vụ số {t}: báo cáo định kỳ",
                    "kind": "report",
                    "timeline": {},
                    "policy": {},
                    "position": t,
                    "active": True,
                }
                for t in range(1, TASKS + 1)
            ],
        )
        session.execute(
            insert(Assignment),
            [
                {"task_id": t, "unit_id": u, "role": AssignmentRole.LEAD}
                for t in range(1, TASKS + 1)
                for u in range(1, UNITS + 1)
            ],
        )
        occurrences = []
        for t in range(1, TASKS + 1):
            for due in _due_days(t):
                occurrences.append(
                    {
                        "id": len(occurrences) + 1,
                        "task_id": t,
                        "period_key": f"{due:%Y-%m}",
                        "kind": "deadline",
                        "due_at": due,
                    }
                )
        session.execute(insert(Occurrence), occurrences)
        statuses, responses = [], []
        for o in occurrences:
            if o["due_at"] > NOW + timedelta(days=20):
                continue
            for u in range(1, UNITS + 1):
                roll = rng.random()
                if roll > 0.8:
                    continue  # never answered
                status = (
                    Status.DONE
                    if roll < 0.6
                    else Status.IN_PROGRESS
                    if roll < 0.75
                    else Status.BLOCKED
                )
                late = rng.random() < 0.25
                at = o["due_at"] + timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 9))
                rid = len(responses) + 1
                responses.append(
                    {
                        "id": rid,
                        "occurrence_id": o["id"],
                        "unit_id": u,
                        "status": status,
                        "note": "",
                        "late": late,
                        "created_at": at,
                    }
                )
                statuses.append(
                    {
                        "occurrence_id": o["id"],
                        "unit_id": u,
                        "status": status,
                        "late": late,
                        "updated_at": at,
                        "last_response_id": rid,
                        "explanation": "",
                    }
                )
        for start in range(0, len(responses), 20_000):
            session.execute(insert(Response), responses[start : start + 20_000])
            session.execute(insert(UnitStatus), statuses[start : start + 20_000])
        duties = sum(len(_due_days(t)) for t in range(1, TASKS + 1)) * UNITS
    return duties, len(responses)


async def measure(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    duties, answers = populate(sessions)
    built = time.perf_counter() - started
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": url,
            "OFFICE_ADMINS": str(ADMIN),
            "WEB_PORT": "8080",
        },
        env_file=None,
    )
    with session_scope(sessions) as session:
        opened = web_auth.open_session(session, ADMIN, "link", NOW)
        plan_id = session.scalar(select(Plan.id))
    ws = Workspace(settings, sessions, lambda: NOW)
    out: dict[str, Any] = {"duties": duties, "answers": answers, "build_s": round(built, 1)}
    async with TestClient(TestServer(make_app(ws))) as client:
        client.session.cookie_jar.update_cookies({COOKIE: opened.token})
        for name, path in (("overview", "/tong-quan"), ("matrix", f"/ke-hoach/{plan_id}")):
            times = []
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                answer = await client.get(path)
                await answer.read()
                assert answer.status == 200, answer.status
                times.append((time.perf_counter() - t0) * 1000)
            times = times[:1] + sorted(times[1:])

            async def viewer(path: str = path) -> None:
                for _ in range(CONCURRENT_ROUNDS):
                    answer = await client.get(path)
                    await answer.read()

            t0 = time.perf_counter()
            await asyncio.gather(*(viewer() for _ in range(VIEWERS)))
            rate = VIEWERS * CONCURRENT_ROUNDS / (time.perf_counter() - t0)
            out[name] = {
                "first_view_ms": round(times[0], 1),  # computed; later views reuse it
                "median_ms": round(statistics.median(times), 1),
                "warm_median_ms": round(statistics.median(times[1:]), 1),
                "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1], 1),
                "pages_per_s_50_viewers": round(rate, 1),
            }
        out["matrix_before_after"] = await before_and_after(client, f"/ke-hoach/{plan_id}", ws)
    engine.dispose()
    return out


async def before_and_after(client: TestClient, path: str, ws: Workspace) -> dict[str, Any]:
    """The matrix with the snapshots kept out of the collector's sight (ours) and without
    (the code before), in alternating blocks of ten views, so the machine's drift is shared."""
    from web import snapshots

    ours, before = [], []
    kept = snapshots.settle
    for block in range(6):
        was_ours = block % 2 == 0
        snapshots.settle = kept if was_ours else (lambda: None)  # type: ignore[assignment]
        if not was_ours:
            gc.unfreeze()
        ws.snapshots.entries.clear()
        await (await client.get(path)).read()  # computed (and, for ours, settled) once
        for _ in range(10):
            t0 = time.perf_counter()
            answer = await client.get(path)
            await answer.read()
            (ours if was_ours else before).append((time.perf_counter() - t0) * 1000)
    snapshots.settle = kept

    def figures(times: list[float]) -> dict[str, float]:
        ordered = sorted(times)
        return {"median_ms": round(statistics.median(ordered), 1),
                "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
                "max_ms": round(ordered[-1], 1)}  # fmt: skip

    return {"ours": figures(ours), "before": figures(before), "views_each": len(ours)}


async def main() -> None:
    result: dict[str, Any] = {
        "units": UNITS,
        "tasks": TASKS,
        "target": {"median_ms": 150, "p95_ms": 400},
    }
    with tempfile.TemporaryDirectory() as folder:
        result["sqlite"] = await measure(f"sqlite:///{folder}/web.sqlite3")
    with throwaway_schema("benchweb") as url:
        result["postgresql"] = await measure(url) if url else "unreachable"
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
