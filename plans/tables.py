"""Task tables with real cells — from DOCX, PDF tables or the office's Excel/CSV template.

Columns are found by their header (TT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian
thực hiện, and in the template a checklist and a report day), in any order. A header row
repeated on a new page is skipped; a row with no TT continues the row above (a cell cut by a
page break); a row whose TT is a whole number is a section heading.
"""

from __future__ import annotations

import re
from datetime import date

from jobs.timeline import ReportDays, TimelineError, fold, report_day_mapping
from plans.model import FormField, FormSpec, Reading, Section, TaskRow
from plans.text import split_agencies

COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("ref", ("tt", "stt", "so tt")),
    ("title", ("nhiem vu", "noi dung", "ten nhiem vu")),
    ("lead", ("chu tri",)),
    ("coordinators", ("phoi hop",)),
    ("timeline", ("thoi gian", "thoi han", "tien do")),
    ("checklist", ("danh muc kiem tra", "checklist", "viec can lam")),
    ("report_day", ("ngay bao cao",)),
]
REQUIRED = {"ref": "TT", "title": "Nhiệm vụ", "lead": "Cơ quan chủ trì",
            "timeline": "Thời gian thực hiện"}  # fmt: skip


class PlanReadError(ValueError):
    """The document cannot be read as a plan; the message says why, in Vietnamese."""


def columns_of(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = re.sub(r"\s+", " ", fold(cell or "")).strip()
        for key, names in COLUMNS:
            if key in found:
                continue
            if label in names or any(name in label for name in names if len(name) > 3):
                found[key] = index
                break
    return found


def is_task_header(row: list[str]) -> bool:
    cols = columns_of(row)
    return "ref" in cols and "title" in cols


def is_form_header(row: list[str]) -> bool:
    labels = [fold(c or "") for c in row]
    return bool(labels) and labels[0] in ("tt", "stt") and not is_task_header(row) and len(row) > 2


def tasks_from_table(
    table: list[list[str]], reference: date
) -> tuple[list[Section], list[TaskRow]]:
    if not table:
        return [], []
    header = [c or "" for c in table[0]]
    cols = columns_of(header)
    missing = [label for key, label in REQUIRED.items() if key not in cols]
    if missing:
        raise PlanReadError("Bảng nhiệm vụ thiếu cột: " + ", ".join(missing))

    def cell(row: list[str], key: str) -> str:
        index = cols.get(key)
        if index is None or index >= len(row):
            return ""
        return re.sub(r"\s+", " ", (row[index] or "")).strip()

    sections: list[Section] = []
    rows: list[dict[str, str]] = []
    section = ""
    for raw in table[1:]:
        row = [c or "" for c in raw]
        if not any(c.strip() for c in row) or is_task_header(row):
            continue
        ref = cell(row, "ref").rstrip(".")
        if not ref:
            if rows:  # the rest of a row cut by a page break
                for key in ("title", "lead", "coordinators", "timeline", "checklist"):
                    more = cell(row, key)
                    if more:
                        rows[-1][key] = f"{rows[-1][key]} {more}".strip()
            continue
        if re.fullmatch(r"\d+|[IVXLC]+", ref):
            section = ref
            title = cell(row, "title") or next((c.strip() for c in row[1:] if c.strip()), "")
            sections.append(Section(ref, re.sub(r"\s+", " ", title)))
            continue
        rows.append(
            {"ref": ref, "section": section, **{key: cell(row, key) for key, _ in COLUMNS[1:]}}
        )
    tasks = []
    for row in rows:
        report_days = None
        if row["report_day"]:
            try:
                report_days = ReportDays.from_mapping(report_day_mapping(row["report_day"]))
            except (TimelineError, ValueError):
                raise PlanReadError(
                    f"Nhiệm vụ {row['ref']}: ngày báo cáo không hợp lệ {row['report_day']!r}"
                ) from None
        tasks.append(
            TaskRow(
                ref=row["ref"],
                section=row["section"],
                title=row["title"],
                lead=split_agencies(row["lead"]),
                coordinators=split_agencies(row["coordinators"]),
                timeline=Reading.of(row["timeline"], reference, report_days),
                checklist=tuple(
                    item.strip() for item in re.split(r"[;\n]", row["checklist"]) if item.strip()
                ),
                report_day=row["report_day"],
            )
        )
    return sections, tasks


def form_from_table(title: str, header: list[str]) -> FormSpec:
    """A table to fill in: its columns (but TT and the unit's own name) become questions."""
    labels = [re.sub(r"\s+", " ", c or "").strip() for c in header]
    fields = tuple(
        FormField(label, "number" if fold(label).startswith("so ") else "text")
        for label in labels
        if label and fold(label) not in ("tt", "stt", "don vi", "ten don vi")
    )
    return FormSpec(title, fields)
