"""Reading Vietnamese timelines: "Hàng năm", "Quý IV/2024", "trước ngày 05/02/2025"…

`parse_timeline(text, reference)` turns the "Thời gian thực hiện" of a task, or a deadline
found in a plan's body, into a `Timeline` the scheduler can act on. Pure: the reference date
(the plan's date) comes in as an argument, nothing reads the clock.

Matching happens on a folded copy of the text (lower case, no diacritics, one space), so
composed or decomposed Unicode, "Hàng"/"Hằng" and "hang nam" all read alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any, Literal

Kind = Literal["once", "recurring", "continuous", "window", "event", "none"]
Freq = Literal["weekly", "monthly", "quarterly", "half_yearly", "yearly", "school_yearly"]

MAX_LENGTH = 2000


def _rx(pattern: str) -> re.Pattern[str]:
    # Patterns run on folded (ASCII) text; ASCII classes make \b, \d and \s faster.
    return re.compile(pattern, re.ASCII)


WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
# The school year and its terms, as the Ministry's yearly framework usually sets them.
SCHOOL_YEAR_START = (1, 9)  # day, month
SCHOOL_YEAR_END = (31, 5)
TERM_ONE_END = (15, 1)


class TimelineError(ValueError):
    """A phrase that looks like a timeline but cannot be read, or names an impossible date."""

    def __init__(self, message: str, text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.text = text


# ---- recurrence --------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen, for speed: see Timeline
class Recurrence:
    freq: Freq
    anchors: tuple[tuple[int, int], ...] = ()  # (day, month) within a year
    day: int | None = None  # day of month (monthly, quarterly)
    month_in_quarter: int = 3  # quarterly: 1 first month, 3 last month
    weekday: int = 4  # weekly: 0 Monday … 4 Friday
    exclusive: bool = False  # "trước ngày X": X itself is too late
    start_year: int | None = None
    end_year: int | None = None
    # Months from the end of the period reported on to its due day: "ngày 12 tháng sau tháng
    # báo cáo" is 1, "ngày 10/01 của năm liền kề năm báo cáo" 12. The key names the period.
    lag: int = 0
    last_working: bool = False  # "ngày làm việc cuối cùng của tháng": back over weekends, holidays
    week: int = 0  # "thứ Sáu tuần thứ hai hằng tháng": that weekday of week 1–5 (-1 the last)

    def _periods(self) -> tuple[tuple[int, int, int, bool], ...]:
        """(period number, month, stated day, whether the day exists in every year's month) of
        every period in a year, in order."""
        return _period_table(self.freq, self.anchors, self.day, self.month_in_quarter)

    def _key(self, year: int, number: int, month: int) -> str:
        if self.freq == "quarterly":
            return f"{year}-Q{number}"
        if self.freq == "monthly":
            return f"{year}-{number:02d}"
        if self.freq == "half_yearly":
            return f"{year}-H{1 if month <= 6 else 2}"
        if self.freq == "school_yearly":
            return f"{year - 1}-{year}" if month < SCHOOL_YEAR_START[1] else f"{year}-{year + 1}"
        if len(self.anchors) > 1:
            return f"{year}-{number + 1}"
        return str(year)

    def _dues(self, on_or_after: date) -> Iterator[tuple[int, int, int, date, date]]:
        """(year, period number, period month, stated date, last allowed day) of the periods
        due on or after a day, in order."""
        shift = _ONE_DAY if self.exclusive else _NO_TIME
        if self.freq == "weekly":
            day = on_or_after + shift
            day += timedelta(days=(self.weekday - day.weekday()) % 7)
            if self.start_year is not None and day.year < self.start_year:
                first = date(self.start_year, 1, 1)
                day = first + timedelta(days=(self.weekday - first.weekday()) % 7)
            while self.end_year is None or day.year <= self.end_year:
                yield day.year, 0, day.month, day, day - shift
                day += timedelta(days=7)
            return
        if self.lag or self.last_working or self.week:
            yield from self._lagged_dues(on_or_after, shift)
            return
        year = on_or_after.year
        if self.start_year is not None:
            year = max(year, self.start_year)
        limit = on_or_after.year + 200
        if self.end_year is not None:
            limit = min(limit, self.end_year)
        periods = self._periods()
        exclusive = self.exclusive
        while year <= limit:
            # A month before the one asked about ends before it: no date to build.
            earliest = on_or_after.month if year == on_or_after.year else 1
            for number, month, day, always in periods:
                if month < earliest:
                    continue
                stated = date(year, month, day) if always else _clamped(year, month, day)
                due = stated - shift if exclusive else stated
                if due >= on_or_after:
                    yield year, number, month, stated, due
            year += 1

    def _lagged_dues(
        self, on_or_after: date, shift: timedelta
    ) -> Iterator[tuple[int, int, int, date, date]]:
        # A period of last year may fall due this year; the common case above stays lean.
        year = on_or_after.year - (self.lag + 11) // 12
        if self.start_year is not None:
            year = max(year, self.start_year)
        limit = on_or_after.year + 200
        if self.end_year is not None:
            limit = min(limit, self.end_year)
        periods = self._periods()
        while year <= limit:
            for number, month, day, _always in periods:
                shifted = month - 1 + self.lag
                due_year, due_month = year + shifted // 12, shifted % 12 + 1
                if (due_year, due_month) < (on_or_after.year, on_or_after.month):
                    continue
                stated = _clamped(due_year, due_month, day)
                if self.last_working:
                    stated = _last_working_day(due_year, due_month)
                elif self.week:
                    stated = _weekday_of_week(due_year, due_month, self.weekday, self.week)
                due = stated - shift if self.exclusive else stated
                if due >= on_or_after:
                    yield year, number, month, stated, due
            year += 1

    def occurrences(self, on_or_after: date, count: int) -> Iterator[tuple[str, date]]:
        """(period key, last allowed day) of the first `count` periods due on or after a day."""
        for produced, (year, number, month, stated, due) in enumerate(self._dues(on_or_after)):
            if produced >= count:
                return
            if self.freq == "weekly":
                iso = stated.isocalendar()
                yield f"{iso.year}-W{iso.week:02d}", due
            else:
                yield self._key(year, number, month), due

    def next_due(self, on_or_after: date, count: int = 3) -> list[date]:
        return [due for _, _, _, _, due in islice(self._dues(on_or_after), count)]


_ONE_DAY = timedelta(days=1)
_NO_TIME = timedelta(0)
DEFAULT_ANCHORS: dict[str, tuple[tuple[int, int], ...]] = {
    "yearly": ((31, 12),),
    "half_yearly": ((30, 6), (31, 12)),
    "school_yearly": (SCHOOL_YEAR_END,),
}
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=256)  # a handful of shapes recur: hằng tháng, hằng quý, 15/12…
def _period_table(
    freq: Freq, anchors: tuple[tuple[int, int], ...], day: int | None, month_in_quarter: int
) -> tuple[tuple[int, int, int, bool], ...]:
    if freq == "quarterly":
        months = [(q, 3 * (q - 1) + month_in_quarter) for q in (1, 2, 3, 4)]
    elif freq == "monthly":
        months = [(m, m) for m in range(1, 13)]
    else:
        chosen = anchors or DEFAULT_ANCHORS[freq]
        return tuple((i, m, d, _always(m, d)) for i, (d, m) in enumerate(chosen))
    stated = day or 31
    return tuple((number, month, stated, _always(month, stated)) for number, month in months)


def _always(month: int, day: int) -> bool:
    """Whether the day exists in that month of every year (29/02 does not)."""
    return day <= 28 or (month != 2 and day <= _MONTH_DAYS[month - 1])


def _clamped(year: int, month: int, day: int) -> date:
    # "ngày 31 hằng tháng" means the month's last day in a short month.
    if day <= 28:
        return date(year, month, day)
    last = _MONTH_DAYS[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return date(year, month, day if day <= last else last)


# ---- the result --------------------------------------------------------------------------


# Not frozen: a frozen dataclass pays object.__setattr__ per field, a third of a short phrase's
# reading time. Nothing mutates a Timeline after parse_timeline returns it.
@dataclass(slots=True)
class Timeline:
    text: str
    kind: Kind
    rule: str
    due: date | None = None
    inclusive: bool = True
    start: date | datetime | None = None
    end: date | datetime | None = None
    recurrence: Recurrence | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def next_due(self, on_or_after: date, count: int = 3) -> list[date]:
        if self.recurrence is None:
            return []
        return self.recurrence.next_due(on_or_after, count)

    def to_data(self) -> dict[str, Any]:
        """The reading itself, stored beside the phrase so the planner need not read it again
        (versioned: `from_data` refuses another version, and the phrase is read afresh)."""
        recurrence = self.recurrence
        return {
            "v": STORED_VERSION,
            "text": self.text,
            "kind": self.kind,
            "rule": self.rule,
            "due": _moment_data(self.due),
            "inclusive": self.inclusive,
            "start": _moment_data(self.start),
            # A deadline's end is its due day (the same object): kept so.
            "end": "=due" if self.end is self.due and self.due is not None
            else _moment_data(self.end),
            "recurrence": None if recurrence is None else {
                name: getattr(recurrence, name) for name in Recurrence.__slots__
            },
            "warnings": list(self.warnings),
        }  # fmt: skip

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Timeline:
        """What `to_data` stored; ValueError for another version or a damaged value."""
        if not isinstance(data, dict) or data.get("v") != STORED_VERSION:
            raise ValueError("stored timeline of another version")
        try:
            stored = data["recurrence"]
            recurrence = None
            if stored is not None:
                fields = dict(stored)
                fields["anchors"] = tuple(tuple(pair) for pair in fields.get("anchors", ()))
                recurrence = Recurrence(**fields)
            due = _moment_of(data["due"])
            end = due if data["end"] == "=due" else _moment_of(data["end"])
            return cls(
                text=str(data["text"]), kind=data["kind"], rule=str(data["rule"]),
                due=due, inclusive=bool(data["inclusive"]), start=_moment_of(data["start"]),
                end=end, recurrence=recurrence, warnings=tuple(data["warnings"]),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"stored timeline unreadable: {error}") from None

    def to_json(self, today: date) -> dict[str, Any]:
        """The `nhacviec deadline --json` object."""
        due, start, end = self.due, self.start, self.end
        due_iso = None if due is None else due.isoformat()
        next_due = [d.isoformat() for d in self.next_due(today, 3)]
        return {
            "text": self.text,
            "kind": self.kind,
            "due": due_iso,
            "inclusive": self.inclusive,
            "next_due": next_due,
            "start": None if start is None else start.isoformat(),
            # A deadline's end is its due day: one string for both.
            "end": due_iso if end is due else (None if end is None else end.isoformat()),
            "rule": self.rule,
            "warnings": list(self.warnings),
        }


STORED_VERSION = 1


def _moment_data(value: date | datetime | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"datetime" if isinstance(value, datetime) else "date": value.isoformat()}


def _moment_of(value: Any) -> Any:
    if value is None:
        return None
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    return date.fromisoformat(value["date"])


@dataclass(frozen=True)
class ReportDays:
    """Report days configured for periods a phrase names without a day (globally or per plan)."""

    yearly: tuple[tuple[int, int], ...] = ()
    half_yearly: tuple[tuple[int, int], ...] = ()
    quarterly_day: int | None = None  # of the quarter's last month
    monthly_day: int | None = None
    weekly_weekday: int | None = None

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> ReportDays:
        """From settings such as {"yearly": "15/12", "monthly": 25, "weekly": "thứ Sáu"}."""

        def anchors(raw: Any) -> tuple[tuple[int, int], ...]:
            found = tuple(
                (int(d), int(m)) for d, m in re.findall(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})", str(raw))
            )
            for day, month in found:
                _checked_date(2024, month, day, str(raw))  # 2024: 29/02 is allowed
            return found

        weekly = values.get("weekly")
        weekday = None
        if weekly is not None:
            weekday = _weekday_of(fold(str(weekly)))
            if weekday is None and str(weekly).isdigit():
                weekday = int(weekly)
        return cls(
            yearly=anchors(values.get("yearly", "")),
            half_yearly=anchors(values.get("half_yearly", "")),
            quarterly_day=int(values["quarterly"]) if values.get("quarterly") else None,
            monthly_day=int(values["monthly"]) if values.get("monthly") else None,
            weekly_weekday=weekday,
        )


def report_day_mapping(day: str) -> dict[str, str]:
    """A task's report day as ReportDays settings: "15/12" dates a yearly (and half-yearly)
    report, "25" the day of each month."""
    day = day.strip()
    if not day:
        return {}
    return {"yearly": day, "half_yearly": day} if "/" in day else {"monthly": day}


# ---- folding and small readers -----------------------------------------------------------


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x2000):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base != char and base.isascii():
            table[code] = base.lower()
    table.update({ord("đ"): "d", ord("Đ"): "d", 0xA0: " "})
    return table


_FOLD = _fold_table()
# After lower case and NFD, a Vietnamese phrase holds ASCII, combining marks and "đ" only;
# anything else (dashes, symbols, other scripts) takes the careful path.
_UNUSUAL = re.compile(r"[^\x00-\x7f\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, one space: what the patterns below match against."""
    text = text.lower()
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())  # line breaks, tabs, runs of spaces, other spaces
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    if _UNUSUAL.search(decomposed) is None:
        return decomposed.encode("ascii", "ignore").decode("ascii")
    # Composed first, so a decomposed letter folds like its composed twin.
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
        )
    return " ".join(text.split())


_WEEKDAY_WORDS = {
    "hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5,
    "2": 0, "3": 1, "4": 2, "5": 3, "6": 4, "7": 5,
}  # fmt: skip
WEEKDAY_RE = _rx(
    r"\(?\s*\b(?<!tuan )(?:thu\s+(hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat|cn))\b\s*\)?,?"
)


def _weekday_of(folded: str) -> int | None:
    match = WEEKDAY_RE.search(folded)
    if match is None:
        return None
    return 6 if match.group(2) else _WEEKDAY_WORDS[match.group(1)]


def _year(raw: str) -> int:
    value = int(raw)
    return 2000 + value if value < 100 else value


def _checked_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        # Said in the office's words: the chat and the workspace show it as is.
        why = f"tháng {month} không có ngày {day}" if 1 <= month <= 12 else "không có tháng này"
        raise TimelineError(
            f"Ngày không hợp lệ: {day:02d}/{month:02d}/{year} ({why})", text
        ) from None


def _fmt(day: date) -> str:
    return "%02d/%02d/%d" % (day.day, day.month, day.year)  # noqa: UP031 - the fastest form


