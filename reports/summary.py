"""Summaries the office reads: counts per task, who is late, a scorecard per unit.

Pure: report rows and `now` in, plain values out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from duties.model import Duty
from duties.rules import ORDER, Category


@dataclass(frozen=True)
class TaskSummary:
    plan_number: str
    task_ref: str
    task_title: str
    period_key: str
    due_at: datetime
    counts: dict[Category, int]
    behind: tuple[str, ...]  # units overdue or blocked

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def by_task(rows: Iterable[Duty]) -> list[TaskSummary]:
    groups: dict[tuple[int, int, str], list[Duty]] = defaultdict(list)
    for row in rows:
        groups[(row.plan_id, row.task_position, row.period_key)].append(row)
    out = []
    for _, members in sorted(groups.items(), key=lambda kv: (kv[0], kv[1][0].due_at)):
        counts = Counter(r.category for r in members)
        first = members[0]
        behind = tuple(
            sorted({r.unit_name for r in members if r.overdue or r.category == Category.BLOCKED})
        )
        out.append(
            TaskSummary(first.plan_ref, first.task_ref, first.task_title, first.period_key,
                        first.due_at, {c: counts.get(c, 0) for c in ORDER}, behind)
        )  # fmt: skip
    return out


def overdue(rows: Iterable[Duty]) -> list[Duty]:
    return sorted((r for r in rows if r.overdue), key=lambda r: (r.unit_name, r.due_at))


def blocked(rows: Iterable[Duty]) -> list[Duty]:
    return sorted(
        (r for r in rows if r.category == Category.BLOCKED), key=lambda r: (r.unit_name, r.due_at)
    )


def not_answered(rows: Iterable[Duty]) -> list[Duty]:
    return sorted(
        (r for r in rows if r.category == Category.NOT_REPORTED), key=lambda r: r.unit_name
    )


@dataclass(frozen=True)
class Score:
    unit_code: str
    unit_name: str
    assigned: int
    done_on_time: int
    done_late: int
    overdue: int
    in_progress: int
    blocked: int

    @property
    def on_time_rate(self) -> float:
        """Done on time among what has fallen due (or been done early)."""
        counted = self.done_on_time + self.done_late + self.overdue
        return self.done_on_time / counted if counted else 1.0


def scorecard(rows: Iterable[Duty]) -> list[Score]:
    """Per unit, worst first: lowest on-time rate, then most overdue."""
    per_unit: dict[int, list[Duty]] = defaultdict(list)
    for row in rows:
        per_unit[row.unit_id].append(row)
    scores = []
    for members in per_unit.values():
        count = Counter(r.category for r in members)
        scores.append(
            Score(
                unit_code=members[0].unit_code,
                unit_name=members[0].unit_name,
                assigned=len(members),
                done_on_time=count[Category.DONE_ON_TIME],
                done_late=count[Category.DONE_LATE],
                overdue=sum(1 for r in members if r.overdue),
                in_progress=count[Category.IN_PROGRESS_ON_TIME] + count[Category.IN_PROGRESS_LATE],
                blocked=count[Category.BLOCKED],
            )
        )
    return sorted(scores, key=lambda s: (s.on_time_rate, -s.overdue, s.unit_name))
