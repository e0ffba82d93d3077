"""The overview the office and the leaders look at: where every duty in view stands.

Pure: duties (as `duties.query` read them at `now`) in, plain values out. The web workspace,
`nhacviec report summary --json` and the chat's `/tonghop` all count with the same `Duty`
categories, so the three show the same numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from duties.model import Duty
from duties.rules import ORDER, Category
from reports.summary import Score, by_task, scorecard

NO_DISTRICT = "Đơn vị trực thuộc Sở"
WEEKS_SHOWN = 12


def on_time_rate(on_time: int, late: int, overdue: int) -> float | None:
    """Done on time among what has fallen due (or been done early); None when nothing has."""
    counted = on_time + late + overdue
    return on_time / counted if counted else None


@dataclass(frozen=True)
class Tally:
    """How many duties stand where, and the on-time rate they make."""

    counts: dict[Category, int]
    overdue: int

    @classmethod
    def of(cls, rows: Iterable[Duty]) -> Tally:
        rows = list(rows)
        found = Counter(r.category for r in rows)
        return cls({c: found.get(c, 0) for c in ORDER}, sum(1 for r in rows if r.overdue))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float | None:
        return on_time_rate(
            self.counts[Category.DONE_ON_TIME], self.counts[Category.DONE_LATE], self.overdue
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **{c.value: n for c, n in self.counts.items()},
            "total": self.total,
            "overdue": self.overdue,
            "on_time_rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass(frozen=True)
class PlanLine:
    plan_id: int
    plan_ref: str
    title: str
    tally: Tally


@dataclass(frozen=True)
class DistrictLine:
    district: str
    tally: Tally


@dataclass(frozen=True)
class Week:
    start: date
    on_time: int
    late: int
    other: int  # in progress or blocked, as last answered that week


@dataclass(frozen=True)
class Overview:
    now: datetime
    tally: Tally
    plans: list[PlanLine]
    districts: list[DistrictLine]
    slowest: list[Score]
    due_this_week: list[Duty]
    overdue: list[Duty]
    weeks: list[Week]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.now.isoformat(),
            "totals": self.tally.to_json(),
            "plans": [
                {"plan": p.plan_ref, "title": p.title, **p.tally.to_json()} for p in self.plans
            ],
            "districts": [{"district": d.district, **d.tally.to_json()} for d in self.districts],
            "due_this_week": len(self.due_this_week),
        }


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def overview(rows: Iterable[Duty], now: datetime, tz: tzinfo) -> Overview:
    rows = list(rows)
    today = now.astimezone(tz).date()
    week_end = datetime.combine(today + timedelta(days=6 - today.weekday()), time.max, tzinfo=tz)
    per_plan: dict[int, list[Duty]] = defaultdict(list)
    per_district: dict[str, list[Duty]] = defaultdict(list)
    for row in rows:
        per_plan[row.plan_id].append(row)
        per_district[row.unit_district or NO_DISTRICT].append(row)
    plans = [
        PlanLine(pid, members[0].plan_ref, members[0].plan_title, Tally.of(members))
        for pid, members in sorted(per_plan.items())
    ]
    districts = sorted(
        (DistrictLine(name, Tally.of(members)) for name, members in per_district.items()),
        key=lambda d: (d.tally.rate if d.tally.rate is not None else 2.0, d.district),
    )
    slowest = [s for s in scorecard(rows) if s.done_on_time + s.done_late + s.overdue][:10]
    return Overview(
        now=now,
        tally=Tally.of(rows),
        plans=plans,
        districts=districts,
        slowest=slowest,
        due_this_week=sorted(
            (
                r
                for r in rows
                if r.category not in (Category.DONE_ON_TIME, Category.DONE_LATE)
                and now <= r.due_at <= week_end
            ),
            key=lambda r: (r.due_at, r.unit_name),
        ),
        overdue=sorted((r for r in rows if r.overdue), key=lambda r: (r.due_at, r.unit_name)),
        weeks=_weeks(rows, today, tz),
    )


def _weeks(rows: list[Duty], today: date, tz: tzinfo) -> list[Week]:
    """Answers over the last weeks, by the week each duty was last answered in."""
    first = week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    counts: dict[date, Counter[str]] = {
        first + timedelta(weeks=i): Counter() for i in range(WEEKS_SHOWN)
    }
    for row in rows:
        if row.answered_at is None:
            continue
        start = week_start(row.answered_at.astimezone(tz).date())
        if start in counts:
            what = {Category.DONE_ON_TIME: "on_time", Category.DONE_LATE: "late"}
            counts[start][what.get(row.category, "other")] += 1
    return [Week(day, c["on_time"], c["late"], c["other"]) for day, c in counts.items()]


def summary_json(rows: Iterable[Duty], now: datetime, tz: tzinfo) -> dict[str, Any]:
    """What `nhacviec report summary --json` prints: the overview's counts and, per task,
    the counts `/tonghop` shows."""
    rows = list(rows)
    out = overview(rows, now, tz).to_json()
    out["tasks"] = [
        {
            "plan": t.plan_number,
            "task": t.task_ref,
            "period": t.period_key,
            "due": t.due_at.astimezone(tz).date().isoformat(),
            **{c.value: n for c, n in t.counts.items()},
            "behind": list(t.behind),
        }
        for t in by_task(rows)
    ]
    return out