def _hm(moment: time | datetime) -> str:
    return "%02d:%02d" % (moment.hour, moment.minute)  # noqa: UP031 - strftime is slower


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[date, str]:
    import holidays  # the maintained calendar (Tết is lunar); loaded only when a phrase asks

    return dict(holidays.country_holidays("VN", years=year, language="en_US"))


@lru_cache(maxsize=1)
def _working_calendar() -> Any:
    # The product's own calendar (make-up working Saturdays included); `holidays` is loaded
    # only when a phrase counts working days.
    from timing.workcalendar import WorkCalendar

    return WorkCalendar()


def _last_working_day(year: int, month: int) -> date:
    day = _month_end(year, month)
    holidays_of_year = _public_holidays(year)
    while day.weekday() >= 5 or day in holidays_of_year:
        day -= _ONE_DAY
    return day


def _weekday_of_week(year: int, month: int, weekday: int, week: int) -> date:
    """The weekday in a month's week `week` (days 1–7, 8–14…, as "tuần đầu tháng 9" reads;
    -1 the last seven days), or the month's last such weekday when week 5 has none."""
    last = _month_end(year, month)
    if week < 0:
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 7 * (week - 1) + 1) if 7 * (week - 1) < last.day else last
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day > last:
        day -= timedelta(days=7)
    return day


def _lunar_new_year(year: int) -> date:
    """The first day of Tết Nguyên đán in a (solar) year."""
    return next(d for d, name in _public_holidays(year).items() if name == "Lunar New Year")


def _month_end(year: int, month: int) -> date:
    return _clamped(year, month, 31)


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, 3 * quarter)


# Dates: 05/02/2025, 5-2-25, 05.02.2025, 2025-02-05, "ngày 5 tháng 2 năm 2025", and 05/02.
# The leading (?=[\dn]) lets the engine skip, in one test, the positions no branch can start at.
FULL_DATE = _rx(
    r"(?=[\dn])(?:(?<![\d/.\-])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d/.\-]*\d)"
    r"|(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"
    r"|\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,\s*)?nam\s+(\d{4})\b)"
)
SHORT_DATE = _rx(
    r"(?=[\dn])(?:(?<![\d/.\-hg:])(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?![\d/.\-]*\d)"
    r"(?!\s*(?:gio\b|h\d|h\b|g\d|g\b|:\d))"
    r"|\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\b(?!\s*(?:,\s*)?nam\s+\d))"
)
# "02 hồ sơ", "03 giáo viên" are no hours: an "h" or a "g" must not begin a word.
TIME = _rx(
    r"(?=\d)(?<![\d/.])(\d{1,2})\s*(?:gio\b|h(?![a-z])|g(?![a-z])|:(?=\s*\d{2}))\s*(\d{2})?"
    r"(?:\s*(?:phut|p|'))?(?![\d/])"
)
DOC_REFERENCE = _rx(
    r"(?:\bso\s*:?\s*)?\b\d+\s*[-/]\s*(?!(?:thang|ngay|nam|quy|tuan|den|toi|tu|hoc|hk)\b)"
    r"[a-z][a-z0-9\-/]*(?:\s*,)?(?:\s*(?:ban hanh\s+)?ngay\s+"
    r"(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?"
)
DATELINE = _rx(r"^[a-z .\-]{2,40},\s*ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}\.?$")
QUARTER = _rx(r"\b(?:quy|q)\s*(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|-|nam)\s*(\d{4}|\d{2})\b)?")
MONTH = _rx(
    r"(?=[t\d])(?:\b(?:thang|t)\s*(\d{1,2})\b(?:\s*(?:/|-|nam)\s*(\d{4}|\d{2})\b)?"
    r"|(?<![\d/.\-])(\d{1,2})\s*/\s*(\d{4})(?![\d/]))"
)
YEAR_RANGE = _rx(
    r"(?=\d)(?<![\d/.\-])((?:19|20)\d{2})\s*(?:[-–]|\bden\s+(?:nam\s+)?|\btoi\s+(?:nam\s+)?)"
    r"\s*((?:19|20)?\d{2})(?![\d/.\-])"
)
YEAR = _rx(r"(?=\d)(?<![\d/.\-])((?:19|20)\d{2})(?![\d/.\-]*\d)")

SCHOOL_YEAR = _rx(r"\bnam hoc\s*((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)?\d{2})\b")
MONTH_SPAN = _rx(
    r"\b(?:tu\s+)?thang\s+(\d{1,2})\s*(?:-|–|den|toi)\s*(?:het\s+)?(?:thang\s+)?(\d{1,2})"
    r"(?:\s*(?:/|nam)\s*(\d{4})\b|\b(?!\s*[/.\-]\s*\d))"
)
# "Tháng 10/2025 - tháng 5/2026", "từ tháng 9/2025 đến tháng 5/2026": across a year's end.
MONTH_YEAR_SPAN = _rx(
    r"\bthang\s+(\d{1,2})\s*(?:/|nam)\s*(\d{4})\s*(?:-|–|den|toi)\s*(?:het\s+)?"
    r"(?:thang\s+)?(\d{1,2})\s*(?:/|nam)\s*(\d{4})\b"
)
QUARTER_YEAR_SPAN = _rx(
    r"\bquy\s*(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(\d{4})\s*(?:-|–|den|toi)\s*(?:het\s+)?"
    r"(?:quy\s*)?(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(\d{4})\b"
)
QUARTER_SPAN = _rx(
    r"\bquy\s*(iv|iii|ii|i|[1-4])\s*(?:-|–|den|(va|,))\s*(?:quy\s*)?(iv|iii|ii|i|[1-4])"
    r"\s*(?:/|nam)\s*(\d{4})\b"
)
# "Quý I và Quý III/2025", "tháng 3 và tháng 9/2025": each its own deadline.
PERIOD_LIST = _rx(
    r"\b(quy|thang)\s*(iv|iii|ii|i|\d{1,2})((?:\s*(?:,|va)\s*(?:(?:quy|thang)\s*)?"
    r"(?:iv|iii|ii|i|\d{1,2})\b)+)\s*(?:/|nam)\s*(\d{4})\b"
)
VAGUE = _rx(r"\b(dau|giua)\s+(nam|thang|quy)\b")
HALF_YEAR = _rx(r"\b(6|sau|9|chin|3|ba)\s+thang\s+(dau|cuoi)\s+nam\b(?:\s*(\d{4}))?")
# "cuối năm học", "hết quý", "(trước khi) kết thúc năm học": due at the period's end; never
# "sau khi kết thúc…" (after it: a count of days that is missing).
END_OF = _rx(r"(?<!sau khi )\b(?:cuoi|het|ket thuc)\s+(nam hoc|nam|quy|thang)\b")
ONWARD = _rx(r"\b(?:tiep theo|tro di)\b")
MONTH_OF_QUARTER = _rx(r"\bthang (cuoi|dau|giua)")
DAY_OF_PERIOD = _rx(r"\bngay\s+(\d{1,2})\b(?!\s*[/.\-]\s*\d)(?!\s+thang\s+\d)")
TERM = _rx(r"\b(?:hoc ky|hk)\s*(ii|i|2|1)\b")
RANGE_WORD = _rx(r"\bden\b|\btoi\b|[-–]")
FROM_WORD = _rx(r"\btu\b")
# So many days after the document reaches its reader, or after it was signed or issued.
_DOCUMENT = r"(?:van ban|cong van|ke hoach|thong bao|quyet dinh|huong dan|chi thi|quy che)"
FROM_DOCUMENT = _rx(
    r"\b(\d{1,2})\s*(?:\([^)]{1,12}\)\s*)?(ngay|tuan)\s*(lam viec\s*)?(?:ke tu|tinh tu|sau)\s+"
    r"(?:ngay\s+|khi\s+)?(?:(nhan)\s+(?:duoc\s+)?"
    + _DOCUMENT
    + r"|(?:ky|ban hanh|phat hanh)\b(?:\s+ban hanh)?(?:\s+"
    + _DOCUMENT
    + r")?"
    + r"|"
    + _DOCUMENT
    + r"(?:\s+nay)?\s+(?:duoc\s+)?(?:ky|ban hanh|phat hanh)\b)"
)
# "Ngay sau khi nhận được công văn", "trong ngày nhận được văn bản": at once.
AT_RECEIPT = _rx(
    r"\b(?:ngay (?:sau )?khi|trong ngay|ngay trong ngay)\s+nhan\s+(?:duoc\s+)?" + _DOCUMENT
)
# Counted from a happening the phrase does not date.
AFTER_UNDATED = _rx(r"\bsau khi\b|\bke tu (?:ngay|khi)\b(?! (?:ky|ban hanh)\b)")
HAPPENS_OVER_DAYS = _rx(r"\b(?:khai mac|be mac|dien ra|hoi nghi|hoi thao|tap huan|hoi trai)\b")
FROM_NOW = _rx(r"\btu (?:nay|bay gio|thoi diem nay)\b")
PERIOD_WORD = _rx(r"\bgiai doan\b|\btu nam\b")
FIRST_PERIOD = _rx(r"\b(?:quy|q|thang|t|nam)\s*\d|\b(?:quy|q)\s*i")
# Finest period first: "hằng quý, 6 tháng, năm" reports every quarter. Each comes with words
# one of which its pattern needs, so most phrases run none of the patterns.
RECURRING: tuple[tuple[Freq, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "weekly",
        ("tuan",),
        _rx(r"\b(?:hang|moi|tung) tuan\b|\bbao cao tuan\b|\b(?:mot|1) tuan\s*(?:mot|1|/)\s*lan\b"),
    ),
    (
        "monthly",
        ("thang", "lan"),
        _rx(
            r"\b(?:hang|moi|tung) thang\b|\bbao cao thang\b"
            r"|\b(?:mot|1) thang\s*(?:mot|1|/)\s*lan\b"
            r"|\b(?:12|muoi hai) lan\s*(?:/|mot|trong)\s*nam\b"
        ),
    ),
    (
        "quarterly",
        ("quy", "thang", "lan"),
        _rx(
            r"\b(?:hang|moi|tung) quy\b|\bcuoi (?:moi )?quy\b(?!\s*(?:iv|iii|ii|i|[1-4])\b)"
            r"|\bdinh ky (?:0?3|ba) thang\b"
            r"|\bthang (?:cuoi|dau|giua)(?: cua)?(?: moi)? quy\b|\bbao cao quy\b"
            r"|\b(?:mot|1) quy\s*(?:mot|1|/)\s*lan\b|\b(?:4|bon) lan\s*(?:/|mot|trong)\s*nam\b"
        ),
    ),
    (
        "half_yearly",
        ("thang", "nua nam", "lan"),
        _rx(
            r"\bdinh ky (?:0?6|sau) thang\b|\b(?:0?6|sau) thang\s*(?:mot|1|/)\s*lan\b"
            r"|\bhang nua nam\b|\bbao cao (?:6|sau) thang\b"
            r"|\b(?:2|hai) lan\s*(?:/|mot|trong)\s*nam\b"
        ),
    ),
    (
        "school_yearly",
        ("nam hoc",),
        _rx(r"\b(?:hang|moi|tung) nam hoc\b|\b(?:cac|nhung) nam hoc tiep theo\b"),
    ),
    (
        "yearly",
        ("nam",),
        _rx(
            r"\b(?:hang|moi|tung) nam\b|\b(?:cac|nhung) nam (?:tiep theo|sau)\b|\bnam sau\b"
            r"|\bdinh ky nam\b"
            r"|\bbao cao nam\b(?!\s*\d)|\b(?:mot|1) nam\s*(?:mot|1|/)\s*lan\b"
        ),
    ),
)
_DIGIT = _rx(r"\d")
# A recurring phrase holds one of these, or "hằng"/"hàng" as a word (`_may_recur`: as a bare
# substring "hang" is in every "tháng"); a year range or a month span one of the range words.
RECURRING_WORDS = ("moi", "tung", "dinh ky", "bao cao", "tiep theo", "nam sau", "cuoi",
                   "thang dau", "thang giua", "lan")  # fmt: skip
RANGE_WORDS = ("-", "–", "den", "toi")
DEADLINE_WORD = _rx(r"\b(?:cham nhat|han chot|han)\s*(?:la\s*)?$")
# "Hạn cuối nộp hồ sơ: 17 giờ 00 ngày 20/3": a deadline named a few words before its hour.
DEADLINE_NAMED = _rx(r"\b(?:han chot|han cuoi|thoi han|het han|han nop|han gui)\b[^\d]{0,40}$")
BARE_RANGE = _rx(r"(?:nam\s+)?\S+\s*[-–]\s*\S+")
# Every TIME match holds this.
_TIME_HINT = _rx(r"\d\s*(?:h|g|:)")
# Every FULL_DATE and SHORT_DATE match holds one of these: a day and a month of one or two
# digits each ("9/2025" and "2024-2025" are no dates), or "ngày" and a number. The first digit
# comes first in the pattern, so the engine can skip to digits.
_NUMERIC_DATE_HINT = _rx(r"\d(?<!\d\d)\d?\s*[/.\-]\s*\d{1,2}(?!\d)")
_WORDED_DATE_HINT = _rx(r"\bngay\s+\d")
_REFERENCE_HINT = _rx(r"\d\s*[-/]\s*[a-z]")
CONTINUOUS_HINTS = ("thuong xuyen", "lien tuc", "hang ngay", "moi ngay", "suot nam", "ca nam",
                    "trong nam hoc", "trong hoc ky")  # fmt: skip
LOOKALIKES = _rx(
    r"\bgiao duc thuong xuyen\b|\bgdnn\s*-\s*gdtx\b|\bgdtx\b|\bquy phu huynh\b"
    r"|\bquy dinh(?:\s+nam\s+\d{4})?"
)
CONTINUOUS = _rx(
    r"^(?:(?:thuong xuyen|lien tuc|hang ngay|moi ngay|(?:suot|ca) nam(?: hoc)?"
    r"|trong (?:suot |ca )?(?:nam hoc|nam|hoc ky|thang|quy))(?: nay| hien tai)?\b[ ,;.\-va&]*)+$"
)
FILLERS = _rx(
    r"\b(?:hoan thanh|thuc hien|trien khai|to chuc|du kien|thoi gian|thoi han|han chot|"
    r"han|xong|ket thuc|bat dau|va|nop|gui|bao cao)\b|[:;,.()\-–]"
)
# What makes an unread phrase an error rather than "no timeline": a number that looks like a
# date, a year, an hour or a period, or a word that names a period. The word patterns run only
# when one of their words is there.
DIGIT_SIGNALS = _rx(
    r"(?=[\dnqt])(?:\d{1,2}\s*[/.\-]\s*\d{1,2}|\b(?:19|20)\d{2}\b|\d+\s*(?:h|gio)\b"
    r"|\b(?:ngay|thang|quy|q|nam|tuan|t)\s*\d)"
)
WORD_SIGNALS = _rx(
    r"\bquy\s+(?:i|ii|iii|iv|v|vi)\b|\bnam hoc\b|\bhoc ky\b"
    r"|\bgiai doan\b|\bdinh ky\b|\b(?:hang|moi|tung)\s+(?:ngay|tuan|thang|quy|nam)\b"
    r"|\b(?:dau|giua|cuoi)\s+(?:nam|thang|quy|tuan)\b"
)
SIGNAL_WORDS = ("quy", "nam hoc", "hoc ky", "giai doan", "dinh ky", "hang ", "moi ", "tung ",
                "dau ", "giua ", "cuoi ")  # fmt: skip
