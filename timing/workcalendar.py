"""The working calendar: which days the office works and at which hours.

Vietnam's public holidays, Tết (lunar) included, and its make-up working Saturdays come from
the maintained `holidays` library; the office adds its own days off and extra working days.
Arithmetic happens in the local zone; moments go in and come out as aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

Direction = Literal["earlier", "later"]

# Office hours of a Vietnamese state agency: morning and afternoon, lunch in between.
DEFAULT_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    days_off: frozenset[date] = frozenset()  # the office's own, on top of public holidays
    extra_working_days: frozenset[date] = frozenset()  # a Saturday worked to bridge a holiday
    hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS
    country: str = "VN"

    @cached_property
    def _public(self) -> holidays.HolidayBase:
        return holidays.country_holidays(self.country)

    def holiday_name(self, day: date) -> str | None:
        return self._public.get(day)

    @cached_property
    def _memo(self) -> dict[date, bool]:
        return {}

    def is_working_day(self, day: date) -> bool:
        # Asked for the same few days by every unit's ladder: remember the answers.
        known = self._memo.get(day)
        if known is not None:
            return known
        if day in self.extra_working_days:
            answer = True
        elif day in self.days_off:
            answer = False
        else:
            answer = bool(self._public.is_working_day(day))
        self._memo[day] = answer
        return answer

    def previous_working_day(self, day: date, inclusive: bool = True) -> date:
        day = day if inclusive else day - timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date, inclusive: bool = True) -> date:
        day = day if inclusive else day + timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """`count` working days after (or, negative, before) `day`."""
        step = 1 if count >= 0 else -1
        for _ in range(abs(count)):
            day = (
                self.next_working_day(day + timedelta(days=step))
                if step > 0
                else (self.previous_working_day(day - timedelta(days=1)))
            )
        return day

    def working_days(self, start: date, end: date) -> Iterable[date]:
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    def local(self, day: date, at: time) -> datetime:
        """`at` o'clock on `day` in the office's zone, as aware UTC."""
        return datetime.combine(day, at, tzinfo=self.tz).astimezone(UTC)

    def into_working_hours(self, moment: datetime, direction: Direction = "later") -> datetime:
        """The nearest moment inside working hours of a working day, `earlier` or `later`.

        A moment already inside working hours is returned unchanged (in UTC).
        """
        if moment.tzinfo is None:
            raise ValueError("an aware datetime is required")
        local = moment.astimezone(self.tz)
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if self.is_working_day(day):
            for start, end in self.hours:
                if start <= clock < end:
                    return moment.astimezone(UTC)
            if direction == "later":
                for start, _ in self.hours:
                    if clock < start:
                        return self.local(day, start)
            else:
                for _, end in reversed(self.hours):
                    if clock >= end:
                        return self.local(day, _just_before(end))
        if direction == "later":
            return self.local(self.next_working_day(day, inclusive=False), self.hours[0][0])
        return self.local(
            self.previous_working_day(day, inclusive=False), _just_before(self.hours[-1][1])
        )


def _just_before(end: time) -> time:
    moment = datetime.combine(date(2000, 1, 1), end) - timedelta(minutes=1)
    return moment.time()
