"""The office reads a plan's "Thời gian thực hiện" column; every phrase becomes dates."""

from __future__ import annotations

import itertools
import json
import os
import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from tests.timeline_corpus import BASE, CASES, REFERENCE
from timing.timeline import ReportDays, TimelineError, parse_timeline


def read(case_text: str, reference: date = REFERENCE) -> dict | None:
    try:
        return parse_timeline(case_text, reference).to_json(reference)
    except TimelineError:
        return None


def test_the_corpus_is_large_enough():
    assert len(BASE) >= 150
    assert len(CASES) >= 200


@pytest.mark.parametrize("case", CASES, ids=lambda c: repr(c.text[:60]))
def test_every_phrase_of_the_corpus_reads_as_expected(case):
    assert case.check(read(case.text, case.reference)) == []


def test_seed_004_data_deadline_year_typo_is_flagged_with_a_suggestion():
    result = read("gửi thông tin cụ thể về Văn phòng Sở trước ngày 05/02/2024")
    assert result["due"] == "2024-02-04"
    assert result["inclusive"] is False
    assert result["warnings"] == [
        "Hạn 04/02/2024 trước ngày của kế hoạch (24/01/2025); có lẽ là 05/02/2025?"
    ]


def test_an_impossible_date_is_a_typed_error_with_a_message():
    with pytest.raises(TimelineError) as caught:
        parse_timeline("trước ngày 31/02/2025", REFERENCE)
    assert "31/02/2025" in caught.value.message


def test_a_school_week_number_asks_for_the_day_saying_why():
    # Weeks of a school year are counted by each province's calendar: no reading, but the
    # office is told why, not only that the phrase was not read.
    for phrase in ("Tuần thứ 10 năm học", "Tuần 35"):
        with pytest.raises(TimelineError) as caught:
            parse_timeline(phrase, REFERENCE)
        assert "khung thời gian năm học" in caught.value.message


def test_a_year_less_date_resolves_to_the_next_such_date_from_the_plan():
    assert read("trước ngày 20/01")["due"] == "2026-01-19"
    assert read("ngày 24/01")["due"] == "2025-01-24"  # the plan's own day counts


class TestConfiguredReportDays:
    def test_an_annual_report_day_replaces_the_year_end(self):
        days = ReportDays.from_mapping({"yearly": "15/12"})
        timeline = parse_timeline("Hàng năm", REFERENCE, days)
        assert timeline.next_due(REFERENCE) == [
            date(2025, 12, 15), date(2026, 12, 15), date(2027, 12, 15)
        ]  # fmt: skip

    def test_a_phrase_that_names_its_day_keeps_it(self):
        days = ReportDays.from_mapping({"yearly": "15/12"})
        timeline = parse_timeline("Ngày 30/6 hằng năm", REFERENCE, days)
        assert timeline.next_due(REFERENCE, 1) == [date(2025, 6, 30)]

    def test_quarterly_monthly_and_weekly_days(self):
        days = ReportDays.from_mapping({"quarterly": 20, "monthly": "25", "weekly": "thứ Hai"})
        assert parse_timeline("hằng quý", REFERENCE, days).next_due(REFERENCE, 2) == [
            date(2025, 3, 20), date(2025, 6, 20)
        ]  # fmt: skip
        assert parse_timeline("hằng tháng", REFERENCE, days).next_due(REFERENCE, 2) == [
            date(2025, 1, 25), date(2025, 2, 25)
        ]  # fmt: skip
        assert parse_timeline("hàng tuần", REFERENCE, days).next_due(REFERENCE, 1) == [
            date(2025, 1, 27)
        ]

    def test_a_bad_configured_day_is_an_error(self):
        with pytest.raises(TimelineError):
            ReportDays.from_mapping({"yearly": "31/02"})


class TestOccurrences:
    def test_periods_have_stable_keys(self):
        timeline = parse_timeline("hằng quý", REFERENCE)
        assert timeline.recurrence is not None
        keys = [key for key, _ in timeline.recurrence.occurrences(REFERENCE, 5)]
        assert keys == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]

    def test_a_bounded_cycle_stops_at_its_end(self):
        timeline = parse_timeline("Hằng năm, giai đoạn 2025-2027", REFERENCE)
        assert timeline.next_due(REFERENCE, 10) == [
            date(2025, 12, 31), date(2026, 12, 31), date(2027, 12, 31)
        ]  # fmt: skip


# ---- the command line contract -------------------------------------------------------------