BAD_QUARTER = _rx(r"\b(?:quy|q)\s*([ivxl]+|\d+)\s*(?:/|-|nam)\s*\d{2,4}\b")
STARTING = _rx(
    r"\btu\s+(?:nam\s+((?:19|20)\d{2})|(?:thang|t)\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})"
    r"|quy\s*(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(\d{4})"
    r"|(?:ngay\s+)?(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\7\s*(\d{4}))\b(?!.*\b(?:den|toi)\b)"
)


_NO_REPORT_DAYS = ReportDays()


# ---- the parser --------------------------------------------------------------------------


def parse_timeline(text: str, reference: date, report_days: ReportDays | None = None) -> Timeline:
    """Read one phrase; `reference` is the plan's date (year-less dates resolve from it).

    Raises TimelineError for an impossible date or a phrase that looks like a timeline but
    cannot be read; returns kind "none" for text that carries no timeline.
    """
    if len(text) > MAX_LENGTH:
        raise TimelineError(f"Cụm từ quá dài (hơn {MAX_LENGTH} ký tự)", text[:80])
    folded = fold(text)
    has_digit = _DIGIT.search(folded) is not None
    weekday = None
    work = folded
    if "thu " in folded or "chu nhat" in folded or "cn" in folded:
        weekday = _weekday_of(folded)
        work = WEEKDAY_RE.sub(" ", folded)
    if has_digit:
        if "," in folded and "thang" in folded and DATELINE.match(folded):
            return Timeline(text, "none", "dòng ngày tháng của văn bản, không phải thời hạn")
        if _REFERENCE_HINT.search(work):
            work = DOC_REFERENCE.sub(" ", work)
    if "qui" in work:
        work = _QUI.sub("quy", work)  # "Quí I/2025", "hàng quí": the older spelling
    if "q." in work:
        work = _Q_DOT.sub("quy ", work)  # "Q.I/2026"
    if "tro di" in work or "tu nam hoc" in work:
        # "Tháng 10/2025 trở đi" is "từ tháng 10/2025"; "(kể) từ năm học 2025-2026" that
        # school year and the ones after it.
        work = _ONWARD_MONTH.sub(r"tu \1", work)
        work = _FROM_SCHOOL_YEAR.sub(r"nam hoc \1 va cac nam hoc tiep theo", work)
    if "thang " in work and _may_name_a_month(work):
        work = _MONTH_WORD.sub(_month_number, work)  # "tháng Ba năm 2025", "tháng Mười"
    if "mung" in work or "mong" in work or "dau tien" in work or "cuoi cung cua quy" in work:
        # "ngày mùng 5", "tháng đầu tiên", "tháng cuối cùng của quý": said the short way.
        work = _SAID_LONG.sub(_said_short, work)
    if "xuyen" in work or "gdtx" in work or "phu huynh" in work or "quy dinh" in work:
        work = LOOKALIKES.sub(" ", work)
    ranged = False
    if has_digit:
        if ("-" in work or "–" in work) and "/" in work:
            dashed = _dashed_ranges(work)
            ranged, work = dashed is not work, dashed
        if "(" in work:
            work = _SPELLED.sub("", work)  # "ngày 06 (sáu) tháng 06 (sáu)": the digits say it
        if ("den" in work or "tinh" in work) and _AS_OF.match(work):
            # "Đến ngày 20/01/2025, đã nhận 30 hồ sơ": what stood on a day, not a deadline.
            return Timeline(text, "none", "số liệu tính đến một ngày, không phải thời hạn")
        if "so lieu" in work and (cut := _CUT_OFF.search(work)) is not None:
            # "Báo cáo (số liệu tính đến ngày 30/6/2025) gửi trước ngày 15/7/2025": the day the
            # figures run to is what is reported on, not when.
            work = work[: cut.start()] + " " + work[cut.end() :]
            if _DIGIT.search(work) is None:
                return Timeline(text, "none", "số liệu tính đến một ngày, không phải thời hạn")
        if work.startswith(_STAMP_STARTS) and _STAMP.match(work):
            # "Đăng lúc 10:25 05/03/2025", "Thời gian ký: …": when a page or a signature was made.
            return Timeline(
                text, "none", "dấu thời gian của trang hoặc chữ ký, không phải thời hạn"
            )
        if "ngay" in work and ("," in work or " va " in work) and _DAY_LIST.search(work):
            work, ranged = _DAY_LIST.sub(_day_list_range, work), True
        if "ngay" in work and "thang" in work and (" va " in work or "," in work):
            work = _SHARED_DAY.sub(_shared_day, work)
        if "ngay" in work and " va " in work:
            paired = _DAY_PAIR.sub(_day_pair, work)
            ranged, work = ranged or paired != work, paired
        if "tu " in work and (" den " in work or " toi " in work):
            work = _DAY_TO_DATE.sub(_day_to_date, work)
            work = _HOUR_TO_HOUR.sub(r"tu \1h \2 \3h", work)
        if "nh 2" in work or "nh2" in work:
            work = _SCHOOL_YEAR_SHORT.sub(r"nam hoc \1", work)
    ctx_warnings: list[str] = []
    if "tet" in work and ("truoc" in work or "dip" in work or "trong" in work or "nghi" in work):
        work = _tet(work, reference, ctx_warnings)
        has_digit = has_digit or work is not folded
    opening = summer = None
    if "khai giang" in work and "truoc" in work:
        work, opening = _school_opening(work, reference)
        has_digit = has_digit or opening is not None
    if ("nam hoc" in work or "hoc ky" in work) and ("dau" in work or "hoc ky" in work):
        said = _school_periods(work, ctx_warnings)
        has_digit, work = has_digit or said is not work, said
    if " he" in work and _mentions(work, _SUMMER_HINTS):
        work, summer = _summer(work, reference)
        has_digit = has_digit or summer is not None
    if has_digit and "truoc" in work and work.startswith("tu "):
        # "từ 9:00 ngày 15/09 trước 16:00 ngày 13/10": a window open until the second day.
        work = _FROM_UNTIL.sub(r"\1 den ", work, count=1)
    if work is not folded:  # something was cut out: tidy the spaces, look for digits again
        work = " ".join(work.split())
        has_digit = has_digit and _DIGIT.search(work) is not None
    # No date hint in the phrase: no date in it, nor in any part of it; both scans are spared.
    dated = has_digit and (
        _NUMERIC_DATE_HINT.search(work) is not None
        or ("ngay" in work and _WORDED_DATE_HINT.search(work) is not None)
    )
    ctx = _Context(text, work, reference, weekday, ctx_warnings, has_digit, dated, ranged)
    if opening is not None:
        ctx.warnings.append(
            f"Ngày khai giảng hiểu là {_fmt(opening)} (ngày khai giảng chung của cả nước); "
            "hãy kiểm tra"
        )
    if summer is not None:
        ctx.warnings.append(
            f"Kỳ nghỉ hè hiểu là {_fmt(summer[0])}–{_fmt(summer[1])} (sau khi kết thúc năm học, "
            "trước khai giảng); hãy kiểm tra"
        )
    if ctx.has_digit and "q" in work:
        bad = BAD_QUARTER.search(work)
        if bad and bad.group(1) not in ROMAN:
            raise TimelineError(f"Quý không hợp lệ: {bad.group(1).upper()}", text)
    days = report_days or _NO_REPORT_DAYS
    # Said from the period reported on: a few words tell, before any pattern runs.
    after = "ngay" in work and (
        (has_digit and _mentions(work, _AFTER_HINTS)) or "cuoi cung" in work
    )
    result = (
        (after and _after_period(ctx, days))
        or _recurring(ctx, days)
        or _event(ctx, days)
        or _window(ctx, days)
        or _starting(ctx, days)
        or _once(ctx, days)
        or (has_digit and ("ke tu" in work or "sau" in work) and _from_document(ctx))
        or _continuous(ctx, days)
    )
    if result is not None:
        if result.kind == "once" and ("thuong xuyen" in work or "lien tuc" in work):
            return _then_ongoing(result, reference)
        return result
    if "khi" in work or "ke tu" in work or "nhan" in work:
        if AT_RECEIPT.search(work) is not None:
            ctx.warnings.append(
                f"“Ngay khi nhận văn bản”: hạn hiểu là ngày của văn bản ({_fmt(reference)}); "
                "hãy kiểm tra"
            )
            return ctx.timeline(
                "once", f"ngay khi nhận văn bản (hạn {_fmt(reference)})", due=reference
            )
        if AFTER_UNDATED.search(work) is not None:
            # "Sau khi có kết quả thi", "01 tuần sau khi kết thúc hội nghị": when that is, the
            # phrase does not say — asked for, never read as "no deadline".
            raise TimelineError(
                f"Thời hạn tính từ một việc không ghi ngày ({text.strip()!r}): hãy ghi ngày cụ thể",
                text,
            )
    if has_digit and "tuan" in work and (week := _SCHOOL_WEEK.search(work)) is not None:
        # "Tuần thứ 10 năm học", "tuần 35": weeks counted by the province's school calendar.
        raise TimelineError(
            f"Tuần {week.group(1)} của năm học tính theo khung thời gian năm học của địa phương: "
            f"hãy ghi ngày cụ thể ({text.strip()!r})",
            text,
        )
    if (has_digit and DIGIT_SIGNALS.search(work)) or _has_word_signal(work):
        raise TimelineError(f"Không đọc được thời hạn: {text.strip()!r}", text)
    return Timeline(text, "none", "không có thời hạn")


def _then_ongoing(once: Timeline, reference: date) -> Timeline:
    """ "Hoàn thành trong tháng 3/2024 và thường xuyên": a one-off that has passed leaves the
    ongoing work; one still ahead stays the deadline, said to go on after."""
    due = once.due
    if due is not None and due < reference:
        rule = f"thường xuyên (hạn {_fmt(due)} đã qua; không có hạn; nhắc theo chu kỳ)"
        return Timeline(once.text, "continuous", rule)
    return replace(once, rule=f"{once.rule}, sau đó thường xuyên", warnings=())


_STAMP_STARTS = ("ngay", "dang", "cap nhat", "in ", "xuat ban", "ky", "thoi gian", "gio ")
_STAMP = _rx(
    r"^(?:ngay\s+)?(?:dang|cap nhat|in|xuat ban|ky)(?:\s+(?:luc|ngay|vao))?\s*:?\s*\d"
    r"|^(?:thoi gian|ngay|gio) (?:ky|dang|cap nhat|in)\b"
)
_CUT_OFF = _rx(
    r"\bso lieu\s+(?:bao cao\s+)?(?:duoc\s+)?(?:tinh|chot|lay)\s+(?:den|toi)\s+(?:het\s+)?"
    r"(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?"
)
_AS_OF = _rx(
    r"^(?:tinh\s+)?(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?"
    r"(?:\s*,\s*|\s+(?=(?:da|co|chi|moi|toan|tong|so|cac)\b))(?=\S)"
    r"(?!.*\b(?:truoc|cham nhat|han|can|phai)\b)"
)
# "các ngày 26, 27, 28/6/2025", "ngày 5 và 6/9/2025": from the first day to the last.
_DAY_LIST = _rx(
    r"\bngay\s+(\d{1,2})((?:\s*,\s*\d{1,2})*)\s*(?:,|va)\s*(\d{1,2})\s*/\s*(\d{1,2})"
    r"(\s*/\s*\d{2,4})?(?![\d/])"
)


# "trước ngày 20 tháng 6 và tháng 12 hằng năm", "ngày 15 các tháng 3, 6, 9 và 12": one day of
# several months, said once.
_SHARED_DAY = _rx(
    r"\bngay\s+(\d{1,2})\s+(?:cua\s+)?(?:cac\s+)?thang\s+(\d{1,2})"
    r"((?:\s*(?:,|va)\s*(?:thang\s+)?\d{1,2}\b(?!\s*(?:/|-|thang\b)))+)"
)


def _shared_day(match: re.Match[str]) -> str:
    # "ngày 20 tháng 6 và 12": a day of a month is said before it ("ngày 12 và 20 tháng 6"),
    # so a number after the month is another month.
    months = [match.group(2), *re.findall(r"\d{1,2}", match.group(3))]
    return " va ".join(f"ngay {match.group(1)}/{month}" for month in months)


# What takes place on a day: an exam, a conference, an opening… (one list for both readings).
_HAPPENINGS = (
    r"ky thi|tuu truong|khai giang|be giang|hoi nghi|hoi thao|khai mac|hop mat|mit tinh"
    r"|be mac|trao giai|hoi thi|hoi giang|cuoc thi|ngay hoi|tap huan|giao luu|tuyen duong"
)
_HAPPENING_NAMED = _rx(r"\b(?:" + _HAPPENINGS + r")\b")
_BEFORE_HAPPENING = _rx(
    r"\btruoc\s+(?:khi\s+)?(?:(?:to chuc|dien ra|bat dau)\s+)?(?:" + _HAPPENINGS + r"|le|dot thi)\b"
)
_QUI = _rx(r"\bqui\b")
_MONTH_WORDS = {
    "gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12,
}  # fmt: skip
# A month said in words, where the words cannot mean anything else: with its year after it,
# or after "ngày N" ("ngày 10 tháng Mười"; there "sau", "năm", "tư" stay words: "tháng sau"
# is next month). Never after a count ("6 tháng năm 2025" is a half-year).
_MONTH_WORD = _rx(
    r"(?:(?<=ngay \d )|(?<=ngay \d\d ))"
    r"thang\s+(muoi mot|muoi hai|gieng|mot|hai|ba|bon|bay|tam|chin|muoi|chap)\b"
    r"|(?<!\d )\bthang\s+(muoi mot|muoi hai|gieng|mot|hai|ba|tu|bon|nam|sau|bay|tam|chin|muoi|chap)"
    r"\b(?=\s*(?:/|nam\s+)?\s*(?:19|20)\d{2}\b)"
    r"|(?:(?<=ngay \d )|(?<=ngay \d\d ))thang\s+(tu|nam|sau)\b(?=\s*(?:nam\s+)?(?:19|20)\d{2}\b)"
)


