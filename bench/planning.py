"""Planning a year of reminders for 1,000 units × 50 tasks: time and peak memory.

Pure planning, as the engine does it: the periods of 50 tasks with the timelines plans use
(yearly, half-yearly, quarterly, monthly, weekly, one-off deadlines, events, ongoing
check-ins), every task assigned to all 1,000 units (one lead in five, the rest
coordinating), one person per unit, then every reminder of the year (streamed, as the
outbox takes them). Peak memory is the process's peak resident size. Prints one JSON object.

`--passes [N …]`: the sender's planning passes through a SQLite database, for N units (1,000,
5,000 and 20,000 by default) × 50 tasks with a head each: a whole pass at a Monday morning,
then a task's timeline corrected and the pass the sender runs for that change (by change
where the checkout can, a whole pass where it cannot), each in a process of its own (seconds,
peak RSS). With `BENCH_BASELINE=DIR`, that checkout alternately (`BENCH_ROUNDS`, 2). Targets
(#24): a pass after one change under 1 s at 20,000 units; a whole pass there under 400 MB.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


UNITS, TASKS = 1000, 50
START = date(2025, 1, 1)
PHRASES = [
    "Hàng năm", "Trước ngày 15/12 hằng năm", "định kỳ 6 tháng", "hàng quý",
    "trước ngày 20 của tháng cuối quý", "hằng tháng", "hàng tuần", "Thường xuyên",
    "Hoàn thành trong Quý IV/2025", "trước ngày 05/06/2025", "Tháng 9/2025",
    "từ 14h00 đến 17h00 ngày 06/11/2025", "6 tháng đầu năm 2025", "Năm học 2024-2025",
]  # fmt: skip


def main() -> None:
    from jobs.occurrences import periods
    from jobs.schedule import Recipient, Target, iter_plan
    from timing.planner import Policy
    from timing.timeline import parse_timeline
    from timing.workcalendar import WorkCalendar

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    calendar = WorkCalendar(tz=tz)
    policy = Policy()
    units = [(uid, Recipient(100_000 + uid, uid)) for uid in range(1, UNITS + 1)]
    started = time.perf_counter()
    targets: list[Target] = []
    occurrence_id = 0
    for t in range(TASKS):
        timeline = parse_timeline(PHRASES[t % len(PHRASES)], START)
        for period in periods(timeline, tz, START, START + timedelta(days=365)):
            occurrence_id += 1
            for uid, person in units:
                targets.append(
                    Target(occurrence_id, uid, lead=uid % 5 == t % 5, period=period,
                           members=(person,), policy=policy)
                )  # fmt: skip
    since = datetime.combine(START, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    reminders = sum(1 for _ in iter_plan(targets, calendar, since, since + timedelta(days=365)))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes
    print(
        json.dumps(
            {
                "units": UNITS,
                "tasks": TASKS,
                "occurrences": occurrence_id,
                "targets": len(targets),
                "reminders": reminders,
                "seconds": round(seconds, 2),
                "reminders_per_second": round(reminders / seconds),
                "peak_rss_mb": round(peak / 2**20, 1),
            }
        )
    )


# ---- whole passes and passes by change, through the database -----------------------------

PASS_NOW = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # Monday 10:00 in Hà Nội
PASS_SIZES = (1000, 5000, 20000)


def build_registry(url: str, units: int) -> None:
    """`units` units with a head each, one plan of TASKS tasks (PHRASES) assigned to all."""
    from sqlalchemy import insert

    from db.models import Assignment, AssignmentRole, Member, Plan, Role, Task, Unit
    from db.schema import upgrade
    from db.session import make_engine, make_session_factory, session_scope

    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        plan = Plan(number="01/KH-BENCH", issued_on=START, title="Đo", policy={}, details={})
        session.add(plan)
        session.flush()
        connection = session.connection()
        connection.execute(insert(Task), [
            {"plan_id": plan.id, "ref": str(t + 1), "title": f"Việc {t + 1}", "policy": {},
             "timeline_text": PHRASES[t % len(PHRASES)], "timeline": {}, "active": True}
            for t in range(TASKS)
        ])  # fmt: skip
        connection.execute(insert(Unit), [
            {"code": f"U{u:05d}", "name": f"Trường số {u}", "extra": {}, "active": True}
            for u in range(units)
        ])  # fmt: skip
        unit_ids = list(session.scalars(select_ids(Unit)))
        task_ids = list(session.scalars(select_ids(Task)))
        connection.execute(insert(Member), [
            {"unit_id": uid, "telegram_user_id": 10_000_000 + uid, "chat_id": 10_000_000 + uid,
             "full_name": f"Hiệu trưởng {uid}", "role": Role.HEAD, "active": True}
            for uid in unit_ids
        ])  # fmt: skip
        roles = {True: AssignmentRole.LEAD, False: AssignmentRole.COORDINATOR}  # one lead in 5
        for t, tid in enumerate(task_ids):
            connection.execute(insert(Assignment), [
                {"task_id": tid, "unit_id": uid, "role": roles[uid % 5 == t % 5]}
                for uid in unit_ids
            ])  # fmt: skip
    engine.dispose()


def select_ids(model: Any) -> Any:
    from sqlalchemy import select

    return select(model.id).order_by(model.id)


def one_pass(url: str, step: str) -> dict[str, Any]:
    """`whole`: the regular pass. `change`: a task's timeline corrected (a new deadline for
    every unit), then the pass the sender runs for it — by change where the checkout can,
    else a whole one. `link`: the same for a second person linked to one unit."""
    from sqlalchemy import select

    from config import Settings
    from db import changes
    from db.models import Member, Role, Task
    from db.session import make_engine, make_session_factory, session_scope
    from jobs import outbox

    settings = Settings(database_url=url)
    sessions = make_session_factory(make_engine(url))
    scope = None
    if step in ("change", "link"):
        with session_scope(sessions) as session:
            seen = changes.seen(session)
            task = session.scalars(select(Task).order_by(Task.id)).first()
            if step == "change":
                task.timeline_text = "Trước ngày 05/03/2025"
            else:
                session.add(Member(unit_id=1, telegram_user_id=1, chat_id=1, full_name="Phó",
                                   role=Role.STAFF))  # fmt: skip
    started = time.perf_counter()
    with session_scope(sessions) as session:
        if step in ("change", "link") and hasattr(changes, "scope_since"):
            scope = changes.scope_since(session, seen)
            result = outbox.sync(session, settings, PASS_NOW, scope=scope)
        else:
            result = outbox.sync(session, settings, PASS_NOW)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1),
            "planned": result.planned, "added": result.added,
            "by_change": scope is not None}  # fmt: skip


def passes(sizes: tuple[int, ...]) -> None:
    import shutil
    import tempfile

    import _ab as ab

    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    out: dict[str, Any] = {"tasks": TASKS, "now": PASS_NOW.isoformat(), "sizes": {}}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            built = {}
            for name, code in ab.checkouts().items():
                built[name] = f"{folder}/{name}-{size}.sqlite3"
                ab.run_in(__file__, code, "--build", str(size), "--db", built[name])
            figures: dict[str, dict[str, list[Any]]] = {
                name: {"whole": [], "change": [], "link": []} for name in built
            }
            for _ in range(rounds):
                for name, code in ab.checkouts().items():
                    work = f"{folder}/work.sqlite3"
                    shutil.copy(built[name], work)
                    for step in ("whole", "change", "link"):
                        figures[name][step].append(
                            ab.run_in(__file__, code, "--step", step, "--db", work)
                        )
                    os.remove(work)
            out["sizes"][size] = {
                name: {step: {"seconds": [r["seconds"] for r in runs],
                              "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                              "planned": runs[-1]["planned"], "by_change": runs[-1]["by_change"]}
                       for step, runs in steps.items()}
                for name, steps in figures.items()
            }  # fmt: skip
            print(json.dumps({size: out["sizes"][size]}), file=sys.stderr, flush=True)
    print(json.dumps(out))


def share(url: str, start_at: float) -> dict[str, Any]:
    """One process's share of the open round, started at `start_at` (wall clock) with the
    others, its imports done."""
    from config import Settings
    from db.session import make_engine, make_session_factory
    from jobs import rounds

    settings = Settings(database_url=url)
    sessions = make_session_factory(make_engine(url))
    time.sleep(max(0.0, start_at - time.time()))
    work = rounds.work(sessions, settings, settings.calendar(), f"w{os.getpid()}")
    return {"finished_at": time.time(), "tasks": len(work.tasks) if work else 0,
            "closed": bool(work and work.finished)}  # fmt: skip


def shared(units: int, processes: tuple[int, ...] = (1, 2)) -> None:
    """A whole pass on PostgreSQL planned by 1 and by 2 processes, alternately."""
    import subprocess

    from _postgres import throwaway_schema
    from sqlalchemy import text

    from db.session import make_engine, make_session_factory, session_scope
    from jobs import rounds

    rounds_ = int(os.environ.get("BENCH_ROUNDS", "2"))
    with throwaway_schema("planning") as url:
        if url is None:
            print(json.dumps({"error": "PostgreSQL not reachable at 127.0.0.1:5432"}))
            return
        build_registry(url, units)
        sessions = make_session_factory(make_engine(url))
        seconds: dict[int, list[float]] = {n: [] for n in processes}
        rows: dict[int, list[int]] = {n: [] for n in processes}
        for _ in range(rounds_):
            for n in processes:
                with session_scope(sessions) as session:  # as before any pass
                    for table in ("reminder", "occurrence", "heartbeat"):
                        session.execute(text(f"DELETE FROM {table}"))
                    session.execute(text("UPDATE task SET planned_for = NULL"))
                    rounds.open_round(session, PASS_NOW)
                # Fresh tables need statistics, or the first timed pass plans its queries blind
                # (measured so: 515 s for one process, then 11 s for two).
                autocommit = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
                with autocommit.connect() as connection:
                    connection.execute(text("VACUUM ANALYZE"))
                start_at = time.time() + 4  # after every process's imports
                workers = [subprocess.Popen(
                    [sys.executable, __file__, "--share", url, str(start_at)],
                    stdout=subprocess.PIPE, text=True) for _ in range(n)]  # fmt: skip
                done = [json.loads(w.communicate()[0].strip().splitlines()[-1]) for w in workers]
                assert sum(d["closed"] for d in done) == 1, done
                seconds[n].append(round(max(d["finished_at"] for d in done) - start_at, 2))
                with session_scope(sessions) as session:  # the same work, however shared
                    rows[n].append(session.execute(text("SELECT count(*) FROM reminder")).scalar())
        print(json.dumps({"units": units, "tasks": TASKS, "database": "postgresql",
                          "whole_pass_seconds": {f"{n} process(es)": s
                                                 for n, s in seconds.items()},
                          "rows": {f"{n} process(es)": r for n, r in rows.items()}}))  # fmt: skip


def cli() -> None:
    args = sys.argv[1:]
    if "--code" in args:
        sys.path.insert(0, args[args.index("--code") + 1])  # before any of its modules
    if "--build" in args:
        build_registry(
            f"sqlite:///{args[args.index('--db') + 1]}", int(args[args.index("--build") + 1])
        )
        print(json.dumps({"built": True}))
    elif "--step" in args:
        print(json.dumps(one_pass(f"sqlite:///{args[args.index('--db') + 1]}",
                                  args[args.index("--step") + 1])))  # fmt: skip
    elif "--share" in args:
        at = args.index("--share")
        print(json.dumps(share(args[at + 1], float(args[at + 2]))))
    elif "--shared" in args:
        rest = [int(a) for a in args[args.index("--shared") + 1 :] if a.isdigit()]
        shared(rest[0] if rest else 20000)
    elif "--passes" in args:
        rest = [int(a) for a in args[args.index("--passes") + 1 :] if a.isdigit()]
        passes(tuple(rest) or PASS_SIZES)
    else:
        main()


if __name__ == "__main__":
    cli()
