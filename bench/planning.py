"""Planning a year of reminders for 1,000 units × 50 tasks: time and peak memory.

Pure planning, as the engine does it: the periods of 50 tasks with the timelines plans use
(yearly, half-yearly, quarterly, monthly, weekly, one-off deadlines, events, ongoing
check-ins), every task assigned to all 1,000 units (one lead in five, the rest
coordinating), one person per unit, then every reminder of the year (streamed, as the
outbox takes them). Peak memory is the process's peak resident size. Prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.occurrences import periods
from jobs.schedule import Recipient, Target, iter_plan
from timing.planner import Policy
from timing.timeline import parse_timeline
from timing.workcalendar import WorkCalendar

UNITS, TASKS = 1000, 50
START = date(2025, 1, 1)
PHRASES = [
    "Hàng năm", "Trước ngày 15/12 hằng năm", "định kỳ 6 tháng", "hàng quý",
    "trước ngày 20 của tháng cuối quý", "hằng tháng", "hàng tuần", "Thường xuyên",
    "Hoàn thành trong Quý IV/2025", "trước ngày 05/06/2025", "Tháng 9/2025",
    "từ 14h00 đến 17h00 ngày 06/11/2025", "6 tháng đầu năm 2025", "Năm học 2024-2025",
]  # fmt: skip


def main() -> None:
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


if __name__ == "__main__":
    main()