def _may_name_a_month(work: str) -> bool:
    """Whether a word, not a number, follows some "tháng ": most phrases spare the pattern."""
    at = work.find("thang ")
    while at >= 0:
        if work[at + 6 : at + 7] in _MONTH_INITIALS:
            return True
        at = work.find("thang ", at + 6)
    return False


_MONTH_INITIALS = frozenset("gmhbtnsc")


def _month_number(match: re.Match[str]) -> str:
    return f"thang {_MONTH_WORDS[match.group(1) or match.group(2) or match.group(3)]}"


_SAID_LONG = _rx(r"\bngay\s+(?:mung|mong)\s+(?=\d)|\bdau tien\b|\bthang cuoi cung cua quy\b")
_SAID_SHORT = {"dau tien": "dau", "thang cuoi cung cua quy": "thang cuoi quy"}


def _said_short(match: re.Match[str]) -> str:
    return _SAID_SHORT.get(match.group(0), "ngay ")


# "từ ngày 15 đến ngày 20/3/2025", "từ 5 đến 7 tháng 6 năm 2025": the first day shares the
# second's month and year.
_DAY_TO_DATE = _rx(
    r"\btu\s+(?:ngay\s+)?(\d{1,2})\s+(den|toi)\s+(?:het\s+)?(?:ngay\s+)?(\d{1,2})"
    r"(?:\s*/\s*|\s+thang\s+)(\d{1,2})(?:(?:\s*/\s*|\s*,?\s+nam\s+)(\d{2,4}))?(?![\d/])"
)
# "ngày 5 tháng 6 và 7 tháng 6 năm 2025", "ngày 30/4 và 1/5/2025": two days, each with its
# month, the year said once: from the first to the second.
_DAY_PAIR = _rx(
    r"(?<!truoc )\bngay\s+(\d{1,2})(?:\s*/\s*|\s+thang\s+)(\d{1,2})\s+va\s+(?:ngay\s+)?(\d{1,2})"
    r"(?:\s*/\s*|\s+thang\s+)(\d{1,2})(?:(?:\s*/\s*|\s*,?\s+nam\s+)(\d{4}))?(?![\d/])"
    r"(?!\s*(?:hang|moi|tung|cac)\s)"  # "15/6 và 15/12 hằng năm": two days of each year
)


# "từ 8 đến 10 giờ": the first hour shares the second's unit.
_HOUR_TO_HOUR = _rx(r"\btu\s+(\d{1,2})\s+(den|toi)\s+(\d{1,2})\s*(?:gio|h)\b")


def _day_to_date(match: re.Match[str]) -> str:
    first, word, last, month, year = match.groups()
    year = f"/{year}" if year else ""
    return f"tu ngay {first}/{month}{year} {word} {last}/{month}{year}"


def _day_pair(match: re.Match[str]) -> str:
    day, month, last_day, last_month, year = match.groups()
    if (int(month), int(day)) >= (int(last_month), int(last_day)):
        return match.group(0)  # not one span: read as written
    year = f"/{year}" if year else ""
    return f"tu ngay {day}/{month}{year} den ngay {last_day}/{last_month}{year}"


def _day_list_range(match: re.Match[str]) -> str:
    year = (match.group(5) or "").replace(" ", "")
    month = match.group(4)
    return f"tu ngay {match.group(1)}/{month}{year} den ngay {match.group(3)}/{month}{year}"


_SCHOOL_YEAR_SHORT = _rx(r"\bnh\s*((?:19|20)\d{2}\s*[-–/]\s*(?:19|20)?\d{2})\b")
_STEMS = ("giap", "at", "binh", "dinh", "mau", "ky", "canh", "tan", "nham", "quy")
_BRANCHES = ("ty", "suu", "dan", "mao", "thin", "ty", "ngo", "mui", "than", "dau", "tuat", "hoi")
_TET = _rx(
    r"\btruoc\s+(?:ky nghi\s+|dip\s+)?tet\b(?!\s+(?:duong lich|tay)\b)"
    r"(?:\s+(?:nguyen dan|am lich|co truyen))?"
    r"(?:\s+(?:nam\s+)?("
    + "|".join(_STEMS)
    + r")\s+("
    + "|".join(sorted(set(_BRANCHES)))
    + r")\b)?"
    r"(?:\s+(?:nam\s+)?(\d{4}))?"
)


_TET_SEASON = _rx(
    r"\b(?:(?:trong\s+)?(?:dip|ky nghi)|truoc\s*,\s*trong\s+va\s+sau)\s+tet\b"
    r"(?!\s+(?:duong lich|tay)\b)(?:\s+(?:nguyen dan|am lich|co truyen))?"
    r"(?:\s+(?:nam\s+)?("
    + "|".join(_STEMS)
    + r")\s+("
    + "|".join(sorted(set(_BRANCHES)))
    + r")\b)?(?:\s+(?:nam\s+)?(\d{4}))?"
)


def _year_named(stem: str, branch: str, reference: date) -> int | None:
    """The first year from the reference's on whose lunar name is "Bính Ngọ", "Ất Tỵ"…: the
    stems run in tens and the branches in twelves from 4 CE (Giáp Tý); folded, "Tý" and "Tỵ"
    are one word, and the stem's parity tells them apart."""
    for year in range(reference.year - 1, reference.year + 60):
        if _STEMS[(year - 4) % 10] == stem and _BRANCHES[(year - 4) % 12] == branch:
            return year
    return None


# "Trước Tết Dương lịch 2026": the first of January, not the lunar new year.
_NEW_YEAR = _rx(r"\btruoc\s+(?:dip\s+)?tet\s+(?:duong lich|tay)\b(?:\s+(?:nam\s+)?(\d{4}))?")
# "Trong kỳ nghỉ hè 2025", "trước dịp hè": the school summer, after the year ends (31/05) and
# before the next opens (SCHOOL_OPENING); said without its year, the next one not yet over.
_SUMMER = _rx(
    r"\b(truoc\s+)?(?:(?:ky|dip|thoi gian|trong|vao)\s+)?"
    r"(?:(?:nghi|dip|mua|ky)\s+he\b|(?<=trong )he\b(?=\s*(?:$|[,.;:()-]|nam\b|\d{4}))"
    r"|(?<=vao )he\b(?=\s*(?:$|[,.;:()-]|nam\b|\d{4})))"
    r"(?:\s+(?:nam\s+)?(\d{4})\b)?"
)
_SUMMER_HINTS = ("nghi he", "dip he", "mua he", "ky he", "trong he", "vao he")
SUMMER = ((1, 6), (31, 8))  # (day, month) it starts and ends
_BEFORE_OPENING = _rx(
    r"\btruoc\s+(?:ngay\s+|le\s+)?khai giang\b(?:\s+nam hoc(?:\s+moi)?)?"
    r"(?:\s+((?:19|20)\d{2})\s*[-–/]\s*(?:(?:19|20)?\d{2}))?"
)
SCHOOL_OPENING = (5, 9)  # day, month: the opening of the school year across the country


def _school_opening(work: str, reference: date) -> tuple[str, date | None]:
    """ "Trước khai giảng năm học 2025-2026": before the country's opening day of that year."""
    match = _BEFORE_OPENING.search(work)
    if match is None:
        return work, None
    day, month = SCHOOL_OPENING
    if match.group(1):
        opening = date(int(match.group(1)), month, day)
    else:
        opening = _next_on_or_after(day, month, reference)
    said = f"truoc ngay {opening.day}/{opening.month}/{opening.year}"
    return work[: match.start()] + said + work[match.end() :], opening


_SCHOOL_WEEK = _rx(r"\btuan\s+(?:thu\s+|hoc\s+)?(\d{1,2})\b(?!\s*(?:cua\s+)?thang)")
_SCHOOL_YEARS_SPAN = _rx(
    r"\bnam hoc\s*((?:19|20)\d{2})\s*[-–]\s*(?:19|20)?\d{2}\s*(?:den|toi|[-–])\s*(?:het\s+)?"
    r"nam hoc\s*((?:19|20)\d{2})\s*[-–]\s*(?:19|20)?\d{2}\b"
)
_ONWARD_MONTH = _rx(r"(?<!tu )\b(thang\s+\d{1,2}\s*(?:/|nam)\s*\d{4})\s+tro di\b")
_FROM_SCHOOL_YEAR = _rx(
    r"\b(?:ke\s+)?tu\s+nam hoc\s+((?:19|20)\d{2}\s*[-–]\s*(?:19|20)?\d{2})\b"
    r"(?!\s*(?:den|toi|[-–])\s)"
)
_Q_DOT = _rx(r"\bq\.\s*(?=(?:iv|iii|ii|i|[1-4])\b)")
# "Đầu (mỗi) năm học": September; "cuối mỗi học kỳ", "hằng học kỳ": each term's end.
_SCHOOL_YEAR_START = _rx(
    r"\b(?:vao |trong )?dau\s+(moi |hang |cac |tung )?nam hoc\b(?:\s+(\d{4})\s*-\s*\d{4}\b)?"
)
_EVERY_TERM = _rx(r"\b(?:cuoi\s+)?(?:moi|hang|tung|cac)\s+hoc ky\b(?!\s*(?:ii|i|2|1)\b)")


def _school_periods(work: str, warnings: list[str]) -> str:
    start = _SCHOOL_YEAR_START.search(work) if "dau" in work else None
    if start is not None:
        month = SCHOOL_YEAR_START[1]
        if start.group(1):
            said = f"thang {month} hang nam"
        else:
            said = f"thang {month}" + (f"/{start.group(2)}" if start.group(2) else "")
        warnings.append(f"Đầu năm học hiểu là tháng {month} (hạn cuối tháng); hãy kiểm tra")
        return work[: start.start()] + said + work[start.end() :]
    term = _EVERY_TERM.search(work) if "hoc ky" in work else None
    if term is not None:
        one, year = TERM_ONE_END, SCHOOL_YEAR_END
        warnings.append(
            f"Mỗi học kỳ hiểu là hạn {one[0]:02d}/{one[1]:02d} (học kỳ I) và "
            f"{year[0]:02d}/{year[1]:02d} (học kỳ II); hãy kiểm tra"
        )
        said = f"ngay {one[0]}/{one[1]} va {year[0]}/{year[1]} hang nam"
        return work[: term.start()] + said + work[term.end() :]
    return work


def _summer(work: str, reference: date) -> tuple[str, tuple[date, date] | None]:
    """ "Trong kỳ nghỉ hè 2025": a window over the summer; "trước kỳ nghỉ hè": before it."""
    match = _SUMMER.search(work)
    if match is None:
        return work, None
    (first_day, first_month), (last_day, last_month) = SUMMER
    if match.group(2):
        year = int(match.group(2))
    else:
        year = reference.year + (reference > date(reference.year, last_month, last_day))
    start, end = date(year, first_month, first_day), date(year, last_month, last_day)
    if match.group(1):
        said = f"truoc ngay {start.day}/{start.month}/{year}"
    else:
        said = f"tu ngay {start.day}/{start.month}/{year} den ngay {end.day}/{end.month}/{year}"
    return work[: match.start()] + said + work[match.end() :], (start, end)


def _tet(work: str, reference: date, warnings: list[str]) -> str:
    """Tết Nguyên đán is lunar: its day comes from the holiday calendar, then reads as a date.
    Tết Dương lịch is the first of January."""
    western = _NEW_YEAR.search(work)
    if western is not None:
        year = int(western.group(1)) if western.group(1) else reference.year + 1
        said = f"truoc ngay 1/1/{year}"
        return work[: western.start()] + said + work[western.end() :]
    match = _TET.search(work)
    season = _TET_SEASON.search(work) if match is None else None
    if match is None and season is None:
        return work
    if season is not None:
        # "Dịp Tết Nguyên đán Bính Ngọ 2026", "trước, trong và sau Tết": the Tết holiday.
        year = _tet_year(season.group(1), season.group(2), season.group(3), reference)
        days = [d for d, name in _public_holidays(year).items() if "Lunar New Year" in name]
        first, last = min(days), max(days)
        warnings.append(f"Dịp Tết hiểu là kỳ nghỉ Tết {_fmt(first)}–{_fmt(last)}; hãy kiểm tra")
        said = (f"tu ngay {first.day}/{first.month}/{first.year} "
                f"den ngay {last.day}/{last.month}/{last.year}")  # fmt: skip
        return work[: season.start()] + said + work[season.end() :]
    day = _lunar_new_year(_tet_year(match.group(1), match.group(2), match.group(3), reference))
    said = f"truoc ngay {day.day}/{day.month}/{day.year}"
    return work[: match.start()] + said + work[match.end() :]


def _tet_year(stem: str | None, branch: str | None, raw_year: str | None, reference: date) -> int:
    """The (solar) year whose Tết is meant: said, named ("Bính Ngọ"), or the next one."""
    named = _year_named(stem, branch, reference) if stem and branch else None
    if raw_year:
        return int(raw_year)
    if named is not None:
        return named  # one just past stays: the plan's date warns of it
    year = reference.year
    return year + 1 if _lunar_new_year(year) < reference else year


WEEK_OF_MONTH = _rx(
    r"\btuan\s+(?:thu\s+)?(dau|cuoi cung|cuoi|nhat|hai|ba|tu|nam|[1-5])\s+(?:cua\s+)?"
    r"thang\s+(\d{1,2})\b(?:\s*(?:/|nam)\s*(\d{4}|\d{2})\b)?"
)
_DATE_OR_YEAR = _rx(r"\d{4}|\d{1,2}\s*/\s*\d{1,2}")

# ---- due after the period reported on ----------------------------------------------------

