"""A period key as the office names it: "2025-Q1" is "Quý I/2025", "2025-H1" "6 tháng đầu năm
2025". Pure: the key in, the words out; the key itself stays what the database stores."""

from __future__ import annotations

import re
from datetime import date, timedelta

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-(\d{4})$"), "school_year"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "part"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^checkin-(\d{4})-(\d{2})$"), "checkin"),
]


def school_week(iso_year: int, iso_week: int) -> str:
    """An ISO week as schools count it: week 1 is the week the school year opens in (the
    week holding 5 September, the opening day), "Tuần 7 năm học 2025-2026"."""
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    first_year = monday.year if monday >= _opening_monday(monday.year) else monday.year - 1
    number = (monday - _opening_monday(first_year)).days // 7 + 1
    return f"Tuần {number} năm học {first_year}-{first_year + 1}"


def _opening_monday(year: int) -> date:
    opening = date(year, 9, 5)
    return opening - timedelta(days=opening.weekday())


def period_name(key: str) -> str:
    """Vietnamese words for a period key; "" for a one-off deadline or an event."""
    if key in ("once", "event", ""):
        return ""
    for pattern, kind in _RULES:
        match = pattern.match(key)
        if match is None:
            continue
        a, b = match.group(1), match.group(2) if pattern.groups > 1 else ""
        if kind == "quarter":
            return f"Quý {ROMAN[int(b)]}/{a}"
        if kind == "half":
            return f"6 tháng {'đầu' if b == '1' else 'cuối'} năm {a}"
        if kind == "month":
            return f"Tháng {int(b)}/{a}"
        if kind == "school_year":
            return f"Năm học {a}-{b}"
        if kind == "week":
            return school_week(int(a), int(b))
        if kind == "part":
            return f"Đợt {b}/{a}"
        if kind == "year":
            return f"Năm {a}"
        return f"Kiểm tra tháng {int(b)}/{a}"
    return key