KEYS = ["text", "kind", "due", "inclusive", "next_due", "start", "end", "rule", "warnings"]


def test_deadline_json_prints_exactly_the_contract():
    result = CliRunner().invoke(
        app, ["deadline", "Trước ngày 15/12 hằng năm", "--today", "2025-01-24", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == KEYS
    assert data["kind"] == "recurring"
    assert data["next_due"] == ["2025-12-14", "2026-12-14", "2027-12-14"]
    assert data["inclusive"] is False


def test_deadline_reads_a_whole_column_from_stdin_and_goes_on_after_an_error():
    column = "Hàng năm\n31/02/2025\nQuý IV/2024\n"
    result = CliRunner().invoke(app, ["deadline", "--today", "2025-01-24", "--json"], input=column)
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("kind") for line in lines] == ["recurring", None, "once"]
    assert lines[1]["text"] == "31/02/2025"
    assert "31/02/2025" in lines[1]["error"]


def test_deadline_without_json_prints_one_readable_line():
    result = CliRunner().invoke(app, ["deadline", "Tháng 9/2025", "--today", "2025-01-24"])
    assert result.stdout.strip() == "once: hết tháng 9/2025 (hạn 30/09/2025)"


def test_deadline_error_exits_2_with_the_message_on_stderr():
    result = CliRunner().invoke(app, ["deadline", "Quý V/2025", "--today", "2025-01-24"])
    assert result.exit_code == 2
    assert "Quý không hợp lệ" in result.stderr
    assert result.stdout == ""


# ---- properties ----------------------------------------------------------------------------

vietnamese_text = st.text(
    alphabet=st.sampled_from(list("0123456789/-.:h ,()aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặ"
                                  "ầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
                                  "QUÝIVXNĂMTHÁNGquyivthangnamhoc")),
    max_size=60,
)  # fmt: skip

pieces = st.sampled_from(
    ["Hàng năm", "hằng quý", "hằng tháng", "hàng tuần", "định kỳ 6 tháng",
     "Trước ngày 15/12 hằng năm", "trước ngày 20 của tháng cuối quý", "Ngày 31 hằng tháng",
     "Trước 30/6 và 15/12 hằng năm", "Năm 2025 và các năm tiếp theo", "Hằng năm học",
     "Thứ Hai hằng tuần", "Tháng 2 hằng năm", "Ngày 29/02 hằng năm"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(vietnamese_text, st.text(max_size=80)), day=st.dates())
def test_no_input_raises_anything_but_the_typed_error(text, day):
    try:
        result = parse_timeline(text, day)
    except TimelineError as error:
        assert error.message
        return
    result.to_json(day)


@settings(max_examples=200, deadline=None)
@given(phrase=pieces, day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_next_due_strictly_increases_and_starts_on_or_after_today(phrase, day):
    dues = parse_timeline(phrase, day).next_due(day, 12)
    assert dues, phrase
    assert all(a < b for a, b in itertools.pairwise(dues))
    assert dues[0] >= day


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX-only")
def test_parsing_does_not_depend_on_the_machines_time_zone(monkeypatch):
    def all_results() -> list:
        return [read(c.text, c.reference) for c in BASE]

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    baseline = all_results()
    for zone in ("Pacific/Kiritimati", "America/Adak", "Asia/Ho_Chi_Minh"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert all_results() == baseline
    monkeypatch.delenv("TZ")
    time.tzset()
    assert os.environ.get("TZ") is None


def test_next_due_over_a_century_of_month_ends():
    timeline = parse_timeline("hằng tháng", REFERENCE)
    dues = timeline.next_due(date(2000, 1, 1), 1200)
    assert dues[0] == date(2000, 1, 31) and dues[-1] == date(2099, 12, 31)
    assert all((d + timedelta(days=1)).day == 1 for d in dues)


def test_a_reading_is_stored_and_read_back_unchanged_for_every_phrase_of_the_corpus():
    import json

    from timing.timeline import Timeline

    read = 0
    for case in CASES:
        try:
            timeline = parse_timeline(case.text, case.reference)
        except TimelineError:
            continue
        stored = json.loads(json.dumps(timeline.to_data()))  # as a JSON column keeps it
        back = Timeline.from_data(stored)
        assert back == timeline, case.text
        assert back.to_json(case.reference) == timeline.to_json(case.reference)
        read += 1
    assert read > 250
    with pytest.raises(ValueError, match="another version"):
        Timeline.from_data({**stored, "v": 0})