_PERIOD = r"(thang|quy|(?:0?6|sau) thang|nua nam|nam)"
_AFTER_END = _rx(
    r"\b(\d{1,2})\s+ngay\s+(?:lam viec\s+)?(?:ke tu|sau)(?:\s+khi)?\s+(?:ngay\s+)?"
    r"(?:ket thuc|het)\s+(?:ky\s+bao\s+cao\s+)?" + _PERIOD + r"\b"
    r"|\bsau\s+khi\s+(?:ket thuc|het)\s+" + _PERIOD + r"(?:\s+bao\s+cao)?\s+(\d{1,2})\s+ngay\b"
)
_NEXT_MONTH_DAY = _rx(
    r"\bngay\s+(\d{1,2})\s+(?:cua\s+)?thang\s+(?:sau|ke tiep|tiep theo|lien ke)\b"
)
_NEXT_QUARTER_DAY = _rx(
    r"\bngay\s+(\d{1,2})\s+(?:cua\s+)?thang\s+(dau|giua|cuoi)\s+(?:cua\s+)?"
    r"quy\s+(?:sau|ke tiep|tiep theo|lien ke)\b"
)
_NEXT_YEAR_DATE = _rx(
    r"\bngay\s+(\d{1,2})\s*(?:/|\s+thang\s+)\s*(\d{1,2})\s+(?:cua\s+)?"
    r"nam\s+(?:sau|ke tiep|tiep theo|lien ke)\b"
)
_LAST_WORKING = _rx(
    r"\bngay\s+(lam\s+viec\s+)?cuoi\s+cung\s+(?:cua\s+|trong\s+)?(?:moi\s+|hang\s+|tung\s+)?"
    r"(thang|quy|nam)\b(?!\s*\d)"
)
_FIRST_MONTH_OF = _rx(r"\s+(?:dau tien|dau|thu nhat)\s+(?:cua\s+)?(nam|quy)\b")
_NEXT = ("sau", "ke tiep", "tiep theo", "lien ke")
_NEXT_YEAR_WORDS = tuple(f"nam {word}" for word in _NEXT)
_NEXT_QUARTER_WORDS = tuple(f"quy {word}" for word in _NEXT)
_NEXT_MONTH_WORDS = tuple(f"thang {word}" for word in _NEXT)
_AFTER_HINTS = ("sau", "ket thuc", "het ", "ke tiep", "tiep theo", "lien ke", "cuoi cung")
_REPORT_FREQ = _rx(
    r"\b(?:bao cao|ky)\s+(?:dinh ky\s+)?(?:(quy)|(?:0?6|sau) thang|nua nam|(nam)|(thang))\b"
)
PERIOD_VI = {"monthly": "tháng", "quarterly": "quý", "half_yearly": "6 tháng", "yearly": "năm"}


def _period_freq(word: str) -> Freq:
    if word == "thang":
        return "monthly"
    if word == "quy":
        return "quarterly"
    if word == "nam":
        return "yearly"
    return "half_yearly"


def _reported_freq(work: str, default: Freq) -> Freq:
    """The period a report covers, from its name ("báo cáo quý") or its cycle word."""
    match = _REPORT_FREQ.search(work) if "bao cao" in work or "ky " in work else None
    if match:
        if match.group(1):
            return "quarterly"
        if match.group(2):
            return "yearly"
        if match.group(3):
            return "monthly"
        return "half_yearly"
    found = _frequency(work)
    return found if found in PERIOD_VI else default


def _after(freq: Freq, day: int, lag: int, exclusive: bool, which: int = 3) -> Recurrence:
    if freq in ("monthly", "quarterly"):
        return Recurrence(freq, (), day, which, exclusive=exclusive, lag=lag)
    anchors = ((day, 6), (day, 12)) if freq == "half_yearly" else ((day, 12),)
    return Recurrence(freq, anchors, exclusive=exclusive, lag=lag)


def _after_period(ctx: _Context, days: ReportDays) -> Timeline | None:
    """Deadlines said from the period reported on: "15 ngày kể từ ngày kết thúc quý", "ngày 12
    tháng sau tháng báo cáo", "trước ngày 10/01 của năm liền kề năm báo cáo", "ngày làm việc
    cuối cùng của tháng"."""
    work = ctx.work
    match = _LAST_WORKING.search(work) if "cuoi cung" in work else None
    if match:
        freq = _period_freq(match.group(2))
        working = match.group(1) is not None
        which = "ngày làm việc cuối cùng" if working else "ngày cuối cùng"
        # "… của tháng đầu tiên (của) năm tiếp theo / quý sau": January, the quarter's first.
        first = _FIRST_MONTH_OF.match(work, match.end()) if freq == "monthly" else None
        if first:
            freq = _period_freq(first.group(1))
            anchors = ((31, 1),) if freq == "yearly" else ()
            rec = Recurrence(freq, anchors, 31, 1, last_working=working)
            rule = f"{LABELS[freq]}, {which} của tháng đầu {PERIOD_VI[freq]} sau"
            return ctx.timeline("recurring", rule, recurrence=rec)
        anchors = ((31, 12),) if freq == "yearly" else ()
        rec = Recurrence(freq, anchors, 31, 3, last_working=working)
        rule = f"{LABELS[freq]}, {which} của {PERIOD_VI[freq]}"
        return ctx.timeline("recurring", rule, recurrence=rec)
    if not ctx.has_digit:
        return None
    match = (
        _AFTER_END.search(work)
        if ("ket thuc" in work or "het " in work) and ("ke tu" in work or "sau" in work)
        else None
    )
    if match:
        count = int(match.group(1) or match.group(4))
        freq = _period_freq(match.group(2) or match.group(3))
        if not 1 <= count <= 31:
            raise TimelineError(f"Số ngày không hợp lệ: {count}", ctx.text)
        rule = (f"{LABELS[freq]}, hạn {count} ngày sau khi kết thúc {PERIOD_VI[freq]} "
                f"(ngày {count} tháng sau)")  # fmt: skip
        rec = _after(freq, count, 1, False)
        return ctx.timeline("recurring", rule, recurrence=rec)
    if _mentions(work, _NEXT_YEAR_WORDS):
        match = _NEXT_YEAR_DATE.search(work)
        if match:
            day, month = int(match.group(1)), int(match.group(2))
            _checked_date(2024, month, day, ctx.text)
            exclusive = _is_exclusive(work, match.start())
            rec = Recurrence("yearly", ((day, month),), exclusive=exclusive, lag=12)
            prefix = "trước ngày" if exclusive else "hạn"
            rule = f"hằng năm, {prefix} {day:02d}/{month:02d} năm sau năm báo cáo"
            return ctx.timeline("recurring", rule, inclusive=not exclusive, recurrence=rec)
    if _mentions(work, _NEXT_QUARTER_WORDS):
        match = _NEXT_QUARTER_DAY.search(work)
        if match:
            day = int(match.group(1))
            which = {"dau": 1, "giua": 2, "cuoi": 3}[match.group(2)]
            exclusive = _is_exclusive(work, match.start())
            rec = Recurrence("quarterly", (), day, which, exclusive=exclusive, lag=3)
            prefix = "trước ngày" if exclusive else "ngày"
            place = ("đầu", "giữa", "cuối")[which - 1]
            rule = f"hằng quý, {prefix} {day} tháng {place} quý sau quý báo cáo"
            return ctx.timeline("recurring", rule, inclusive=not exclusive, recurrence=rec)
    match = _NEXT_MONTH_DAY.search(work) if _mentions(work, _NEXT_MONTH_WORDS) else None
    if match:
        day = int(match.group(1))
        if not 1 <= day <= 31:
            raise TimelineError(f"Ngày không hợp lệ: {day}", ctx.text)
        freq = _reported_freq(work, "monthly")
        exclusive = _is_exclusive(work, match.start())
        prefix = "trước ngày" if exclusive else "ngày"
        rule = f"{LABELS[freq]}, {prefix} {day} tháng sau khi kết thúc {PERIOD_VI[freq]}"
        rec = _after(freq, day, 1, exclusive)
        return ctx.timeline("recurring", rule, inclusive=not exclusive, recurrence=rec)
    return None


# Ranges written with a dash, as calendars write them: "04/08/2025-27/08/2025",
# "27-28/08/2025", "15/9-28/12/2025". Said in words, the window grammar reads them.
_DATE_DASH_DATE = _rx(
    r"(\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?)\s*[-–]\s*(?=\d{1,2}\s*/\s*\d{1,2}\s*/)"
)
_DAY_DASH_DATE = _rx(
    r"(?<![\d/])(\d{1,2})\s*[-–]\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{2,4}))?(?![\d/])"
)


def _day_dash_date(match: re.Match[str]) -> str:
    """ "15-20/3/2025", "15-20/3": from the first day to the second of that month."""
    first, last, month, year = match.groups()
    if not int(first) < int(last) <= 31 or not 1 <= int(month) <= 12:
        return match.group(0)
    tail = f"/{month}/{year}" if year else f"/{month}"
    return f"tu {first}{tail} den {last}{tail}"


_NUMBER_WORD = r"(?:khong|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|muoi|linh|le|mot)"
_SPELLED = _rx(r"(?<=\d)\s*\(\s*" + _NUMBER_WORD + r"(?:\s+" + _NUMBER_WORD + r"){0,3}\s*\)")
_FROM_UNTIL = _rx(r"(\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?)\s+truoc\s+")


def _dashed_ranges(work: str) -> str:
    changed = _DAY_DASH_DATE.sub(_day_dash_date, work)
    changed = _DATE_DASH_DATE.sub(r"tu \1 den ", changed)
    return work if changed == work else changed.replace("tu tu ", "tu ")


@dataclass(slots=True)
class _Context:
    text: str
    work: str
    reference: date
    weekday: int | None
    warnings: list[str]
    has_digit: bool = True
    dated: bool = True
    ranged: bool = False  # a range was written as days ("26, 27, 28/6", "27-28/8")
    full: list[tuple[re.Match[str], date]] | None = None  # computed once, read by every reader
    short: list[tuple[re.Match[str], int, int]] | None = None

    def timeline(
        self,
        kind: Kind,
        rule: str,
        due: date | None = None,
        inclusive: bool = True,
        start: date | datetime | None = None,
        end: date | datetime | None = None,
        recurrence: Recurrence | None = None,
    ) -> Timeline:
        warnings = tuple(self.warnings) if self.warnings else ()
        return Timeline(self.text, kind, rule, due, inclusive, start, end, recurrence, warnings)

    def warn_weekday(self, day: date) -> None:
        if self.weekday is not None and day.weekday() != self.weekday:
            self.warnings.append(
                f"Ngày {_fmt(day)} là {WEEKDAYS_VI[day.weekday()]}, "
                f"không phải {WEEKDAYS_VI[self.weekday]}"
            )

    def warn_before_reference(self, stated: date, due: date, had_year: bool) -> None:
        if due >= self.reference:
            return
        message = f"Hạn {_fmt(due)} trước ngày của kế hoạch ({_fmt(self.reference)})"
        if had_year:
            suggestion = _same_day_from(stated, self.reference)
            message += f"; có lẽ là {_fmt(suggestion)}?"
        self.warnings.append(message)


def _same_day_from(stated: date, reference: date) -> date:
    """The same day and month, on or after the reference: the likely meaning of a year typo."""
    for year in (reference.year, reference.year + 1):
        try:
            candidate = stated.replace(year=year)
        except ValueError:  # 29/02
            candidate = _month_end(year, stated.month)
        if candidate >= reference:
            return candidate
    return stated


def _full_dates(ctx: _Context) -> list[tuple[re.Match[str], date]]:
    if ctx.full is not None:
        return ctx.full
    found: list[tuple[re.Match[str], date]] = []
    if not ctx.dated:
        ctx.full = found
        return found
    for match in FULL_DATE.finditer(ctx.work):
        g = match.groups()
        if g[0] is not None:
            day, month, year = int(g[0]), int(g[2]), _year(g[3])
        elif g[4] is not None:
            year, month, day = int(g[4]), int(g[5]), int(g[6])
        else:
            day, month, year = int(g[7]), int(g[8]), int(g[9])
        found.append((match, _checked_date(year, month, day, ctx.text)))
    ctx.full = found
    return found


def _short_dates(ctx: _Context, text: str | None = None) -> list[tuple[re.Match[str], int, int]]:
    if text is None and ctx.short is not None:
        return ctx.short
    found: list[tuple[re.Match[str], int, int]] = []
    if not ctx.dated:
        return found
    for match in SHORT_DATE.finditer(text if text is not None else ctx.work):
        g = match.groups()
        day, month = (int(g[0]), int(g[1])) if g[0] is not None else (int(g[2]), int(g[3]))
        _checked_date(2024, month, day, ctx.text)  # a leap year: 29/02 is a real day
        found.append((match, day, month))
    if text is None:
        ctx.short = found
    return found


