"""Reminders land on working days at 08:00, never in Tết; the late are chased, then escalated."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from timing.planner import Policy, before_deadline, event, overdue
from timing.workcalendar import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
cal = WorkCalendar()


def days(planned) -> list[tuple[str, int, date]]:  # type: ignore[no-untyped-def]
    return [(p.kind, p.offset, p.send_at.astimezone(HCM).date()) for p in planned]


def test_the_lead_unit_gets_the_full_ladder_on_working_days_at_8():
    planned = before_deadline(date(2025, 12, 31), lead=True, calendar=cal)
    assert days(planned) == [
        ("before", 14, date(2025, 12, 17)),
        ("before", 7, date(2025, 12, 24)),
        ("before", 3, date(2025, 12, 26)),  # 28/12 is a Sunday: the Friday before
        ("before", 1, date(2025, 12, 30)),
        ("due", 0, date(2025, 12, 31)),
    ]
    assert all(p.send_at.astimezone(HCM).time() == time(8, 0) for p in planned)
    assert planned[0].send_at == datetime(2025, 12, 17, 1, 0, tzinfo=UTC)


def test_a_coordinating_unit_gets_the_first_reminder_and_the_due_day():
    planned = before_deadline(date(2025, 12, 31), lead=False, calendar=cal)
    assert [(k, o) for k, o, _ in days(planned)] == [("before", 14), ("due", 0)]
    everyone = before_deadline(date(2025, 12, 31), lead=False, calendar=cal,
                               policy=Policy(coordinator_all=True))  # fmt: skip
    assert len(everyone) == 5


def test_nothing_is_sent_during_tet_and_rungs_that_meet_on_one_day_are_sent_once():
    planned = before_deadline(date(2026, 2, 20), lead=True, calendar=cal)  # 4th day of Tết 2026
    assert days(planned) == [("before", 14, date(2026, 2, 6)), ("due", 0, date(2026, 2, 13))]
    for p in planned:
        assert cal.is_working_day(p.send_at.astimezone(HCM).date())


def test_the_late_are_chased_every_three_working_days_then_escalated_after_a_week():
    planned = overdue(date(2025, 3, 14), until=date(2025, 4, 4), calendar=cal)
    assert days(planned) == [
        ("overdue", -3, date(2025, 3, 17)),
        ("overdue", -6, date(2025, 3, 20)),
        ("escalation", -11, date(2025, 3, 25)),
        ("escalation", -14, date(2025, 3, 28)),  # two weeks late: the gap doubles
    ]


def test_the_longer_it_lasts_the_less_often_it_is_said():
    planned = overdue(date(2025, 3, 14), until=date(2025, 6, 30), calendar=cal)
    # When the chase ends the office is told, once, the next working day after 90 days late.
    assert days(planned)[-1] == ("stopped", -90, date(2025, 6, 13))
    moments = [d for kind, _, d in days(planned) if kind != "stopped"]
    gaps = [len(list(cal.working_days(a + timedelta(days=1), b))) for a, b in pairwise(moments)]
    assert gaps[:3] == [3, 3, 3] and 6 in gaps and gaps[-1] == 12
    assert gaps == sorted(gaps)  # never more often again
    assert moments[-1] <= date(2025, 3, 14) + timedelta(days=90)  # and it stops
    assert len(moments) < 15  # not thirty reminders of one thing


def test_overdue_reminders_skip_the_30_4_holidays():
    planned = overdue(date(2025, 4, 29), until=date(2025, 5, 9), calendar=cal)
    assert [d for _, _, d in days(planned)] == [date(2025, 5, 5), date(2025, 5, 8)]


def test_the_conference_reminds_the_working_day_before_and_an_hour_before():
    planned = event(datetime(2025, 2, 6, 14, 0), cal)
    assert [(p.kind, p.send_at.astimezone(HCM).replace(tzinfo=None)) for p in planned] == [
        ("event_day_before", datetime(2025, 2, 5, 8, 0)),
        ("event_soon", datetime(2025, 2, 6, 13, 0)),
    ]


def test_a_monday_morning_event_is_announced_on_friday_and_never_before_opening_hours():
    planned = event(datetime(2025, 2, 10, 7, 30), cal)  # 06:30 is outside working hours
    assert planned[0].send_at.astimezone(HCM).date() == date(2025, 2, 7)
    assert len(planned) == 2 and planned[1].send_at > planned[0].send_at
    assert planned[1].send_at.astimezone(HCM).date() == date(2025, 2, 7)


def test_keys_are_stable_for_the_outbox():
    planned = before_deadline(date(2025, 12, 31), lead=True, calendar=cal)
    assert [p.key for p in planned] == ["before:14", "before:7", "before:3", "before:1", "due:0"]


def test_when_the_chase_stops_the_office_alone_is_told():
    from datetime import UTC

    from jobs.occurrences import Period
    from jobs.schedule import Recipient, Target, plan

    due = datetime(2025, 3, 14, 16, 59, 59, tzinfo=UTC)
    target = Target(1, 7, True, Period("once", "deadline", date(2025, 3, 14), due),
                    members=(Recipient(501, 1),), escalate_to=(Recipient(9000),))  # fmt: skip
    window = (datetime(2025, 6, 10, tzinfo=UTC), datetime(2025, 7, 31, tzinfo=UTC))
    told = [(o.kind, o.chat_id, o.audience) for o in plan([target], cal, *window)]
    assert told == [("stopped", 9000, "escalated")]  # and nothing more to the unit after it
    done = Target(1, 7, True, target.period, "done", target.members, target.escalate_to)
    assert plan([done], cal, *window) == []
