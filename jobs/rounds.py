"""A whole planning pass shared by every process, on PostgreSQL.

One process sends (the leader, as before); planning a province's registry is the work that
grows. On PostgreSQL the sender opens a *round* at its regular whole pass (a heartbeat with
the pass's moment), and every process — the sender and its standbys — takes a few active
tasks at a time that are not yet planned for that moment (`FOR UPDATE SKIP LOCKED`: nobody
waits for another's part, nobody plans a part twice), plans them with the same code as a
pass in one process (`jobs.outbox.Pass`) and marks them planned in the same transaction.
A process that dies mid-part leaves it unmarked and unlocked: the next one takes it. Whoever
finds no task left unplanned adds the digests and says how far the window is planned.

SQLite has no row locks to skip: there the sender plans alone (`jobs.outbox.sync`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db.changes import Scope
from db.models import Heartbeat, Task
from db.session import session_scope
from jobs import outbox
from timing.workcalendar import WorkCalendar

ROUND = "planning_round"  # the heartbeat of the whole pass under way: its moment


@dataclass
class Work:
    """What one process did for a round."""

    result: outbox.SyncResult
    tasks: list[int] = field(default_factory=list)
    finished: bool = False  # this process closed the round


def open_round(session: Session, now: datetime) -> None:
    session.merge(Heartbeat(name=ROUND, at=now, detail={"done": False}))


def _unplanned(now: datetime) -> object:
    return (Task.active.is_(True), or_(Task.planned_for.is_(None), Task.planned_for < now))


def work(
    sessions: sessionmaker[Session], settings: Settings, calendar: WorkCalendar, worker: str
) -> Work | None:
    """Plan parts of the open round until none is left to take; None when no round is open."""
    with session_scope(sessions) as session:
        row = session.get(Heartbeat, ROUND)
        if row is None or (row.detail or {}).get("done"):
            return None
        now = row.at
    # The registry is read once a part is taken: a standby that finds every part held by
    # others (at each tick until the round closes) reads nothing more.
    planning: outbox.Pass | None = None
    done = Work(outbox.SyncResult())
    while True:
        with session_scope(sessions) as session:
            ids = list(session.scalars(
                select(Task.id).where(*_unplanned(now)).order_by(Task.id)
                .limit(outbox.TASKS_AT_ONCE).with_for_update(skip_locked=True)
            ))  # fmt: skip
            if not ids:
                break
            planning = planning or outbox.Pass.start(session, settings, now, calendar, done.result)
            readings = outbox.read_tasks(session, settings, Scope(tasks=frozenset(ids)))
            planning.tasks(session, readings)
            table = Task.__table__
            session.execute(update(table).where(table.c.id.in_(ids)).values(planned_for=now))
        done.tasks += ids
    with session_scope(sessions) as session:
        # One closer: the round's row is locked while it is closed.
        row = session.get(Heartbeat, ROUND, with_for_update=True)
        if row is None or row.at != now or (row.detail or {}).get("done"):
            return done
        if session.scalar(select(func.count()).select_from(Task).where(*_unplanned(now))):
            return done  # parts still being planned elsewhere: their planner closes it
        planning = planning or outbox.Pass.start(session, settings, now, calendar, done.result)
        planning.digests(session)
        planning.finish(session)
        row.detail = {"done": True, "by": worker}
        done.finished = True
    return done