def _next_on_or_after(day: int, month: int, reference: date) -> date:
    for year in range(reference.year, reference.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= reference:
            return candidate
    raise AssertionError("unreachable: every day/month recurs within 8 years")


def _is_exclusive(work: str, start: int) -> bool:
    """ "trước (ngày) X", also "chậm nhất trước ngày X": the stated day itself is too late."""
    before = work[:start].rstrip()
    if before.endswith("ngay"):
        before = before[:-4]
    return _ends_with_truoc(before)


# ---- recurring ---------------------------------------------------------------------------


def _recurring(ctx: _Context, days: ReportDays) -> Timeline | None:
    work = ctx.work
    if not _may_recur(work):
        return None
    freq = _frequency(work)
    if freq is None:
        return None
    if ctx.has_digit and (work.count("ngay ") > 1 or ";" in work or " va " in work):
        other = _second_cycle(work, freq)
        if other is not None:
            # "Hằng tháng (ngày 25) và hằng quý (ngày 20 tháng cuối quý)": two reports, each
            # with its day; the finest is read, the other must not vanish unsaid.
            ctx.warnings.append(
                f"Cụm từ nêu hai chu kỳ ({LABELS[freq]}, {LABELS[other]}), mỗi chu kỳ một "
                f"ngày; chỉ đọc {LABELS[freq]}: hãy tách thành hai nhiệm vụ"
            )
    if (
        not ctx.has_digit
        and ("thuong xuyen" in work or "lien tuc" in work)
        and ("bao cao" not in work)
    ):
        # "Thường xuyên; hằng năm": the work goes on all year; no day to report on.
        rule = f"thường xuyên, {LABELS[freq]} (không có hạn; nhắc theo chu kỳ)"
        return ctx.timeline("continuous", rule)
    start_year = end_year = None
    years = _year_range(work)
    if years and freq == "school_yearly":
        # "Năm học 2024-2025 và các năm học tiếp theo": from that school year's end on.
        start_year = _range_end(years)
        work = work[: years.start()] + " " + work[years.end() :]
    elif years:
        start_year, end_year = int(years.group(1)), _range_end(years)
        if ONWARD.search(work):
            end_year = None
        elif end_year < start_year:
            ctx.warnings.append(f"Khoảng năm {start_year}-{end_year} kết thúc trước khi bắt đầu")
        work = work[: years.start()] + " " + work[years.end() :]
    anchors: list[tuple[int, int]] = []
    exclusive = False
    for match, stated in _full_dates(ctx):
        anchors.append((stated.day, stated.month))
        start_year = stated.year if start_year is None else min(start_year, stated.year)
        exclusive = exclusive or _is_exclusive(ctx.work, match.start())
        work = work.replace(match.group(0), " ")
    for match, day, month in _short_dates(ctx, None if work is ctx.work else work):
        anchors.append((day, month))
        exclusive = exclusive or _is_exclusive(work, match.start())
    opened = None
    if (
        len(anchors) == 2
        and ("den" in work or "toi" in work)
        and not _full_dates(ctx)  # days with their years are one period's, not every year's
        and _DAYS_SPAN.search(ctx.work)
    ):
        # "Từ 01/9 đến 15/9 hằng năm": open from the first day, due by the last.
        opened, anchors = anchors[0], anchors[1:]
    if freq == "yearly" and not anchors:
        # "Tháng 8 hằng năm", "Quý IV hằng năm": the end of that month or quarter each year.
        # "Quý I/2026 và các năm tiếp theo": that quarter each year, from that year.
        onward = ONWARD.search(work) is not None
        for month in MONTH.finditer(work) if ctx.has_digit else ():
            said_year = month.group(2) or month.group(4)
            if said_year and not onward:
                continue
            number = int(month.group(1) or month.group(3))
            if not 1 <= number <= 12:
                raise TimelineError(f"Tháng không hợp lệ: {number}", ctx.text)
            anchors.append((_MONTH_DAYS[number - 1], number))
            if said_year and start_year is None:
                start_year = _year(said_year)
        if not anchors and "q" in work:
            for quarter in QUARTER.finditer(work):
                if quarter.group(2) and not onward:
                    continue
                month_end = 3 * ROMAN[quarter.group(1)]
                anchors.append((_MONTH_DAYS[month_end - 1], month_end))
                if quarter.group(2) and start_year is None:
                    start_year = _year(quarter.group(2))
    if start_year is None and ctx.has_digit:
        single = YEAR.search(work)
        if single:
            start_year = int(single.group(1))

    label = LABELS[freq]
    prefix = "trước ngày" if exclusive else "hạn"
    day_of_month: int | None = None
    which = 3
    weekday = 4
    week_of_month = 0
    if freq in DEFAULT_ANCHORS:
        if not anchors:
            configured = days.yearly if freq == "yearly" else days.half_yearly
            if freq != "school_yearly" and configured:
                anchors = list(configured)
                prefix = "hạn (ngày báo cáo đã cấu hình)"
        if len(anchors) > 1:
            anchors = sorted(set(anchors), key=_month_first)
        when = _and(["%02d/%02d" % anchor for anchor in anchors or DEFAULT_ANCHORS[freq]])  # noqa: UP031
        rule = f"{label}, {prefix} {when}" if anchors else f"{label}, hạn cuối kỳ ({when})"
    elif freq == "monthly" and "tuan" in work and (week := EVERY_MONTH_WEEK.search(work)):
        # "tuần đầu tiên của mỗi tháng", "thứ Sáu tuần thứ hai hằng tháng": a week of the month,
        # days 1–7, 8–14… as a named month's week reads; due its weekday, else its last day.
        said = week.group(1)
        number = -1 if said.startswith("cuoi") else _WEEK_NUMBER[said]
        name = "tuần cuối" if number < 0 else "tuần đầu" if number == 1 else f"tuần thứ {number}"
        if ctx.weekday is not None:
            weekday, week_of_month = ctx.weekday, number
            rule = f"{label}, {WEEKDAYS_VI[weekday]} {name} của tháng"
        else:
            day_of_month = 31 if number < 0 else min(7 * number, 31)
            rule = f"{label}, {name} (hạn {'cuối tháng' if number < 0 else f'ngày {day_of_month}'})"
    elif freq in ("quarterly", "monthly"):
        day = _day_of_period(work)
        position = MONTH_OF_QUARTER.search(work) if "thang" in work else None
        if position:
            which = {"dau": 1, "giua": 2, "cuoi": 3}[position.group(1)]
        if day is not None:
            day_of_month = day[0]
            exclusive = _is_exclusive(work, day[1])
            prefix = "trước ngày" if exclusive else "ngày"
            if freq == "quarterly":
                if not position:
                    ctx.warnings.append(
                        f"Không nói tháng nào trong quý; hiểu là ngày {day[0]} tháng cuối quý"
                    )
                rule = f"{label}, {prefix} {day[0]} tháng {('đầu', 'giữa', 'cuối')[which - 1]} quý"
            else:
                rule = f"{label}, {prefix} {day[0]}"
            other = _SECOND_DAY.search(work) if " va " in work or "," in work else None
            if other is not None and int(other.group(2)) != day[0]:
                # "vào các ngày 15 và 30 hằng tháng": one day a period is read; the other said.
                ctx.warnings.append(
                    f"Cụm từ nêu hai ngày ({other.group(1)} và {other.group(2)}) mỗi kỳ; chỉ "
                    f"đọc ngày {day[0]}: hãy tách thành hai nhiệm vụ"
                )
        else:
            day_of_month = days.quarterly_day if freq == "quarterly" else days.monthly_day
            if day_of_month:
                rule = f"{label}, hạn ngày {day_of_month} (ngày báo cáo đã cấu hình)"
            else:
                rule = f"{label}, hạn cuối {'quý' if freq == 'quarterly' else 'tháng'}"
    else:
        chosen = ctx.weekday if ctx.weekday is not None else days.weekly_weekday
        weekday = 4 if chosen is None else chosen
        rule = f"{label}, {WEEKDAYS_VI[weekday]}"
    if opened is not None:
        rule += " (mở từ %02d/%02d)" % opened  # noqa: UP031
    if start_year is not None:
        rule += f", từ năm {start_year}"
    if end_year is not None:
        rule += f" đến năm {end_year}"
    rec = Recurrence(
        freq, tuple(anchors), day_of_month, which, weekday, exclusive, start_year, end_year,
        week=week_of_month,
    )  # fmt: skip
    start = date(start_year, 1, 1) if start_year is not None else None
    end = date(end_year, 12, 31) if end_year is not None else None
    return ctx.timeline(
        "recurring", rule, inclusive=not exclusive, start=start, end=end, recurrence=rec
    )


_DAY_MONTH = r"\d{1,2}\s*/\s*\d{1,2}"
_SECOND_DAY = _rx(r"\bngay\s+(\d{1,2})\s*(?:,|va)\s*(?:ngay\s+)?(\d{1,2})\b(?!\s*[/.\-]\s*\d)")
_DAYS_SPAN = _rx(
    r"\btu\s+(?:ngay\s+)?" + _DAY_MONTH + r"\s+(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?" + _DAY_MONTH
)

LABELS = {
    "weekly": "hằng tuần", "monthly": "hằng tháng", "quarterly": "hằng quý",
    "half_yearly": "6 tháng một lần", "yearly": "hằng năm", "school_yearly": "hằng năm học",
}  # fmt: skip


_WORD_HANG = _rx(r"\bhang")


def _may_recur(work: str) -> bool:
    return _mentions(work, RECURRING_WORDS) or (
        "hang" in work and _WORD_HANG.search(work) is not None
    )


def _mentions(work: str, words: tuple[str, ...]) -> bool:
    """Whether any of the words is in the text: the cheap test before a pattern runs."""
    for word in words:  # noqa: SIM110 - any() over a generator costs more than the pattern
        if word in work:
            return True
    return False


def _second_cycle(work: str, first: Freq) -> Freq | None:
    """Another cycle than the first one found; six months and a year said together are one
    report regime (its two days), not two."""
    for freq, words, pattern in RECURRING:
        if freq == first or {freq, first} == {"half_yearly", "yearly"}:
            continue
        if _mentions(work, words) and pattern.search(work):
            return freq
    return None


def _frequency(work: str) -> Freq | None:
    for freq, words, pattern in RECURRING:
        if _mentions(work, words) and pattern.search(work):
            return freq
    return None


def _has_word_signal(work: str) -> bool:
    return _mentions(work, SIGNAL_WORDS) and WORD_SIGNALS.search(work) is not None


def _month_first(anchor: tuple[int, int]) -> tuple[int, int]:
    return anchor[1], anchor[0]


def _year_range(work: str) -> re.Match[str] | None:
    return YEAR_RANGE.search(work) if _mentions(work, RANGE_WORDS) else None


def _range_end(match: re.Match[str]) -> int:
    raw = match.group(2)
    return int(match.group(1)[:2] + raw) if len(raw) == 2 else int(raw)


def _day_of_period(work: str) -> tuple[int, int] | None:
    """ "ngày 20 (của tháng cuối quý | hằng tháng)": the day and where it was said."""
    match = DAY_OF_PERIOD.search(work)
    if match is None:
        return None
    day = int(match.group(1))
    if not 1 <= day <= 31:
        raise TimelineError(f"Ngày không hợp lệ: {day}", work)
    return day, match.start()


# ---- events ------------------------------------------------------------------------------


def _times(work: str) -> list[tuple[re.Match[str], time]]:
    found = []
    for match in TIME.finditer(work):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            raise TimelineError(f"Giờ không hợp lệ: {match.group(0).strip()}", work)
        found.append((match, time(hour, minute)))
    return found


# A day on which something takes place (an exam, the opening of the school year, a
# conference), said without an hour: an event all day long, not a deadline.
_HAPPENING = _rx(
    r"\b(?:ngay thi|thi ngay|" + _HAPPENINGS + r"|le\s+(?:khai|be|tong|trao|ky|ra mat)"
    r"|dien ra|to chuc thi|du thi|thi thu|thi khao sat|kiem tra cuoi ky|thoi gian thi|lich thi)\b"
)
_NOT_HAPPENING = _rx(r"\b(?:truoc|cham nhat|han|hoan thanh|nop|gui|bao cao|tu|den|ket thuc)\b")
_NOT_HAPPENING_RANGED = _rx(r"\b(?:truoc|cham nhat|han|hoan thanh|nop|gui|bao cao|ket thuc)\b")


_FROM_TO = _rx(r"\btu\s+(?:ngay\s+)?\d[^;]*?\b(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?\d")
# A span during which something is done by those asked, not a happening they attend.
_NOT_HAPPENING_SPAN = _rx(
    r"\b(?:truoc|cham nhat|han|hoan thanh|nop|gui|bao cao|ket thuc|dang ky|tiep nhan|nhap"
    r"|cap nhat|thu nhan)\b"
)


def _all_day(ctx: _Context) -> Timeline | None:
    if _HAPPENING.search(ctx.work) is None:
        return None
    # "Hội thi diễn ra từ ngày 10/11 đến ngày 14/11/2025": the days it takes place.
    spanned = ctx.ranged or (
        "tu " in ctx.work
        and _FROM_TO.search(ctx.work) is not None
        and _NOT_HAPPENING_SPAN.search(ctx.work) is None
    )
    not_happening = _NOT_HAPPENING_RANGED if spanned else _NOT_HAPPENING
    if not_happening.search(ctx.work) is not None:
        return None
    if spanned and not ctx.ranged:
        full = _full_dates(ctx)
        if len(full) == 1 and (before := _short_dates(ctx, ctx.work[: full[0][0].start()])):
            # "từ ngày 08/4 đến ngày 12/4/2025": the first day takes the second's year.
            last = full[0][1]
            first = _checked_date(last.year, before[0][2], before[0][1], ctx.text)
            if first < last:
                ctx.warn_before_reference(last, last, True)
                return ctx.timeline(
                    "event", f"sự kiện cả ngày từ {_fmt(first)} đến {_fmt(last)}",
                    start=first, end=last,
                )  # fmt: skip
    the_day = _single_day(ctx)
    if the_day is None:
        full = _full_dates(ctx)
        if ctx.ranged and not full:
            short = _short_dates(ctx)
            if len(short) == 2:
                last = _next_on_or_after(short[1][1], short[1][2], ctx.reference)
                first = _checked_date(last.year, short[0][2], short[0][1], ctx.text)
                full = [(short[0][0], first), (short[1][0], last)]
        if spanned and len(full) == 2 and full[0][1] < full[1][1]:
            first, last = full[0][1], full[1][1]
            ctx.warn_before_reference(last, last, True)
            return ctx.timeline(
                "event", f"sự kiện cả ngày từ {_fmt(first)} đến {_fmt(last)}",
                start=first, end=last,
            )  # fmt: skip
        return None
    day, had_year = the_day
    ctx.warn_weekday(day)
    ctx.warn_before_reference(day, day, had_year)
    return ctx.timeline("event", f"sự kiện cả ngày {WEEKDAYS_VI[day.weekday()]} {_fmt(day)}",
                        start=day)  # fmt: skip


def _event(ctx: _Context, days: ReportDays) -> Timeline | None:
    if not ctx.dated:
        return None
    if _TIME_HINT.search(ctx.work) is None:  # an event needs its day and hour, or a happening
        return _all_day(ctx)
    times = _times(ctx.work)
    if not times:  # "03 giáo viên dự thi ngày 20/5/2025": no hour after all
        return _all_day(ctx)
    the_day = _single_day(ctx)
    if the_day is None:
        return _days_with_hours(ctx, times)
    day, had_year = the_day
    ctx.warn_weekday(day)
    first_match, first = times[0]
    before = ctx.work[: first_match.start()].strip()
    if (
        _is_exclusive(ctx.work, first_match.start())
        or DEADLINE_WORD.search(before)
        or DEADLINE_NAMED.search(before)
    ):
        moment = datetime.combine(day, first)
        ctx.warn_before_reference(day, day, had_year)
        return ctx.timeline("once", f"trước {_hm(first)} ngày {_fmt(day)}", due=day, end=moment)
    start = datetime.combine(day, first)
    end = datetime.combine(day, times[1][1]) if len(times) > 1 else None
    if end is not None and end < start:
        ctx.warnings.append(f"Giờ kết thúc {_hm(end)} trước giờ bắt đầu {_hm(start)}")
    ctx.warn_before_reference(day, day, had_year)
    span = f"{_hm(first)}–{_hm(end)}" if end else _hm(first)
    rule = f"sự kiện {span} {WEEKDAYS_VI[day.weekday()]} {_fmt(day)}"
    return ctx.timeline("event", rule, start=start, end=end)


def _days_with_hours(ctx: _Context, times: list[tuple[re.Match[str], time]]) -> Timeline | None:
    """ "Khai mạc: 8h00 ngày 10/10/2026; bế mạc: 11h30 ngày 12/10/2026": an event over several
    days, each end with its hour and its day, in that order."""
    full = _full_dates(ctx)
    if len(full) != 2 or len(times) != 2:
        return None
    (t0, first), (t1, last) = times
    (d0, day0), (d1, day1) = full
    if not t0.start() < d0.start() < t1.start() < d1.start():
        return None
    if not HAPPENS_OVER_DAYS.search(ctx.work):  # "từ 9:00 ngày … đến 16:00 ngày …": a window
        return None
    start, end = datetime.combine(day0, first), datetime.combine(day1, last)
    if end <= start:
        return None
    ctx.warn_before_reference(day1, day1, True)
    rule = f"sự kiện từ {_hm(first)} {_fmt(day0)} đến {_hm(last)} {_fmt(day1)}"
    return ctx.timeline("event", rule, start=start, end=end)


def _single_day(ctx: _Context) -> tuple[date, bool] | None:
    full = _full_dates(ctx)
    if len({d for _, d in full}) == 1:
        return full[0][1], True
    if full:
        return None
    short = _short_dates(ctx)
    if len({(d, m) for _, d, m in short}) == 1:
        _, day, month = short[0]
        return _next_on_or_after(day, month, ctx.reference), False
    return None


# ---- windows -----------------------------------------------------------------------------


# Every window names a span, a school year or term, a week, or a quarter with these words;
# a phrase with none of them (most deadlines) is spared the whole reader.
WINDOW_WORDS = ("-", "–", "den", "toi", "tu", "tuan", "hk", "hoc ky", "nam hoc", "quy")


def _window(ctx: _Context, days: ReportDays) -> Timeline | None:
    work = ctx.work
    if not _mentions(work, WINDOW_WORDS):
        return None
    term = TERM.search(work) if "hk" in work or "hoc ky" in work else None
    if term and not (ctx.has_digit and _DATE_OR_YEAR.search(work)):
        # "Học kỳ II" with no year: the next term that has not ended.
        return _term_window(ctx, ROMAN[term.group(1)])
    if not ctx.has_digit:
        return None
    years = _SCHOOL_YEARS_SPAN.search(work) if work.count("nam hoc") > 1 else None
    if years:
        # "Từ năm học 2025-2026 đến năm học 2027-2028": the first one's start to the last's end.
        first_year, last_year = int(years.group(1)), int(years.group(2))
        if first_year <= last_year:
            start = date(first_year, SCHOOL_YEAR_START[1], SCHOOL_YEAR_START[0])
            end = date(last_year + 1, SCHOOL_YEAR_END[1], SCHOOL_YEAR_END[0])
            label = f"năm học {first_year}-{first_year + 1} đến năm học {last_year}-{last_year + 1}"
            return _window_of(ctx, label, start, end)
    school = SCHOOL_YEAR.search(work) if "nam hoc" in work else None
    if school:
        first = int(school.group(1))
        second = (
            int(str(first)[:2] + school.group(2))
            if len(school.group(2)) == 2
            else int(school.group(2))
        )
        if second != first + 1:
            ctx.warnings.append(f"Năm học {first}-{second} không phải hai năm liền nhau")
        start = date(first, SCHOOL_YEAR_START[1], SCHOOL_YEAR_START[0])
        end = date(second, SCHOOL_YEAR_END[1], SCHOOL_YEAR_END[0])
        term = TERM.search(work)
        label = f"năm học {first}-{second}"
        if term:
            one_end = date(second, TERM_ONE_END[1], TERM_ONE_END[0])
            if ROMAN[term.group(1)] == 1:
                end = one_end
                label = f"học kỳ I năm học {first}-{second}"
            else:
                start = one_end + _ONE_DAY
                label = f"học kỳ II năm học {first}-{second}"
        return _window_of(ctx, label, start, end)

    week = (WEEKS_OF_MONTH.search(work) or WEEK_OF_MONTH.search(work)) if "tuan" in work else None
    if week:
        return _week_window(ctx, week)

    # Each end with its own year: two years, so "20" twice at least (a cheap test first).
    two_years = work.count("20") >= 2
    spans = MONTH_YEAR_SPAN.search(work) if two_years and "thang" in work else None
    if spans:
        first, first_year = int(spans.group(1)), int(spans.group(2))
        last, last_year = int(spans.group(3)), int(spans.group(4))
        for month in (first, last):
            if not 1 <= month <= 12:
                raise TimelineError(f"Tháng không hợp lệ: {month}", ctx.text)
        start, end = date(first_year, first, 1), _month_end(last_year, last)
        label = f"tháng {first}/{first_year}–tháng {last}/{last_year}"
        return _window_of(ctx, label, start, end)
    spans = QUARTER_YEAR_SPAN.search(work) if two_years and "quy" in work else None
    if spans:
        first, first_year = ROMAN[spans.group(1)], int(spans.group(2))
        last, last_year = ROMAN[spans.group(3)], int(spans.group(4))
        start, end = date(first_year, 3 * first - 2, 1), _quarter_end(last_year, last)
        label = f"quý {ROMAN_OUT[first]}/{first_year}–quý {ROMAN_OUT[last]}/{last_year}"
        return _window_of(ctx, label, start, end)

    full = _full_dates(ctx)
    if len(full) == 2 and RANGE_WORD.search(work, full[0][0].end(), full[1][0].start()):
        return _date_window(ctx, full)
    if (
        len(full) == 1
        and "tu" in work
        and FROM_WORD.search(work, 0, full[0][0].start())
        and RANGE_WORD.search(work, 0, full[0][0].start())  # "từ ngày 01/7/2025" alone: ongoing
    ):
        return _date_window(ctx, full)
    if not full and (ctx.ranged or ("tu" in work and FROM_WORD.search(work))):
        # "các ngày 26, 27, 28/6", "từ 01/3 đến 15/3": the days of the next such span that has
        # not ended.
        short = _short_dates(ctx)
        if len(short) == 2 and (
            ctx.ranged
            or (
                RANGE_WORD.search(work, short[0][0].end(), short[1][0].start())
                and FROM_WORD.search(work, 0, short[0][0].start())
            )
        ):
            (_, d1, m1), (_, d2, m2) = short
            end = _next_on_or_after(d2, m2, ctx.reference)
            start = _checked_date(end.year if m1 <= m2 else end.year - 1, m1, d1, ctx.text)
            if _is_exclusive(work, short[1][0].start()):  # "đến trước 30/4": the 29th is last
                timeline = _window_of(
                    ctx, f"từ {_fmt(start)} đến {_fmt(end)}", start, end - _ONE_DAY
                )
                return replace(timeline, inclusive=False)
            return _window_of(ctx, f"từ {_fmt(start)} đến {_fmt(end)}", start, end)

    months = MONTH_SPAN.search(work) if "thang" in work and _mentions(work, RANGE_WORDS) else None
    if months:
        first, last = int(months.group(1)), int(months.group(2))
        for month in (first, last):
            if not 1 <= month <= 12:
                raise TimelineError(f"Tháng không hợp lệ: {month}", ctx.text)
        if months.group(3):
            year = int(months.group(3))
            start, end = date(year, first, 1), _month_end(year, last)
            return _window_of(ctx, f"tháng {first}–{last}/{year}", start, end)
        # "Từ tháng 3 đến tháng 5", "tháng 11 - 2": the next such span that has not ended.
        crosses = last < first
        year = _upcoming(ctx.reference, lambda y: _month_end(y + crosses, last))
        start, end = date(year, first, 1), _month_end(year + crosses, last)
        return _window_of(ctx, f"tháng {first}/{year}–tháng {last}/{end.year}", start, end)

    quarters = QUARTER_SPAN.search(work) if "quy" in work else None
    if quarters:
        first, last, year = (
            ROMAN[quarters.group(1)],
            ROMAN[quarters.group(3)],
            int(quarters.group(4)),
        )
    # "Quý I, II/2025" is the half year; "Quý I và Quý III/2025" two deadlines (read by _once).
    if quarters and not (quarters.group(2) and last != first + 1):
        start, end = date(year, 3 * first - 2, 1), _quarter_end(year, last)
        return _window_of(ctx, f"quý {ROMAN_OUT[first]}–{ROMAN_OUT[last]}/{year}", start, end)

    years = _year_range(work) if ctx.has_digit else None
    if years and (
        PERIOD_WORD.search(work)
        or BARE_RANGE.fullmatch(work[years.start() - 4 if years.start() >= 4 else 0 :].strip())
        or work.strip() == years.group(0)
    ):
        first, last = int(years.group(1)), _range_end(years)
        return _window_of(ctx, f"giai đoạn {first}-{last}", date(first, 1, 1), date(last, 12, 31))
    return None


def _term_window(ctx: _Context, term: int) -> Timeline:
    ref = ctx.reference
    # The school year holding the reference day (a day in summer belongs to the next one).
    first = ref.year if ref.month >= SCHOOL_YEAR_START[1] else ref.year - 1
    while True:
        one_end = date(first + 1, TERM_ONE_END[1], TERM_ONE_END[0])
        if term == 1:
            start, end = date(first, SCHOOL_YEAR_START[1], SCHOOL_YEAR_START[0]), one_end
        else:
            start, end = one_end + _ONE_DAY, date(first + 1, SCHOOL_YEAR_END[1], SCHOOL_YEAR_END[0])
        if end >= ref:
            break
        first += 1
    label = f"học kỳ {ROMAN_OUT[term]} năm học {first}-{first + 1}"
    return _window_of(ctx, label, start, end)


WEEKS_OF_MONTH = _rx(
    r"\btuan\s+(?:thu\s+)?([1-5])\s*(?:-|–|,|va|den)\s*(?:tuan\s+)?(?:thu\s+)?([1-5])\s+"
    r"(?:cua\s+)?thang\s+(\d{1,2})\b(?:\s*(?:/|nam)\s*(\d{4}|\d{2})\b)?"
)
EVERY_MONTH_WEEK = _rx(
    r"\btuan\s+(?:thu\s+)?(dau|cuoi cung|cuoi|nhat|hai|ba|tu|nam|[1-5])\s+(?:cua\s+)?"
    r"(?:moi |hang |tung |cac )?thang\b(?!\s*\d)"
)
_WEEK_NUMBER = {"dau": 1, "nhat": 1, "1": 1, "hai": 2, "2": 2, "ba": 3, "3": 3, "tu": 4, "4": 4,
                "nam": 5, "5": 5}  # fmt: skip


def _week_window(ctx: _Context, week: re.Match[str]) -> Timeline:
    """ "tuần đầu tháng 9/2025", and "tuần 3-4 tháng 9/2025" from the first week's start to the
    last one's end."""
    several = week.re is WEEKS_OF_MONTH
    month = int(week.group(3) if several else week.group(2))
    if not 1 <= month <= 12:
        raise TimelineError(f"Tháng không hợp lệ: {month}", ctx.text)
    said_year = week.group(4) if several else week.group(3)
    if said_year:
        year = _year(said_year)
    else:
        year = _upcoming(ctx.reference, lambda y: _month_end(y, month))
    start, end, name = _week_days(year, month, week.group(1))
    if several:
        _, end, _ = _week_days(year, month, week.group(2))
        name = f"tuần {week.group(1)}–{week.group(2)}"
    return _window_of(ctx, f"{name} tháng {month}/{year}", start, end)


def _week_days(year: int, month: int, which: str) -> tuple[date, date, str]:
    last_day = _month_end(year, month)
    if which.startswith("cuoi"):
        return last_day - timedelta(days=6), last_day, "tuần cuối"
    number = _WEEK_NUMBER[which]
    start = date(year, month, 7 * (number - 1) + 1)
    end = min(start + timedelta(days=6), last_day)
    return start, end, "tuần đầu" if number == 1 else f"tuần thứ {number}"


def _from_document(ctx: _Context) -> Timeline | None:
    """ "Trong vòng 05 ngày làm việc kể từ ngày nhận được văn bản", "10 ngày kể từ ngày ký":
    counted from the document's own day — its receipt is the nearest a reader can know, and
    the office is asked to check. Working days are the work calendar's: weekends and public
    holidays skipped, a make-up working Saturday counted."""
    match = FROM_DOCUMENT.search(ctx.work)
    if match is None:
        return None
    count, unit = int(match.group(1)), match.group(2)
    working, received = match.group(3) is not None, match.group(4) is not None
    days = count * 7 if unit == "tuan" else count
    if not 1 <= days <= 90 or (working and unit == "tuan"):
        raise TimelineError(f"Số ngày không hợp lệ: {match.group(0)}", ctx.text)
    due = (
        _working_calendar().add_working_days(ctx.reference, days)
        if working
        else (ctx.reference + timedelta(days=days))
    )
    kind = "ngày làm việc" if working else "ngày" if unit == "ngay" else "tuần"
    since = "nhận văn bản" if received else "ký văn bản"
    if received or working:
        ctx.warnings.append(
            f"“{count} {kind} kể từ ngày {since}” tính từ ngày của văn bản "
            f"({_fmt(ctx.reference)})"
            + (
                ", không kể thứ Bảy, Chủ nhật và ngày lễ (ngày làm bù là ngày làm việc)"
                if working
                else ""
            )
            + f": hạn {_fmt(due)}; hãy kiểm tra"
        )
    return ctx.timeline("once", f"{count} {kind} kể từ ngày {since} (hạn {_fmt(due)})", due=due)


def _date_window(ctx: _Context, full: list[tuple[re.Match[str], date]]) -> Timeline:
    if len(full) == 2:
        start, end = full[0][1], full[1][1]
    else:
        # "từ ngày 01/3 đến ngày 15/3/2025": the first date borrows the second's year.
        end = full[0][1]
        if FROM_NOW.search(ctx.work, 0, full[0][0].start()):
            # "Từ nay đến ngày 30/6/2026": from the document's day.
            return _window_of(ctx, f"từ nay đến {_fmt(end)}", min(ctx.reference, end), end)
        short = _short_dates(ctx, ctx.work[: full[0][0].start()])
        if not short:
            raise TimelineError(f"Không đọc được khoảng thời gian: {ctx.text.strip()!r}", ctx.text)
        _, day, month = short[0]
        start = _checked_date(end.year, month, day, ctx.text)
    exclusive = _is_exclusive(ctx.work, full[-1][0].start())
    last = end - _ONE_DAY if exclusive else end
    timeline = _window_of(ctx, f"từ {_fmt(start)} đến {_fmt(end)}", start, last)
    return replace(timeline, inclusive=not exclusive)


def _window_of(ctx: _Context, label: str, start: date, end: date) -> Timeline:
    if end < start:
        ctx.warnings.append(
            f"Khoảng thời gian kết thúc ({_fmt(end)}) trước khi bắt đầu ({_fmt(start)})"
        )
    ctx.warn_before_reference(end, end, True)
    first = _fmt(start)
    rule = label if first in label else f"{label} ({first}–{_fmt(end)})"
    return ctx.timeline("window", rule, due=end, start=start, end=end)


# ---- once --------------------------------------------------------------------------------


def _once(ctx: _Context, days: ReportDays) -> Timeline | None:
    work = ctx.work
    full = _full_dates(ctx)
    if len(full) > 1 and len({d for _, d in full}) > 1:
        if len({d.year for _, d in full}) == 1 and _said_as_deadlines(work):
            return _dates_list(ctx, full)
        listed = ", ".join(_fmt(d) for _, d in full)
        raise TimelineError(f"Có nhiều ngày ({listed}); không rõ hạn nào", ctx.text)
    if full:
        match, stated = full[0]
        return _deadline(ctx, stated, _is_exclusive(work, match.start()), had_year=True)
    short = _short_dates(ctx)
    if len(short) > 1 and len({(d, m) for _, d, m in short}) > 1:
        # "Trước 30/4 (sơ kết), trước 30/11 (tổng kết)": each the next such day.
        dated = [(match, _next_on_or_after(d, m, ctx.reference)) for match, d, m in short]
        if len({d.year for _, d in dated}) == 1 and _said_as_deadlines(work):
            return _dates_list(ctx, dated)
        raise TimelineError("Có nhiều ngày; không rõ hạn nào", ctx.text)
    if short:
        match, day, month = short[0]
        stated = _next_on_or_after(day, month, ctx.reference)
        return _deadline(ctx, stated, _is_exclusive(work, match.start()), had_year=False)

    listed = (
        PERIOD_LIST.search(work)
        if ctx.has_digit and (" va " in work or "," in work) and ("quy" in work or "thang" in work)
        else None
    )
    if listed:
        return _period_list(ctx, listed)

    vague = VAGUE.search(work) if ("dau " in work or "giua " in work) else None
    exclusive = "truoc" in work and _ends_with_truoc(work[: _first_period_at(work)])

    half = HALF_YEAR.search(work) if "thang dau" in work or "thang cuoi" in work else None
    if half:
        count = {"6": 6, "sau": 6, "9": 9, "chin": 9, "3": 3, "ba": 3}[half.group(1)]
        year = int(half.group(3)) if half.group(3) else ctx.reference.year
        month = count if half.group(2) == "dau" else 12
        end = _month_end(year, month)
        label = f"{count} tháng {'đầu' if half.group(2) == 'dau' else 'cuối'} năm {year}"
        return _period_deadline(ctx, label, end, exclusive=False)

    quarter = QUARTER.search(work) if "q" in work else None
    if quarter:
        if (several := _one_period(ctx, QUARTER, "quý")) is not None:
            return several
        if vague:
            raise TimelineError(f"Thời hạn không cụ thể: {ctx.text.strip()!r}", ctx.text)
        number = ROMAN[quarter.group(1)]
        if quarter.group(2):
            year = _year(quarter.group(2))
        else:
            year = _upcoming(ctx.reference, lambda y: _quarter_end(y, number))
        end = _quarter_end(year, number)
        if exclusive:
            end = date(year, 3 * number - 2, 1) - _ONE_DAY
            return _period_deadline(ctx, f"trước quý {ROMAN_OUT[number]}/{year}", end, True)
        return _period_deadline(ctx, f"hết quý {ROMAN_OUT[number]}/{year}", end, False)

    month = MONTH.search(work) if ctx.has_digit else None
    if month:
        if (several := _one_period(ctx, MONTH, "tháng")) is not None:
            return several
        if vague:
            raise TimelineError(f"Thời hạn không cụ thể: {ctx.text.strip()!r}", ctx.text)
        number = int(month.group(1) or month.group(3))
        raw_year = month.group(2) or month.group(4)
        if not 1 <= number <= 12:
            raise TimelineError(f"Tháng không hợp lệ: {number}", ctx.text)
        if raw_year:
            year = _year(raw_year)
        else:
            year = _upcoming(ctx.reference, lambda y: _month_end(y, number))
        if exclusive:
            end = date(year, number, 1) - _ONE_DAY
            return _period_deadline(ctx, f"trước tháng {number}/{year}", end, True)
        return _period_deadline(ctx, f"hết tháng {number}/{year}", _month_end(year, number), False)

    year_match = YEAR.search(work) if ctx.has_digit else None
    if year_match and "truoc" in work and _BEFORE_HAPPENING.search(work, 0, year_match.start()):
        # "Trước kỳ thi tốt nghiệp THPT năm 2025": due before a happening the phrase does not
        # date; the end of its year would be a reminder far too late.
        raise TimelineError(
            f"Hạn tính theo một sự kiện chưa có ngày: {ctx.text.strip()!r}; hãy ghi ngày", ctx.text
        )
    if year_match and _HAPPENING_NAMED.search(work, 0, year_match.start()):
        # "Kỳ thi tốt nghiệp THPT năm 2026": a happening of that year, on a day not given
        # (the exam is in June): its year's end would be no deadline at all.
        raise TimelineError(
            f"Một sự kiện chưa có ngày: {ctx.text.strip()!r}; hãy ghi ngày", ctx.text
        )
    if year_match:
        if vague and vague.group(2) == "nam":
            raise TimelineError(f"Thời hạn không cụ thể: {ctx.text.strip()!r}", ctx.text)
        year = int(year_match.group(1))
        if exclusive:
            return _period_deadline(ctx, f"trước năm {year}", date(year - 1, 12, 31), True)
        return _period_deadline(ctx, f"hết năm {year}", date(year, 12, 31), False)

    end_of = END_OF.search(work) if "cuoi" in work or "het" in work or "ket thuc" in work else None
    if end_of and not ctx.has_digit:
        # "cuối năm" with no year: the current period as of the plan's date.
        ref = ctx.reference
        if end_of.group(1) == "nam hoc":
            # "cuối năm học": the school year not yet over on the plan's date.
            first = ref.year if ref.month >= SCHOOL_YEAR_START[1] else ref.year - 1
            end = date(first + 1, SCHOOL_YEAR_END[1], SCHOOL_YEAR_END[0])
            label = f"cuối năm học {first}-{first + 1} ({_fmt(end)})"
            return _period_deadline(ctx, label, end, False)
        end = {
            "nam": date(ref.year, 12, 31),
            "quy": _quarter_end(ref.year, (ref.month - 1) // 3 + 1),
            "thang": _month_end(ref.year, ref.month),
        }[end_of.group(1)]
        label = {"nam": f"cuối năm {ref.year}", "quy": "cuối quý", "thang": "cuối tháng"}[
            end_of.group(1)
        ]
        return _period_deadline(ctx, f"{label} ({_fmt(end)})", end, False)
    return None


def _one_period(ctx: _Context, pattern: re.Pattern[str], name: str) -> Timeline | None:
    """ "Tháng 9/2025 và tháng 3/2026": two periods, each with its year, are two deadlines that
    one phrase cannot hold; the office is asked which, never left with the first alone. In one
    year, they are that year's deadlines."""
    if " va " not in ctx.work and "," not in ctx.work and ";" not in ctx.work:
        return None  # a second period comes after a joining word or mark
    said: set[tuple[int, str]] = set()
    for match in pattern.finditer(ctx.work):
        found = [g for g in match.groups() if g]
        if len(found) == 2:  # a period with its own year
            number = ROMAN.get(found[0], 0) if name == "quý" else int(found[0])
            said.add(
                (_year(found[1]), ROMAN_OUT.get(number, "?") if name == "quý" else str(number))
            )
    if len(said) > 1:
        years = {year for year, _ in said}
        if len(years) == 1:
            # "Đợt 1 tháng 3/2025, đợt 2 tháng 10/2025": each its deadline in that one year.
            kind = "quy" if name == "quý" else "thang"
            numbers = [n.lower() if name == "quý" else n for _, n in said]
            return _periods_of_year(ctx, kind, years.pop(), numbers)
        listed = ", ".join(f"{name} {number}/{year}" for year, number in sorted(said))
        raise TimelineError(f"Có nhiều {name} ({listed}); không rõ hạn nào", ctx.text)
    return None


def _period_list(ctx: _Context, listed: re.Match[str]) -> Timeline:
    kind, year = listed.group(1), int(listed.group(4))
    numbers = [listed.group(2), *re.findall(r"(iv|iii|ii|i|\d{1,2})\b", listed.group(3))]
    return _periods_of_year(ctx, kind, year, numbers)


def _periods_of_year(ctx: _Context, kind: str, year: int, numbers: list[str]) -> Timeline:
    anchors = []
    for raw in numbers:
        if kind == "quy":
            if raw not in ROMAN:
                raise TimelineError(f"Quý không hợp lệ: {raw.upper()}", ctx.text)
            month = 3 * ROMAN[raw]
        else:
            month = int(raw) if raw.isdigit() else 0
            if not 1 <= month <= 12:
                raise TimelineError(f"Tháng không hợp lệ: {raw}", ctx.text)
        anchors.append((_month_end(year, month).day, month))
    anchors = sorted(set(anchors), key=_month_first)
    dues = [date(year, m, d) for d, m in anchors]
    for due in dues:
        ctx.warn_before_reference(due, due, True)
    names = [f"quý {ROMAN_OUT[m // 3]}" if kind == "quy" else f"tháng {m}" for _, m in anchors]
    rule = f"{_and(names)}/{year} (hạn {_and([_fmt(d) for d in dues])})"
    rec = Recurrence("yearly", tuple(anchors), start_year=year, end_year=year)
    return ctx.timeline(
        "recurring", rule, start=date(year, 1, 1), end=date(year, 12, 31), recurrence=rec
    )


_JOINED = _rx(r"\bva\b|;|\bdot\s+\d")
# Said as deadlines; "ngày 5/2/2025 và 7/2/2025" alone may be two days of one happening.
_DUE_WORD = _rx(r"\b(?:truoc|han|cham nhat|dot|hoan thanh|nop|gui)\b")


def _said_as_deadlines(work: str) -> bool:
    """Several dates joined ("và", ";", "Đợt 2"), or each with its own "trước"/"hạn"."""
    due_words = len(_DUE_WORD.findall(work))
    return due_words >= 2 or (due_words == 1 and _JOINED.search(work) is not None)


def _dates_list(ctx: _Context, full: list[tuple[re.Match[str], date]]) -> Timeline:
    """ "Trước 30/6/2025 và trước 31/12/2025", "Đợt 1: trước 15/3/2025; Đợt 2: …": each its
    own deadline in that year, as "tháng 3 và tháng 9/2025" is."""
    days = sorted({d for _, d in full})
    exclusive = all(_is_exclusive(ctx.work, match.start()) for match, _ in full)
    dues = [d - _ONE_DAY if exclusive else d for d in days]
    for due in dues:
        ctx.warn_before_reference(due, due, True)
    year = days[0].year
    prefix = "trước ngày" if exclusive else "hạn"
    rule = f"{prefix} {_and([_fmt(d) for d in days])}"
    rec = Recurrence(
        "yearly", tuple((d.day, d.month) for d in days), exclusive=exclusive,
        start_year=year, end_year=year,
    )  # fmt: skip
    return ctx.timeline(
        "recurring", rule, inclusive=not exclusive, start=date(year, 1, 1),
        end=date(year, 12, 31), recurrence=rec,
    )  # fmt: skip


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def _upcoming(reference: date, period_end: Callable[[int], date]) -> int:
    """The year of a period named without one: the next such period that has not ended."""
    year = reference.year
    return year + 1 if period_end(year) < reference else year


def _first_period_at(work: str) -> int:
    match = FIRST_PERIOD.search(work)
    return match.start() if match else len(work)


def _ends_with_truoc(before: str) -> bool:
    before = before.rstrip()
    return before.endswith("truoc") and (len(before) == 5 or not before[-6].isalnum())


def _deadline(ctx: _Context, stated: date, exclusive: bool, had_year: bool) -> Timeline:
    ctx.warn_weekday(stated)
    due = stated - _ONE_DAY if exclusive else stated
    ctx.warn_before_reference(stated, due, had_year)
    last = _fmt(due)
    rule = f"trước ngày {_fmt(stated)} (hạn cuối {last})" if exclusive else f"hạn {last}"
    return ctx.timeline("once", rule, due=due, inclusive=not exclusive, end=due)


def _period_deadline(ctx: _Context, label: str, due: date, exclusive: bool) -> Timeline:
    ctx.warn_before_reference(due, due, False)
    shown = _fmt(due)
    rule = label if shown in label else f"{label} (hạn {shown})"
    return ctx.timeline("once", rule, due=due, inclusive=not exclusive, end=due)


def _starting(ctx: _Context, days: ReportDays) -> Timeline | None:
    """ "Từ năm 2025", "từ tháng 3/2025 trở đi": ongoing from then, no deadline."""
    if not ctx.has_digit or "tu " not in ctx.work:
        return None
    match = STARTING.search(ctx.work)
    if match is None:
        return None
    g = match.groups()
    if g[0]:
        start = date(int(g[0]), 1, 1)
    elif g[1]:
        month = int(g[1])
        if not 1 <= month <= 12:
            raise TimelineError(f"Tháng không hợp lệ: {month}", ctx.text)
        start = date(int(g[2]), month, 1)
    elif g[3]:
        start = date(int(g[4]), 3 * ROMAN[g[3]] - 2, 1)
    else:  # "(Kể) từ ngày 01/7/2025" with no end: ongoing from that day
        start = _checked_date(int(g[8]), int(g[7]), int(g[5]), ctx.text)
    rule = f"thường xuyên từ {_fmt(start)} (không có hạn; nhắc theo chu kỳ)"
    return ctx.timeline("continuous", rule, start=start)


# ---- continuous --------------------------------------------------------------------------


def _continuous(ctx: _Context, days: ReportDays) -> Timeline | None:
    if ctx.has_digit or not _mentions(ctx.work, CONTINUOUS_HINTS):
        return None
    core = " ".join(FILLERS.sub(" ", ctx.work).split())
    if core and CONTINUOUS.match(core):
        return ctx.timeline("continuous", "thường xuyên (không có hạn; nhắc theo chu kỳ)")
    return None
