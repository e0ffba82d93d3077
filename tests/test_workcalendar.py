"""Reminders go out on working days, in working hours: never during Tết or on 30/4–1/5."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from timing.workcalendar import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
cal = WorkCalendar()


def local(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=HCM)


@pytest.mark.parametrize(
    "day",
    [date(2025, 1, d) for d in (27, 28, 29, 30, 31)]  # Tết Ất Tỵ
    + [date(2026, 2, d) for d in (16, 17, 18, 19, 20)]  # Tết Bính Ngọ
    + [date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2), date(2025, 9, 1), date(2025, 9, 2)]
    + [date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2), date(2025, 1, 1)],
)
def test_public_holidays_are_not_working_days(day):
    assert not cal.is_working_day(day)


def test_weekends_are_off_but_a_make_up_saturday_is_worked():
    assert not cal.is_working_day(date(2025, 2, 8))  # Saturday
    assert not cal.is_working_day(date(2025, 2, 9))  # Sunday
    assert cal.is_working_day(date(2025, 4, 26))  # Saturday worked for the 2/5 bridge day


def test_the_working_day_before_tet_2025_is_friday_24_january():
    assert cal.previous_working_day(date(2025, 1, 31)) == date(2025, 1, 24)
    assert cal.next_working_day(date(2025, 1, 27)) == date(2025, 2, 3)


def test_the_working_day_after_tet_2026_is_monday_23_february():
    assert cal.next_working_day(date(2026, 2, 16)) == date(2026, 2, 23)
    assert cal.previous_working_day(date(2026, 2, 20)) == date(2026, 2, 13)


def test_around_30_4_and_1_5_2025():
    assert cal.previous_working_day(date(2025, 5, 2)) == date(2025, 4, 29)
    assert cal.next_working_day(date(2025, 4, 30)) == date(2025, 5, 5)


def test_the_offices_own_days_off_and_extra_working_days():
    office = WorkCalendar(days_off=frozenset({date(2025, 3, 10)}),
                          extra_working_days=frozenset({date(2025, 3, 15)}))  # fmt: skip
    assert not office.is_working_day(date(2025, 3, 10))
    assert office.is_working_day(date(2025, 3, 15))


def test_adding_working_days_skips_tet():
    assert cal.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert cal.add_working_days(date(2025, 2, 3), -1) == date(2025, 1, 24)
    assert cal.add_working_days(date(2025, 2, 3), 3) == date(2025, 2, 6)


class TestIntoWorkingHours:
    def test_a_moment_in_working_hours_stays(self):
        moment = local(2025, 2, 4, 9, 15)
        assert cal.into_working_hours(moment) == moment.astimezone(UTC)

    def test_before_opening_moves_later_to_opening(self):
        assert cal.into_working_hours(local(2025, 2, 4, 6, 0)) == local(2025, 2, 4, 7, 30)

    def test_lunch_moves_later_to_the_afternoon_or_earlier_to_the_morning(self):
        noon = local(2025, 2, 4, 12, 0)
        assert cal.into_working_hours(noon, "later") == local(2025, 2, 4, 13, 30)
        assert cal.into_working_hours(noon, "earlier") == local(2025, 2, 4, 11, 29)

    def test_during_tet_later_is_the_first_morning_after(self):
        assert cal.into_working_hours(local(2025, 1, 29, 10)) == local(2025, 2, 3, 7, 30)

    def test_during_tet_earlier_is_the_last_afternoon_before(self):
        assert cal.into_working_hours(local(2025, 1, 29, 10), "earlier") == local(
            2025, 1, 24, 16, 59
        )

    def test_the_result_is_utc_and_a_naive_moment_is_refused(self):
        result = cal.into_working_hours(local(2025, 2, 8, 8))
        assert result.tzinfo == UTC
        assert result.astimezone(HCM).time() == time(7, 30)
        with pytest.raises(ValueError):
            cal.into_working_hours(datetime(2025, 2, 4, 8))
