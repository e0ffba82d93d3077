"""Timeline phrases with their expected readings: the seeds' own and what official documents
write. Shared by the tests and by bench/timeline.py. Reference date: seed 004's, 24/01/2025.

Each case names only what it asserts; `error=True` means a typed TimelineError is expected.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

REFERENCE = date(2025, 1, 24)


@dataclass(frozen=True)
class Case:
    text: str
    kind: str = ""
    due: str | None = "?"
    inclusive: bool | None = None
    next_due: tuple[str, ...] | None = None
    start: str | None = "?"
    end: str | None = "?"
    warn: str = ""  # a substring one warning must contain; "-" means no warnings at all
    error: bool = False
    reference: date = REFERENCE
    extra: dict[str, Any] = field(default_factory=dict)

    def check(self, result: dict[str, Any] | None) -> list[str]:
        """What differs between a `deadline --json` object (None: an error) and the case."""
        if self.error:
            return [] if result is None else [f"expected an error, got {result['kind']}"]
        if result is None:
            return ["unexpected error"]
        problems = []
        if result["kind"] != self.kind:
            problems.append(f"kind {result['kind']} != {self.kind}")
        for name in ("due", "start", "end"):
            wanted = getattr(self, name)
            if wanted != "?" and result[name] != wanted:
                problems.append(f"{name} {result[name]} != {wanted}")
        if self.inclusive is not None and result["inclusive"] != self.inclusive:
            problems.append(f"inclusive {result['inclusive']} != {self.inclusive}")
        if self.next_due is not None and tuple(result["next_due"]) != self.next_due:
            problems.append(f"next_due {result['next_due']} != {list(self.next_due)}")
        if self.warn == "-" and result["warnings"]:
            problems.append(f"unexpected warnings {result['warnings']}")
        elif self.warn not in ("", "-") and not any(self.warn in w for w in result["warnings"]):
            problems.append(f"no warning containing {self.warn!r} in {result['warnings']}")
        return problems


def once(text: str, due: str, inclusive: bool = True, **kw: Any) -> Case:
    return Case(text, "once", due=due, inclusive=inclusive, **kw)


def every(text: str, *next_due: str, inclusive: bool = True, **kw: Any) -> Case:
    return Case(text, "recurring", due=None, next_due=next_due, inclusive=inclusive, **kw)


def window(text: str, start: str, end: str, **kw: Any) -> Case:
    return Case(text, "window", due=end, start=start, end=end, **kw)


def event(text: str, start: str, end: str | None, **kw: Any) -> Case:
    return Case(text, "event", due=None, start=start, end=end, **kw)


def continuous(text: str, start: str | None = None) -> Case:
    return Case(text, "continuous", due=None, start=start, end=None)


def none(text: str) -> Case:
    return Case(text, "none", due=None, start=None, end=None, next_due=())


def error(text: str) -> Case:
    return Case(text, error=True)


YEARLY = ("2025-12-31", "2026-12-31", "2027-12-31")

BASE: list[Case] = [
    # ---- the seeds' own --------------------------------------------------------------------
    once("Hoàn thành trong Quý IV/2024", "2024-12-31", warn="trước ngày của kế hoạch"),
    once("Hoàn thành \ntrong Quý \nIV/2024", "2024-12-31"),
    once("Hoàn thành trong Quý IV/2024", "2024-12-31", warn="-", reference=date(2024, 11, 1)),
    every("Hàng năm", *YEARLY),
    every("Hằng năm", *YEARLY),
    once("trước ngày 05/02/2024", "2024-02-04", inclusive=False, warn="có lẽ là 05/02/2025"),
    once("trước ngày 05/02/2025", "2025-02-04", inclusive=False, warn="-"),
    event(
        "từ 14h00 đến 17h00 ngày 06/02/2025 (thứ Năm)",
        "2025-02-06T14:00:00",
        "2025-02-06T17:00:00",
        warn="-",
    ),
    event(
        "Thời gian: từ 14h00 đến 17h00 ngày 06/02/2025 (thứ Năm).",
        "2025-02-06T14:00:00",
        "2025-02-06T17:00:00",
    ),
    none("Hải Phòng, ngày 24 tháng 01 năm 2025"),
    none("Hải Phòng, ngày  24  tháng 01 năm 2025"),
    error("13h30-14h00"),
    error("14h00-16h00"),
    none("Trung tâm GDNN-GDTX quận, huyện"),
    none("Các sở ngành địa phương"),
    none("Các Sở, ngành, địa phương liên quan"),
    none("Sở Giáo dục và Đào tạo"),
    none("Kết luận số 91-KL/TW ngày 12/8/2024"),
    none("Kế hoạch số 298/KH-UBND ngày 30/12/2024"),
    none("Nghị quyết số 29-NQ/TW"),
    # ---- once ----------------------------------------------------------------------------
    once("Tháng 9/2025", "2025-09-30"),
    once("tháng 9 năm 2025", "2025-09-30"),
    once("Trong tháng 9/2025", "2025-09-30"),
    once("T9/2025", "2025-09-30"),
    once("09/2025", "2025-09-30"),
    once("Dự kiến tháng 9/2025", "2025-09-30"),
    once("Cuối tháng 3/2025", "2025-03-31"),
    once("Tháng 02/2028", "2028-02-29"),
    once("Tháng 9", "2025-09-30"),
    once("Tháng 1", "2025-01-31"),
    once("Năm 2025", "2025-12-31"),
    once("Trong năm 2025", "2025-12-31"),
    once("2025", "2025-12-31"),
    once("Đến năm 2030", "2030-12-31"),
    once("cuối năm 2024", "2024-12-31"),
    once("Cuối năm 2025", "2025-12-31"),
    once("cuối năm", "2025-12-31"),
    once("6 tháng đầu năm 2025", "2025-06-30"),
    once("Sáu tháng đầu năm 2025", "2025-06-30"),
    once("6 tháng cuối năm 2025", "2025-12-31"),
    once("9 tháng đầu năm 2025", "2025-09-30"),
    once("Quý I/2025", "2025-03-31"),
    once("Quý II/2025", "2025-06-30"),
    once("Quý III năm 2025", "2025-09-30"),
    once("Quý 4/2025", "2025-12-31"),
    once("Q4/2024", "2024-12-31"),
    once("Q2 2025", "2025-06-30"),
    once("quý IV - 2025", "2025-12-31"),
    once("Trong Quý II", "2025-06-30"),
    once("Hoàn thành trong Quý 4 năm 2024", "2024-12-31"),
    once("Dự kiến: Quý II/2025", "2025-06-30"),
    once("Trước Quý III/2025", "2025-06-30", inclusive=False),
    once("Trước tháng 9/2025", "2025-08-31", inclusive=False),
    once("Trước năm 2026", "2025-12-31", inclusive=False),
    once("trước ngày 05/02", "2025-02-04", inclusive=False),
    once("Trước ngày 20/01", "2026-01-19", inclusive=False),
    once("trước ngày 05.02.2025", "2025-02-04", inclusive=False),
    once("Trước 31/12/2025", "2025-12-30", inclusive=False),
    once("Chậm nhất trước ngày 15/3/2025", "2025-03-14", inclusive=False),
    once("chậm nhất ngày 20/11/2025", "2025-11-20"),
    once("Chậm nhất là ngày 20/11/2025", "2025-11-20"),
    once("chậm nhất ngày 20/11/2024", "2024-11-20", warn="có lẽ là 20/11/2025"),
    once("đến ngày 20/11/2025", "2025-11-20"),
    once("trong ngày 20/11/2025", "2025-11-20"),
    once("Trước hoặc trong ngày 15/3/2025", "2025-03-15"),
    once("Hạn chót: 15/3/2025", "2025-03-15"),
    once("Ngày 15/3/2025", "2025-03-15"),
    once("15/3/2025", "2025-03-15"),
    once("05-02-25", "2025-02-05"),
    once("2025-02-05", "2025-02-05"),
    once("ngày 5 tháng 2 năm 2025", "2025-02-05"),
    once("Hoàn thành trước ngày 28 tháng 02 năm 2025", "2025-02-27", inclusive=False),
    once("Nộp về Văn phòng Sở trước ngày 10/3/2025", "2025-03-09", inclusive=False),
    once("Thời hạn: 30/6/2025", "2025-06-30"),
    once("trước 17h00 ngày 20/11/2025", "2025-11-20", end="2025-11-20T17:00:00"),
    once("trước 17 giờ 00 phút, ngày 20/11/2025", "2025-11-20", end="2025-11-20T17:00:00"),
    once("Trước 16h30 ngày 05/02/2025 (thứ Tư)", "2025-02-05", end="2025-02-05T16:30:00", warn="-"),
    once("chậm nhất 10h00 ngày 03/02/2025", "2025-02-03", end="2025-02-03T10:00:00"),
    once("Ngày 06/02/2025 (thứ Sáu)", "2025-02-06", warn="là thứ Năm, không phải thứ Sáu"),
    once("Ngày 29/02/2028", "2028-02-29"),
    # ---- recurring -------------------------------------------------------------------------
    every("hàng quý", "2025-03-31", "2025-06-30", "2025-09-30"),
    every("Hằng quý", "2025-03-31", "2025-06-30", "2025-09-30"),
    every("Định kỳ hằng quý", "2025-03-31", "2025-06-30", "2025-09-30"),
    every("Định kỳ 03 tháng", "2025-03-31", "2025-06-30", "2025-09-30"),
    every("Báo cáo quý, 6 tháng, năm", "2025-03-31", "2025-06-30", "2025-09-30"),
    every("hằng tháng", "2025-01-31", "2025-02-28", "2025-03-31"),
    every("Hàng tháng", "2025-01-31", "2025-02-28", "2025-03-31"),
    every("Định kỳ hàng tháng", "2025-01-31", "2025-02-28", "2025-03-31"),
    every("Trước ngày 25 hằng tháng", "2025-01-24", "2025-02-24", "2025-03-24", inclusive=False),
    every("Ngày 20 hằng tháng", "2025-02-20", "2025-03-20", "2025-04-20"),
    every("Ngày 31 hằng tháng", "2025-01-31", "2025-02-28", "2025-03-31"),
    every("hàng tuần", "2025-01-24", "2025-01-31", "2025-02-07"),
    every("Thứ Hai hằng tuần", "2025-01-27", "2025-02-03", "2025-02-10"),
    every("Hằng tuần (thứ Sáu)", "2025-01-24", "2025-01-31", "2025-02-07"),
    every("định kỳ 6 tháng", "2025-06-30", "2025-12-31", "2026-06-30"),
    every("6 tháng/lần", "2025-06-30", "2025-12-31", "2026-06-30"),
    every("6 tháng một lần", "2025-06-30", "2025-12-31", "2026-06-30"),
    every(
        "Báo cáo định kỳ 6 tháng (trước ngày 15/6) và năm (trước ngày 15/12)",
        "2025-06-14",
        "2025-12-14",
        "2026-06-14",
        inclusive=False,
    ),
    every("Trước ngày 15/12 hằng năm", "2025-12-14", "2026-12-14", "2027-12-14", inclusive=False),
    every("Ngày 15/12 hằng năm", "2025-12-15", "2026-12-15", "2027-12-15"),
    every("Hằng năm, trước ngày 31/12", "2025-12-30", "2026-12-30", "2027-12-30", inclusive=False),
    every(
        "Trước 30/6 và 15/12 hằng năm", "2025-06-29", "2025-12-14", "2026-06-29", inclusive=False
    ),
    every(
        "Trước ngày 15/6 và 15/12 hằng năm",
        "2025-06-14",
        "2025-12-14",
        "2026-06-14",
        inclusive=False,
    ),
    every(
        "trước ngày 20 của tháng cuối quý",
        "2025-03-19",
        "2025-06-19",
        "2025-09-19",
        inclusive=False,
    ),
    every("Ngày 20 tháng cuối quý", "2025-03-20", "2025-06-20", "2025-09-20"),
    every(
        "Trước ngày 10 tháng đầu quý sau", "2025-04-09", "2025-07-09", "2025-10-09", inclusive=False
    ),
    every(
        "Trước ngày 20 hằng quý",
        "2025-03-19",
        "2025-06-19",
        "2025-09-19",
        inclusive=False,
        warn="tháng cuối quý",
    ),
    every("Trước ngày 10/01 năm sau", "2026-01-09", "2027-01-09", "2028-01-09", inclusive=False),
    every("Năm 2025 và các năm tiếp theo", *YEARLY, start="2025-01-01", end=None),
    every("Năm 2025 và những năm tiếp theo", *YEARLY, start="2025-01-01", end=None),
    every("Năm 2026 và các năm tiếp theo", "2026-12-31", "2027-12-31", "2028-12-31"),
    every("Hằng năm, giai đoạn 2025-2030", *YEARLY, start="2025-01-01", end="2030-12-31"),
    every("Hằng năm giai đoạn 2021-2025", "2025-12-31", end="2025-12-31"),
    every("Hằng năm (từ năm 2026)", "2026-12-31", "2027-12-31", "2028-12-31"),
    every("Tháng 8 hằng năm", "2025-08-31", "2026-08-31", "2027-08-31"),
    every("Tháng 5 và tháng 12 hằng năm", "2025-05-31", "2025-12-31", "2026-05-31"),
    every("Quý IV hằng năm", *YEARLY),
    every("Thường xuyên; báo cáo hằng năm", *YEARLY),
    every("Định kỳ hằng năm", *YEARLY),
    every("Mỗi năm một lần", *YEARLY),
    every("Hằng năm học", "2025-05-31", "2026-05-31", "2027-05-31"),
    every("Năm học 2024-2025 và các năm học tiếp theo", "2025-05-31", "2026-05-31", "2027-05-31"),
    every("Hằng năm", "2026-12-31", "2027-12-31", "2028-12-31", reference=date(2026, 11, 23)),
    # ---- windows -----------------------------------------------------------------------------
    window("Năm học 2024-2025", "2024-09-01", "2025-05-31"),
    window("Năm học 2024 - 2025", "2024-09-01", "2025-05-31"),
    window("năm học 2024-25", "2024-09-01", "2025-05-31"),
    window("Học kỳ I năm học 2024-2025", "2024-09-01", "2025-01-15"),
    window("Học kỳ II năm học 2024-2025", "2025-01-16", "2025-05-31"),
    window("HK II năm học 2024-25", "2025-01-16", "2025-05-31"),
    window("Giai đoạn 2025-2030", "2025-01-01", "2030-12-31"),
    window("Giai đoạn 2021 - 2025", "2021-01-01", "2025-12-31"),
    window("2025-2030", "2025-01-01", "2030-12-31"),
    window("2025 - 2030", "2025-01-01", "2030-12-31"),
    window("Năm 2024 - 2025", "2024-01-01", "2025-12-31"),
    window("Giai đoạn 2025-2030, tầm nhìn đến năm 2045", "2025-01-01", "2030-12-31"),
    window("Từ năm 2025 đến năm 2030", "2025-01-01", "2030-12-31"),
    window("từ ngày 01/3 đến ngày 15/3/2025", "2025-03-01", "2025-03-15"),
    window("Từ 01/3/2025 đến 15/3/2025", "2025-03-01", "2025-03-15"),
    window("từ 01/3/2025 - 15/3/2025", "2025-03-01", "2025-03-15"),
    window("tháng 9-10/2025", "2025-09-01", "2025-10-31"),
    window("Từ tháng 9 đến tháng 12 năm 2025", "2025-09-01", "2025-12-31"),
    window("Quý I, II/2025", "2025-01-01", "2025-06-30"),
    window("Quý III - IV/2025", "2025-07-01", "2025-12-31"),
    window("từ 15/3/2025 đến 01/3/2025", "2025-03-15", "2025-03-01", warn="trước khi bắt đầu"),
    window("Năm học 2025-2024", "2025-09-01", "2024-05-31", warn="không phải hai năm liền nhau"),
    # ---- continuous ----------------------------------------------------------------------------
    continuous("Thường xuyên"),
    continuous("Liên tục"),
    continuous("Thường xuyên, liên tục"),
    continuous("Thực hiện thường xuyên"),
    continuous("Hằng ngày"),
    continuous("Từ năm 2025", start="2025-01-01"),
    continuous("Liên tục từ năm 2025", start="2025-01-01"),
    continuous("Từ tháng 3/2025 trở đi", start="2025-03-01"),
    # ---- events ------------------------------------------------------------------------------
    event("14h00 ngày 06/02/2025", "2025-02-06T14:00:00", None),
    event("Vào lúc 14 giờ, thứ Năm, ngày 06/02/2025", "2025-02-06T14:00:00", None, warn="-"),
    event("Ngày 06/02/2025, từ 14h00-17h00", "2025-02-06T14:00:00", "2025-02-06T17:00:00"),
    event(
        "Từ 8 giờ 00 đến 11 giờ 30, ngày 10/3/2025", "2025-03-10T08:00:00", "2025-03-10T11:30:00"
    ),
    event("7h30 - 11h30, ngày 10/3", "2025-03-10T07:30:00", "2025-03-10T11:30:00"),
    event("14:00-17:00 ngày 06/02/2025", "2025-02-06T14:00:00", "2025-02-06T17:00:00"),
    event(
        "từ 14h00 đến 17h00 ngày 06/02/2025 (thứ Sáu)",
        "2025-02-06T14:00:00",
        "2025-02-06T17:00:00",
        warn="không phải thứ Sáu",
    ),
    event(
        "từ 17h00 đến 14h00 ngày 06/02/2025",
        "2025-02-06T17:00:00",
        "2025-02-06T14:00:00",
        warn="trước giờ bắt đầu",
    ),
    # ---- due after the period reported on ---------------------------------------------------
    every("ngày 12 tháng sau tháng báo cáo", "2025-02-12", "2025-03-12", "2025-04-12"),
    every(
        "trước ngày 15 của tháng kế tiếp", "2025-02-14", "2025-03-14", "2025-04-14", inclusive=False
    ),
    every(
        "Báo cáo tháng gửi chậm nhất ngày 5 tháng tiếp theo",
        "2025-02-05",
        "2025-03-05",
        "2025-04-05",
    ),
    every("chậm nhất 15 ngày kể từ ngày kết thúc quý", "2025-04-15", "2025-07-15", "2025-10-15"),
    every(
        "chậm nhất sau khi kết thúc quý 15 ngày (đối với báo cáo quý)",
        "2025-04-15",
        "2025-07-15",
        "2025-10-15",
    ),
    every("trong vòng 10 ngày sau khi kết thúc tháng", "2025-02-10", "2025-03-10", "2025-04-10"),
    every("20 ngày kể từ ngày kết thúc 6 tháng", "2025-07-20", "2026-01-20", "2026-07-20"),
    every(
        "báo cáo quý gửi trước ngày 10 tháng kế tiếp",
        "2025-04-09",
        "2025-07-09",
        "2025-10-09",
        inclusive=False,
    ),
    every("ngày 15 tháng đầu quý sau", "2025-04-15", "2025-07-15", "2025-10-15"),
    every(
        "trước ngày 10/01 của năm liền kề năm báo cáo",
        "2026-01-09",
        "2027-01-09",
        "2028-01-09",
        inclusive=False,
    ),
    every("Báo cáo năm: ngày 31 tháng 01 năm sau", "2025-01-31", "2026-01-31", "2027-01-31"),
    every("ngày làm việc cuối cùng của tháng", "2025-01-24", "2025-02-28", "2025-03-31"),
    every("vào ngày làm việc cuối cùng hằng tháng", "2025-01-24", "2025-02-28", "2025-03-31"),
    every("ngày làm việc cuối cùng của quý", "2025-03-31", "2025-06-30", "2025-09-30"),
    # ---- two deadlines joined by "và"; a compound of a one-off and ongoing work --------------
    every("Quý I và Quý III/2025", "2025-03-31", "2025-09-30"),
    every("quý II, quý IV/2025", "2025-06-30", "2025-12-31"),
    every("tháng 3, tháng 6 và tháng 9/2025", "2025-03-31", "2025-06-30", "2025-09-30"),
    # One day of several months, said once.
    every(
        "Định kỳ trước ngày 20 tháng 6 và tháng 12 hằng năm",
        "2025-06-19",
        "2025-12-19",
        "2026-06-19",
        inclusive=False,
    ),
    every(
        "Báo cáo trước ngày 15 các tháng 3, 6, 9 và 12 hằng năm",
        "2025-03-14",
        "2025-06-14",
        "2025-09-14",
        inclusive=False,
    ),
    every("ngày 20 tháng 6 và 12 hằng năm", "2025-06-20", "2025-12-20", "2026-06-20"),
    continuous("Hoàn thành trong tháng 12/2024 và thường xuyên"),
    continuous("Năm 2024 và thực hiện thường xuyên"),
    once("Hoàn thành trong tháng 3/2025, sau đó thực hiện thường xuyên", "2025-03-31"),
    continuous("Thường xuyên trong năm"),
    continuous("thực hiện thường xuyên trong năm học"),
    continuous("Thường xuyên hằng năm"),
    continuous("Thường xuyên; hằng năm"),
    # ---- weeks of a month, school terms without a year, the lunar new year --------------------
    window("tuần đầu tháng 9", "2025-09-01", "2025-09-07"),
    window("Tuần cuối tháng 12/2025", "2025-12-25", "2025-12-31"),
    window("tuần thứ 2 của tháng 3/2025", "2025-03-08", "2025-03-14"),
    window("trong tuần thứ ba tháng 4", "2025-04-15", "2025-04-21"),
    window("Học kỳ II", "2025-01-16", "2025-05-31"),
    window("Trong học kỳ 2", "2025-01-16", "2025-05-31"),
    window("Cuối học kỳ I", "2025-09-01", "2026-01-15"),
    window("Học kỳ I", "2024-09-01", "2025-01-15", reference=date(2024, 10, 2)),
    window("NH 2025-2026", "2025-09-01", "2026-05-31"),
    window("Học kỳ I NH 2025-2026", "2025-09-01", "2026-01-15"),
    once("trước Tết Nguyên đán", "2025-01-28", inclusive=False),
    once("Hoàn thành trước Tết", "2026-02-16", inclusive=False, reference=date(2025, 3, 1)),
    once("trước Tết Nguyên đán 2027", "2027-02-05", inclusive=False),
    # Tết named by its year's lunar name (stem and branch): Bính Ngọ is 2026.
    once("trước Tết Nguyên đán Bính Ngọ", "2026-02-16", inclusive=False),
    once("Hoàn thành trước Tết Bính Ngọ 2026", "2026-02-16", inclusive=False),
    # The end of the school year not yet over, not of the calendar year.
    once("Cuối năm học", "2025-05-31"),
    once("cuối năm học", "2026-05-31", reference=date(2025, 9, 10)),
    # Said the long way: "mùng/mồng" before a day, "đầu tiên", "cuối cùng của quý".
    once("trước ngày mùng 5 tháng 3", "2025-03-04", inclusive=False),
    every("vào ngày mồng 10 hằng tháng", "2025-02-10", "2025-03-10", "2025-04-10"),
    every("ngày 25 tháng cuối cùng của quý", "2025-03-25", "2025-06-25", "2025-09-25"),
    every(
        "trước ngày 15 của tháng đầu tiên quý sau",
        "2025-04-14",
        "2025-07-14",
        "2025-10-14",
        inclusive=False,
    ),
    window("Tuần đầu tiên của tháng 9", "2025-09-01", "2025-09-07"),
    # A span of days without their year: the next such span that has not ended.
    window("từ 01/3 đến 15/3", "2025-03-01", "2025-03-15"),
    window("Từ ngày 20/12 đến ngày 10/01", "2025-12-20", "2026-01-10"),
    window("từ ngày 15 đến ngày 20/3/2025", "2025-03-15", "2025-03-20"),
    window("từ ngày 28 đến hết ngày 30/6", "2025-06-28", "2025-06-30"),
    # The older spelling "quí"; months said in words where nothing else can be meant.
    once("Quí I/2025", "2025-03-31"),
    once("Trong quí IV năm 2025", "2025-12-31"),
    every("hàng quí", "2025-03-31", "2025-06-30", "2025-09-30"),
    once("tháng Ba năm 2025", "2025-03-31"),
    once("trước ngày 10 tháng Mười", "2025-10-09", inclusive=False),
    once("ngày 15 tháng Tư năm 2025", "2025-04-15"),
    once("tháng Chạp năm 2025", "2025-12-31"),
    # "6 tháng năm 2025" is a half-year's report, not May.
    every("báo cáo 6 tháng năm 2025", "2025-06-30", "2025-12-31", "2026-06-30"),
    # Before a happening: the opening of the school year is the country's day (warned); one
    # the phrase does not date is asked for, never read as the end of its year.
    once("Trước khai giảng năm học 2025-2026", "2025-09-04", inclusive=False, warn="khai giảng"),
    once("hoàn thành trước lễ khai giảng", "2025-09-04", inclusive=False, warn="05/09/2025"),
    # The summer: after the school year ends (31/05), before the next opens; said to check.
    window("Trong kỳ nghỉ hè 2025", "2025-06-01", "2025-08-31", warn="nghỉ hè"),
    window("Hoàn thành trong dịp hè năm 2025", "2025-06-01", "2025-08-31"),
    window("trong thời gian nghỉ hè", "2025-06-01", "2025-08-31", warn="01/06/2025"),
    window("Trong hè", "2026-06-01", "2026-08-31", reference=date(2025, 9, 15)),
    once("Trước kỳ nghỉ hè", "2025-05-31", inclusive=False, warn="nghỉ hè"),
    once("hoàn thành trước dịp hè 2026", "2026-05-31", inclusive=False),
    once("Cập nhật vào hệ thống trước 15/8/2025", "2025-08-14", inclusive=False, warn="-"),
    once("Trong hệ thống, hoàn thành trước ngày 30/6/2025", "2025-06-29", inclusive=False),
    # Tết Dương lịch is the first of January, not the lunar new year.
    once("Trước Tết Dương lịch 2026", "2025-12-31", inclusive=False),
    once("hoàn thành trước Tết dương lịch", "2025-12-31", inclusive=False),
    # The end of a period said as its end ("hết", "kết thúc"), not after it.
    once("Hết năm học", "2025-05-31"),
    once("Trước khi kết thúc năm học", "2025-05-31"),
    once("Kết thúc quý", "2025-03-31"),
    error("Sau khi kết thúc năm học"),
    # Two days each with its month, the year said once; a span of days said with words.
    window("Ngày 5 tháng 6 và 7 tháng 6 năm 2025", "2025-06-05", "2025-06-07"),
    window("ngày 30/4 và 1/5/2025", "2025-04-30", "2025-05-01"),
    window("Từ ngày 5 đến ngày 7 tháng 6 năm 2025", "2025-06-05", "2025-06-07"),
    window("Từ 5 đến 7/6/2025", "2025-06-05", "2025-06-07"),
    window("từ ngày 01 đến ngày 15 tháng 10, năm 2025", "2025-10-01", "2025-10-15"),
    every("Ngày 15/6 và 15/12 hằng năm", "2025-06-15", "2025-12-15", "2026-06-15"),
    # Two days of each month: the first is read, the second named in a warning.
    every("Ngày 15 và 30 hằng tháng", "2025-02-15", "2025-03-15", "2025-04-15", warn="15 và 30"),
    every("Báo cáo vào ngày 25 hằng tháng", "2025-01-25", "2025-02-25", "2025-03-25", warn="-"),
    # Hours sharing their unit: "từ 8 đến 10 giờ".
    event("Từ 8 đến 10 giờ ngày 5/6/2025", "2025-06-05T08:00:00", "2025-06-05T10:00:00"),
    event("từ 14 đến 17 giờ 30, ngày 06/02/2025", "2025-02-06T14:00:00", "2025-02-06T17:30:00"),
    error("Trước kỳ thi tốt nghiệp THPT năm 2025"),
    # Two cycles each with its own day: the finest is read and the other named, not dropped.
    every(
        "Hằng tháng (ngày 25) và hằng quý (ngày 20 tháng cuối quý)",
        "2025-01-25",
        "2025-02-25",
        "2025-03-25",
        warn="hai chu kỳ (hằng tháng, hằng quý)",
    ),
    every(
        "ngày 15 hằng tháng; báo cáo năm: trước ngày 15/12",
        "2025-02-15",
        "2025-03-15",
        "2025-04-15",
        warn="tách thành hai nhiệm vụ",
    ),
    # From a day on, with no end: ongoing.
    continuous("Kể từ ngày 01/7/2025", "2025-07-01"),
    # How often, said as times per period.
    every("Một tháng một lần", "2025-01-31", "2025-02-28", "2025-03-31"),
    every("2 lần/năm", "2025-06-30", "2025-12-31", "2026-06-30"),
    every("4 lần một năm", "2025-03-31", "2025-06-30", "2025-09-30"),
    # "Đợt 1:" is a round, not one o'clock.
    once("Đợt 1: trước 15/3/2025", "2025-03-14", inclusive=False),
    # A window every year: open from its first day, due by its last.
    every("Từ 01/9 đến 15/9 hằng năm", "2025-09-15", "2026-09-15", "2027-09-15"),
    every("Hằng năm, từ ngày 01/6 đến ngày 30/6", "2025-06-30", "2026-06-30", "2027-06-30"),
    # ---- lists of days; happenings on them ------------------------------------------------------
    window("các ngày 26, 27, 28/6/2025", "2025-06-26", "2025-06-28"),
    window("nộp hồ sơ vào ngày 5 và 6/3/2025", "2025-03-05", "2025-03-06"),
    event("Kỳ thi diễn ra các ngày 26, 27/6/2025", "2025-06-26", "2025-06-27"),
    event("Ngày thi: 27-28/6/2025", "2025-06-27", "2025-06-28"),
    # ---- states as of a day are no deadlines ----------------------------------------------------
    none("Đến ngày 20/01/2025, đã nhận 30 hồ sơ"),
    none("Tính đến hết ngày 31/12/2024, toàn tỉnh có 500 trường"),
    none("Tính đến 15/01/2025 có 12 đơn vị chưa nộp"),
    # ---- numbers that are no hours; stamps that are no deadlines -----------------------------
    once("Mỗi đơn vị nộp 02 hồ sơ trước 17h ngày 10/3/2025", "2025-03-10"),
    event("03 giáo viên dự thi ngày 20/5/2025", "2025-05-20", None),
    event("Khối 1 tổ chức thi ngày 20/5/2025", "2025-05-20", None),
    event("lúc 8g30 ngày 3/3/2025", "2025-03-03T08:30:00", None),
    none("Đăng lúc 10:25 05/03/2025"),
    none("Thời gian ký: 08/08/2025 11:32:54 +07:00"),
    none("Ngày cập nhật: 12/02/2025"),
    every("ngày cuối cùng của tháng", "2025-01-31", "2025-02-28", "2025-03-31"),
    window("Các ngày 26, 27, 28/6", "2025-06-26", "2025-06-28"),
    event("Kỳ thi diễn ra các ngày 26, 27/6", "2025-06-26", "2025-06-27"),
    # ---- none: words that only look like timelines --------------------------------------------
    none(""),
    none("   "),
    none("Trung tâm Giáo dục thường xuyên"),
    none("Trung tâm GDNN-GDTX"),
    none("Quý phụ huynh"),
    none("Kính gửi Quý phụ huynh học sinh"),
    none("Quý thầy cô"),
    none("Theo quy định"),
    none("Theo quy định năm 2025"),
    none("Trường THPT số 2"),
    none("Mỗi đơn vị thành lập 01 điểm cầu"),
    none("Phòng GDĐT quận Ngô Quyền"),
    none("Trường Đại học Hải Phòng"),
    # ---- errors -------------------------------------------------------------------------------
    error("31/02/2025"),
    error("trước ngày 31/02/2025"),
    error("30/13/2025"),
    error("32/1/2025"),
    error("Tháng 13/2025"),
    error("Quý V/2025"),
    error("25:00 ngày 01/02/2025"),
    error("đầu năm 2025"),
    error("Giữa tháng 3/2025"),
    error("Đầu quý II/2025"),
    error("ngày 5/2/2025 và 7/2/2025"),
    # Two periods each with its own year: two deadlines, never the first alone.
    error("Tháng 9/2025 và tháng 3/2026"),
    error("Quý I/2025 và Quý III/2026"),
    error("Trước 30/02 hằng năm"),
    error("x" * 2100),
    # ---- real wordings met outside the seeds (offices' notices, tax and school letters) ----
    # A deadline named a few words before its hour is a deadline, not an event at that hour.
    once("Hạn cuối nộp hồ sơ: 17 giờ 00 ngày 20 tháng 3 năm 2025", "2025-03-20"),
    once("Thời hạn: 16h30 ngày 12/3/2025", "2025-03-12"),
    once("Hạn chót nhận bài 23h59 ngày 01/04/2025", "2025-04-01"),
    event("Hội nghị bắt đầu lúc 8 giờ 00 ngày 15/3/2025", "2025-03-15T08:00:00", None),
    # "the last day of the first month of the next year / quarter": yearly, quarterly.
    every(
        "nộp chậm nhất ngày cuối cùng của tháng đầu tiên năm tiếp theo",
        "2025-01-31",
        "2026-01-31",
        "2027-01-31",
    ),
    every(
        "ngày cuối cùng của tháng đầu tiên của quý sau", "2025-01-31", "2025-04-30", "2025-07-31"
    ),
    # Spans across a year's end, each end with its own year.
    window("Thời gian thực hiện: Tháng 10/2025 - tháng 5/2026", "2025-10-01", "2026-05-31"),
    window("Từ tháng 9/2025 đến tháng 5/2026", "2025-09-01", "2026-05-31"),
    window("từ tháng 9 năm 2025 đến hết tháng 5 năm 2026", "2025-09-01", "2026-05-31"),
    window("Quý 3/2025 - quý 4/2025", "2025-07-01", "2025-12-31"),
    window("Từ quý IV/2025 đến quý II/2026", "2025-10-01", "2026-06-30"),
    error("Từ tháng 13/2025 đến tháng 5/2026"),
    # "from now": from the document's own day (the reference).
    window("Từ nay đến ngày 30/6/2025", "2025-01-24", "2025-06-30"),
    window("từ nay đến hết ngày 15/3/2025", "2025-01-24", "2025-03-15"),
    # Counted from receipt: from the document's day, and the office is asked to check. Working
    # days skip weekends and public holidays: from Friday 24/01/2025, Tết holds 27/01–01/02.
    once(
        "Trong vòng 05 ngày làm việc kể từ ngày nhận được văn bản",
        "2025-02-07",
        warn="không kể thứ Bảy, Chủ nhật và ngày lễ",
    ),
    once(
        "05 ngày làm việc kể từ ngày nhận được công văn",
        "2025-03-17",
        reference=date(2025, 3, 10),
        warn="tính từ ngày của văn bản",
    ),
    once("chậm nhất 10 ngày kể từ ngày nhận được công văn này", "2025-02-03", warn="hãy kiểm tra"),
    once("trong vòng 01 tuần kể từ ngày nhận được văn bản", "2025-01-31", warn="hãy kiểm tra"),
    # Counted from signing: the document's own day, nothing to check but the count.
    once("Trong vòng 07 ngày kể từ ngày ký", "2025-01-31", warn="-"),
    once("Trong thời hạn 10 ngày kể từ ngày ký văn bản này", "2025-02-03", warn="-"),
    once("Chậm nhất 15 ngày kể từ ngày ban hành", "2025-02-08", warn="-"),
    once("10 ngày kể từ ngày Kế hoạch được ban hành", "2025-02-03", warn="-"),
    # From Monday 28/04/2025: 29/04; 30/04–02/05 are holidays, 03–04/05 a weekend; 05, 06/05.
    once(
        "sau 03 ngày làm việc kể từ ngày ký ban hành Quyết định",
        "2025-05-06",
        reference=date(2025, 4, 28),
        warn="ngày lễ",
    ),
    none("Quyết định có hiệu lực kể từ ngày ký"),
    # At once on receipt: the document's day, to be checked.
    once("Ngay sau khi nhận được công văn", "2025-01-24", warn="ngày của văn bản"),
    once("Trong ngày nhận được văn bản", "2025-01-24", warn="hãy kiểm tra"),
    # After something the phrase does not date: asked for, never "no deadline".
    error("Sau khi có kết quả thi"),
    error("01 tuần sau khi kết thúc hội nghị"),
    error("Trong vòng 10 ngày sau khi kết thúc Hội thi"),
    error("Triển khai sau khi có hướng dẫn của Bộ"),
    none("Theo yêu cầu của Sở"),
    # An event over days, each end with its hour.
    event(
        "Khai mạc: 8h00 ngày 10/10/2025; bế mạc: 11h30 ngày 12/10/2025",
        "2025-10-10T08:00:00",
        "2025-10-12T11:30:00",
    ),
    window("Từ 7h30 ngày 10/10/2025 đến 17h00 ngày 11/10/2025", "2025-10-10", "2025-10-11"),
    once(
        "Theo Kế hoạch số 123/KH-SGDĐT ngày 05/9/2025, hoàn thành trước ngày 30/9/2025",
        "2025-09-29",
        inclusive=False,
    ),
    # A week of every month: its days 1–7, 8–14… as "tuần đầu tháng 9" reads; with a weekday,
    # that weekday in it (the second Friday of February 2025 is the 14th).
    every("Thứ Sáu tuần thứ hai hằng tháng", "2025-02-14", "2025-03-14", "2025-04-11"),
    every("Thứ Hai tuần đầu hằng tháng", "2025-02-03", "2025-03-03", "2025-04-07"),
    every("Thứ Sáu tuần cuối cùng của mỗi tháng", "2025-01-31", "2025-02-28", "2025-03-28"),
    every(
        "Thứ Năm tuần thứ 5 hằng tháng", "2025-01-30", "2025-02-27", "2025-03-27"
    ),  # Feb. has none
    every("Tuần đầu tiên của mỗi tháng", "2025-02-07", "2025-03-07", "2025-04-07"),
    every("tuần cuối hằng tháng", "2025-01-31", "2025-02-28", "2025-03-31"),
    # The start of a school year: its first month, to be checked; never its end (31/05).
    every(
        "Đầu mỗi năm học",
        "2025-09-30",
        "2026-09-30",
        "2027-09-30",
        warn="Đầu năm học hiểu là tháng 9",
    ),
    once("Đầu năm học", "2025-09-30", warn="hãy kiểm tra"),
    once("Vào đầu năm học 2025-2026", "2025-09-30", warn="tháng 9"),
    # Each term: its end, each year (were refused).
    every("Cuối mỗi học kỳ", "2025-05-31", "2026-01-15", "2026-05-31", warn="Mỗi học kỳ hiểu là"),
    every("Hằng học kỳ", "2025-05-31", "2026-01-15", "2026-05-31", warn="hãy kiểm tra"),
    # Several deadlines of one year, said as deadlines: each its own (were refused).
    every("Trước 30/6/2025 và trước 31/12/2025", "2025-06-29", "2025-12-30", inclusive=False),
    every(
        "Đợt 1: trước 30/6/2025; Đợt 2: trước 31/12/2025",
        "2025-06-29",
        "2025-12-30",
        inclusive=False,
    ),
    every(
        "Trước 15/01/2026 (đối với học kỳ I) và trước 31/5/2026 (đối với cả năm)",
        "2026-01-14",
        "2026-05-30",
        inclusive=False,
    ),
    every("Đợt 1 tháng 3/2025, đợt 2 tháng 10/2025", "2025-03-31", "2025-10-31"),
    error("Ngày 15/12/2025 và 15/01/2026"),  # two years: which, the office says
    once("Q.I/2026", "2026-03-31"),
    # A happening over a span of days is when it takes place; doing something over a span is
    # a window to act in.
    event("Hội thi diễn ra từ ngày 10/11/2025 đến ngày 14/11/2025", "2025-11-10", "2025-11-14"),
    event("Tập huấn từ ngày 10/11/2025 đến ngày 12/11/2025", "2025-11-10", "2025-11-12"),
    event("Hội thi diễn ra từ ngày 10 đến ngày 14/11/2025", "2025-11-10", "2025-11-14"),
    window("Đăng ký dự thi từ ngày 01/4/2025 đến ngày 15/4/2025", "2025-04-01", "2025-04-15"),
    event("Thời gian thi: từ ngày 02/6/2025 đến ngày 20/6/2025", "2025-06-02", "2025-06-20"),
    event("Thời gian thi thực hành: từ ngày 08/4 đến ngày 12/4/2025", "2025-04-08", "2025-04-12"),
    window("Từ ngày 10/11/2025 đến ngày 14/11/2025", "2025-11-10", "2025-11-14"),
    # Spans of months without a year: the next that has not ended ("Tháng 5 - 6" was 05/06,
    # "Từ tháng 3 đến tháng 5" the end of March).
    window("Tháng 5 - 6", "2025-05-01", "2025-06-30"),
    window("Từ tháng 3 đến tháng 5", "2025-03-01", "2025-05-31"),
    window("Từ tháng 11 đến hết tháng 2", "2025-11-01", "2026-02-28"),
    # The day figures run to is what a report covers, not when it is due.
    none("Số liệu tính đến 30/6/2025"),
    once(
        "Báo cáo (số liệu tính đến ngày 30/6/2025) gửi về Sở trước ngày 15/7/2025",
        "2025-07-14",
        inclusive=False,
    ),
    once(
        "Số liệu chốt đến ngày 31/5/2025; gửi báo cáo trước 10/6/2025",
        "2025-06-09",
        inclusive=False,
    ),
    none("Đến hết ngày 15/3/2025 chỉ có 12 đơn vị báo cáo"),  # what stood on a day
    event("Khối 12 thi thử ngày 20/3/2025", "2025-03-20", None),  # an exam day is a happening
    # Spans of weeks of a month ("Tuần 3-4 tháng 9/2025" was 03/04/2025).
    window("Tuần 3-4 tháng 9/2025", "2025-09-15", "2025-09-28"),
    window("Tuần 1, 2 tháng 9/2025", "2025-09-01", "2025-09-14"),
    window("Tuần 3 - tuần 4 tháng 9", "2025-09-15", "2025-09-28"),
    # A happening named with its year only: its day is asked for, not the year's end.
    error("Kỳ thi tốt nghiệp THPT năm 2026"),
    # Deadlines without their year, each said as one: the next such days.
    every(
        "Trước 30/4 (báo cáo sơ kết), trước 30/11 (báo cáo tổng kết)",
        "2025-04-29",
        "2025-11-29",
        inclusive=False,
    ),
    # A period of a year "và các năm tiếp theo": that period each year from then.
    every("Quý I/2026 và các năm tiếp theo", "2026-03-31", "2027-03-31", "2028-03-31"),
    every("Tháng 9/2025 và các năm tiếp theo", "2025-09-30", "2026-09-30", "2027-09-30"),
    # The Tết season: the holiday the calendar gives, to be checked (was the year's end, or
    # nothing).
    window("Dịp Tết Nguyên đán Bính Ngọ 2026", "2026-02-16", "2026-02-20", warn="kỳ nghỉ Tết"),
    window("Trước, trong và sau Tết Nguyên đán", "2025-01-27", "2025-02-01", warn="hãy kiểm tra"),
    window("Kỳ nghỉ Tết 2027", "2027-02-04", "2027-02-10", warn="kỳ nghỉ Tết"),
    # All through the school year, said without its year: ongoing (were refused).
    continuous("Cả năm học"),
    continuous("Trong năm học này"),
    # A span of days of one month, said with a dash and no year (was refused).
    window("15-20/3", "2025-03-15", "2025-03-20"),
    # From a period on: ongoing from its start; from a school year on, each school year; a span
    # of school years, from the first's start to the last's end (was the first alone).
    continuous("Tháng 10/2025 trở đi", "2025-10-01"),
    every("Kể từ năm học 2025-2026", "2026-05-31", "2027-05-31", "2028-05-31"),
    window("Từ năm học 2025-2026 đến năm học 2027-2028", "2025-09-01", "2028-05-31"),
    # Two cycles in clauses of their own, one day said without "ngày": the other one named.
    every(
        "Báo cáo tháng gửi trước ngày 25; báo cáo năm trước 15/12",
        "2025-01-24",
        "2025-02-24",
        "2025-03-24",
        inclusive=False,
        warn="hai chu kỳ",
    ),
]

# The same phrases as people and PDF extractors also write them.
VARIANT_SOURCES = [
    "Hoàn thành trong Quý IV/2024",
    "Hàng năm",
    "Hằng năm",
    "trước ngày 05/02/2025",
    "Tháng 9/2025",
    "6 tháng đầu năm 2025",
    "Trước ngày 15/12 hằng năm",
    "trước ngày 20 của tháng cuối quý",
    "Năm học 2024-2025",
    "Học kỳ I năm học 2024-2025",
    "Giai đoạn 2025-2030",
    "Thường xuyên",
    "từ 14h00 đến 17h00 ngày 06/02/2025 (thứ Năm)",
    "Trung tâm Giáo dục thường xuyên",
    "chậm nhất ngày 20/11/2025",
    "định kỳ 6 tháng",
]


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D")


def _variants() -> list[Case]:
    from dataclasses import replace

    by_text = {c.text: c for c in BASE if c.reference == REFERENCE}
    out = []
    for source in VARIANT_SOURCES:
        case = by_text[source]
        for text in (
            _strip_marks(source),
            unicodedata.normalize("NFD", source),
            source.upper(),
            source.replace(" ", "\n", 2),
        ):
            out.append(replace(case, text=text))
    return out


CASES: list[Case] = BASE + _variants()
