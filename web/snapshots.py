"""What a page computed over many duties, kept until the data change or a minute passes.

A Sở's overview reads every duty in view (hundreds of thousands at a province's scale):
seconds of work that fifty leaders opening the page at once must not each repeat. A snapshot
is keyed by what was asked (the page, the viewer's scope, its options) and stamped with the
data's version — the newest answer, change mark, reminder and audit row, each one indexed
lookup — so an answer, an import, a nudge or a request to explain shows at the next view.
The minute bounds what only the clock changes (a duty turning overdue). One viewer computes
a missing snapshot; the others asking at that moment wait for it instead of repeating it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import heap
from db.models import AuditLog, ChangeMark, Reminder, Response

MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 256


def version(session: Session) -> tuple[Any, ...]:
    newest = tuple(
        session.scalar(select(func.max(column)))
        for column in (Response.id, ChangeMark.id, Reminder.id)
    )
    # A look at a duty is audited but changes no page: skip those rows, newest first, so the
    # scan stops at the first other row.
    audited = session.scalar(
        select(AuditLog.id)
        .where(~AuditLog.action.startswith("allowed:"))
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    return (*newest, audited)


@dataclass
class Snapshots:
    entries: dict[Hashable, tuple[tuple[Any, ...], float, Any]] = field(default_factory=dict)
    locks: dict[Hashable, asyncio.Lock] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic

    async def get(
        self, key: Hashable, current: tuple[Any, ...], compute: Callable[[], Awaitable[Any]]
    ) -> Any:
        lock = self.locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self.entries.get(key)
            if (
                found is not None
                and found[0] == current
                and (self.clock() - found[1] < MAX_AGE_SECONDS)
            ):
                return found[2]
            value = await compute()
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = (current, self.clock(), value)
            settle()
            return value


def settle() -> None:
    """Take the snapshots out of the garbage collector's sight.

    A province's snapshot is hundreds of thousands of objects that live until the next one;
    every full collection walked them all (~0.4 s at 1,000 units, every tenth page or so: the
    matrix's p95). Frozen, they are skipped; collecting first, once per new snapshot, frees
    whatever cycles the old snapshot and the work since left, so nothing accumulates frozen.
    """
    heap.settle()
