"""A task's timeline becomes periods the scheduler acts on, rolled forward, never forever; and
who is reminded of each, when, depends on role and answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from jobs.occurrences import periods
from jobs.schedule import Recipient, Target, plan
from timing.planner import Policy
from timing.timeline import parse_timeline
from timing.workcalendar import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REF = date(2025, 1, 10)


def keys(text: str, since: date, until: date, **kwargs) -> list[tuple[str, str, date]]:  # type: ignore[no-untyped-def]
    timeline = parse_timeline(text, REF)
    return [(p.key, p.kind, p.due) for p in periods(timeline, HCM, since, until, **kwargs)]


def test_a_yearly_task_yields_one_period_a_year_in_the_range_only():
    assert keys("Hàng năm", date(2025, 1, 1), date(2027, 6, 1)) == [
        ("2025", "deadline", date(2025, 12, 31)),
        ("2026", "deadline", date(2026, 12, 31)),
    ]


def test_quarterly_and_monthly_periods_are_keyed_by_their_period():
    assert [k for k, _, _ in keys("hàng quý", date(2025, 1, 1), date(2025, 12, 31))] == [
        "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"
    ]  # fmt: skip
    monthly = keys("trước ngày 20 hằng tháng", date(2025, 1, 1), date(2025, 3, 31))
    assert monthly == [
        ("2025-01", "deadline", date(2025, 1, 19)),
        ("2025-02", "deadline", date(2025, 2, 19)),
        ("2025-03", "deadline", date(2025, 3, 19)),
    ]


def test_a_deadline_a_window_and_an_event_yield_one_period_each():
    once = periods(parse_timeline("trước 17h00 ngày 20/11/2025", REF), HCM,
                   date(2025, 1, 1), date(2025, 12, 31))  # fmt: skip
    assert [(p.key, p.due) for p in once] == [("once", date(2025, 11, 20))]
    assert once[0].due_at == datetime(2025, 11, 20, 10, 0, tzinfo=UTC)  # 17:00 in Hà Nội
    window = keys("Năm học 2024-2025", date(2025, 1, 1), date(2025, 12, 31))
    assert window == [("once", "deadline", date(2025, 5, 31))]
    event = periods(parse_timeline("từ 14h00 đến 17h00 ngày 06/02/2025", REF), HCM,
                    date(2025, 1, 1), date(2025, 12, 31))  # fmt: skip
    assert event[0].kind == "event"
    assert event[0].starts_at == datetime(2025, 2, 6, 7, 0, tzinfo=UTC)
    assert event[0].ends_at == datetime(2025, 2, 6, 10, 0, tzinfo=UTC)
    assert keys("Hoàn thành trong Quý IV/2024", date(2025, 1, 1), date(2025, 12, 31)) == []


def test_an_ongoing_task_gets_a_check_in_on_its_cadence_anchored_on_its_start():
    monthly = keys("Thường xuyên", date(2025, 1, 15), date(2025, 4, 30))
    assert monthly == [
        ("checkin-2025-01", "checkin", date(2025, 1, 31)),
        ("checkin-2025-02", "checkin", date(2025, 2, 28)),
        ("checkin-2025-03", "checkin", date(2025, 3, 31)),
        ("checkin-2025-04", "checkin", date(2025, 4, 30)),
    ]
    quarterly = keys("Từ năm 2025", date(2025, 2, 1), date(2025, 12, 31), checkin_months=3)
    # From January 2025 every third month, whatever day the range starts on.
    assert [k for k, _, _ in quarterly] == ["checkin-2025-04", "checkin-2025-07", "checkin-2025-10"]
    assert keys("không có thời hạn cụ thể", date(2025, 1, 1), date(2025, 12, 31)) == []


def _target(status: str, lead: bool = True) -> Target:
    period = periods(parse_timeline("trước ngày 15/03/2025", REF), HCM,
                     date(2025, 1, 1), date(2025, 12, 31))[0]  # fmt: skip
    return Target(1, 1, lead, period, status, members=(Recipient(5, 1),),
                  escalate_to=(Recipient(9000),))  # fmt: skip


def _overdue_days(status: str) -> list[date]:
    since = datetime(2025, 3, 1, tzinfo=UTC)
    items = plan([_target(status)], WorkCalendar(), since, since + timedelta(days=60))
    return [i.send_at.astimezone(HCM).date() for i in items
            if i.kind in ("overdue", "escalation") and i.audience == "unit"]  # fmt: skip


def test_in_progress_and_blocked_slow_the_chasing_and_done_stops_it():
    cal = WorkCalendar()
    gaps = {}
    for status in ("not_started", "in_progress", "blocked"):
        days = _overdue_days(status)
        gaps[status] = min(len(list(cal.working_days(a + timedelta(days=1), b)))
                           for a, b in pairwise(days))  # fmt: skip
    # The first gaps (they grow the longer it lasts: tests/test_planner.py).
    assert gaps == {"not_started": 3, "in_progress": 5, "blocked": 10}
    assert _overdue_days("done") == []


def test_the_office_hears_of_an_escalation_once_the_unit_at_every_rung():
    since = datetime(2025, 3, 1, tzinfo=UTC)
    items = plan([_target("not_started")], WorkCalendar(), since, since + timedelta(days=60))
    escalations = [i for i in items if i.kind == "escalation"]
    assert len([i for i in escalations if i.chat_id == 9000]) == 1
    assert len([i for i in escalations if i.chat_id == 5]) > 1


def test_a_policy_is_overridden_by_name_and_a_bad_value_is_refused():
    import pytest

    from timing.planner import PolicyError

    policy = Policy().overridden({"before_days": "7, 1, 0", "send_at": "07:30",
                                  "coordinator_all": "true", "report_day": "15/12"})  # fmt: skip
    assert policy.before_days == (7, 1, 0) and policy.coordinator_all
    assert policy.send_at.hour == 7 and policy.send_at.minute == 30
    for name, value in [("before_days", "-1"), ("overdue_every", "0"), ("send_at", "8h"),
                        ("coordinator_all", "maybe")]:  # fmt: skip
        with pytest.raises(PolicyError, match=name):
            Policy().overridden({name: value})
