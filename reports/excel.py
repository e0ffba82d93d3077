"""The plan's workbook (openpyxl) and the CSV: what the office takes away.

Sheets: "Tổng hợp" (units × tasks, coloured by status), "Chi tiết" (one row per unit and
task, with notes and explanations), "Trả lời" (every answer), and for each task with a form a
sheet laid out like the plan's appendix. Vietnamese headers, a title row with the plan's
number and date, frozen headers, real dates. A cell that would start a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from db.models import Plan
from duties.model import Duty
from duties.rules import ORDER, Category, label
from reports.data import FormSheet, PlanReport
from texts.periods import period_name

FILLS = {
    Category.DONE_ON_TIME: "C6EFCE",
    Category.DONE_LATE: "FFEB9C",
    Category.IN_PROGRESS_ON_TIME: "DDEBF7",
    Category.IN_PROGRESS_LATE: "F8CBAD",
    Category.NOT_REPORTED: "EDEDED",
    Category.BLOCKED: "FF9999",
}
ROLE = {"lead": "Chủ trì", "coordinator": "Phối hợp"}
STATUS = {"done": "Hoàn thành", "in_progress": "Đang thực hiện", "blocked": "Vướng mắc",
          "not_started": "Chưa báo cáo"}  # fmt: skip
DETAIL_HEADER = ("Kế hoạch", "Nhiệm vụ", "Nội dung", "Kỳ", "Hạn", "Mã đơn vị", "Đơn vị",
                 "Vai trò", "Trạng thái", "Ngày báo cáo", "Ghi chú", "Giải trình")  # fmt: skip
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CHASE = Font(bold=True, color="9C0006")  # "Chưa báo cáo" past its day: what the office chases
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 4  # below the three title rows
LINE_POINTS = 15  # one line of 11-point text


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, as wide as the page, the header row on every page, pages numbered."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Trang &P / &N"


def _grid_and_heights(sheet: Worksheet, first: int, last: int, widths: list[float]) -> None:
    """Borders around every cell of the table, and each row as tall as its wrapped text (a
    spreadsheet program does not grow a row it reads from a file, so text would overlap)."""
    for row in range(first, last + 1):
        lines = 1
        for column, width in enumerate(widths, start=1):
            cell = sheet.cell(row, column)
            cell.border = GRID
            if row > first:  # every cell of a row starts at its top, wrapped, as a clerk reads it
                cell.alignment = WRAP
            value = cell.value
            if isinstance(value, str) and value:
                per_line = max(int(width * 1.15), 4)
                wanted = sum(-(-max(len(part), 1) // per_line) for part in value.split("\n"))
                lines = max(lines, wanted)
        if lines > 1 or row == first:
            sheet.row_dimensions[row].height = LINE_POINTS * max(lines, 2 if row == first else 1)


def safe(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (= + - @, or a tab/CR first) is kept as
    text by a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """The one way a row enters a sheet: every text is made safe (a task ref, a question
    label, a unit name all come from a document or a person)."""
    sheet.append([safe(v) for v in values])


def sheet_name(book: Workbook, wanted: str) -> str:
    """A sheet name Excel accepts (no : \\ / ? * [ ], at most 31 characters, no apostrophe
    at either end) and not yet used in the book."""
    name = re.sub(r"[:\\/?*\[\]]", "-", wanted).strip("'").strip() or "Trang"
    name, base, n = name[:31], name[:28], 1
    while name in book.sheetnames:
        n += 1
        name = f"{base} {n}"[:31]
    return name


def _naive(moment: datetime | None, tz: Any) -> datetime | None:
    # Excel has no time zones: local time, as the office reads it.
    return None if moment is None else moment.astimezone(tz).replace(tzinfo=None)


def _title(sheet: Worksheet, report: PlanReport, heading: str, width: int, now: datetime,
           tz: Any) -> None:  # fmt: skip
    plan = report.plan
    dated = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
    _append(sheet, [f"{heading} — Kế hoạch số {plan.number or plan.id}{dated}"])
    _append(sheet, [plan.title[:250]])
    _append(sheet, [f"Xuất lúc {now.astimezone(tz):%H:%M %d/%m/%Y}"])
    sheet["A1"].font = Font(bold=True, size=13)
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))


def _header(sheet: Worksheet, values: Iterable[str]) -> None:
    _append(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(sheet: Worksheet, widths: Iterable[float]) -> list[float]:
    widths = list(widths)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    return widths


def workbook(report: PlanReport, now: datetime, tz: Any) -> Workbook:
    book = Workbook()
    matrix = book.active
    assert matrix is not None
    matrix.title = "Tổng hợp"
    _matrix(matrix, report, now, tz)
    _details(book.create_sheet("Chi tiết"), report, now, tz)
    _answers(book.create_sheet("Trả lời"), report, now, tz)
    for form in report.forms:
        name = sheet_name(book, f"Biểu mẫu {form.task_ref}")
        _form(book.create_sheet(name), report, form, now, tz)
    return book


def workbook_bytes(report: PlanReport, now: datetime, tz: Any) -> bytes:
    buffer = io.BytesIO()
    workbook(report, now, tz).save(buffer)
    return buffer.getvalue()


def _columns(rows: list[Duty]) -> list[tuple[int, str, str]]:
    """(task id, period, heading) in the plan's order."""
    seen: dict[tuple[int, str], tuple[int, datetime, str]] = {}
    for r in rows:
        key = (r.task_id, r.period_key)
        if key not in seen:
            named = period_name(r.period_key)
            heading = f"{r.task_ref} ({named})" if named else r.task_ref
            seen[key] = (r.task_position, r.due_at, heading)
    ordered = sorted(seen.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    return [(task_id, period, heading) for (task_id, period), (_, _, heading) in ordered]


def _matrix(sheet: Worksheet, report: PlanReport, now: datetime, tz: Any) -> None:
    columns = _columns(report.rows)
    _title(sheet, report, "Tổng hợp tình hình thực hiện", 2 + 2 * len(columns), now, tz)
    header = ["TT", "Đơn vị"]
    for _, _, heading in columns:
        header += [f"{heading}: trạng thái", f"{heading}: ngày báo cáo"]
    _header(sheet, header)
    units: dict[int, str] = {}
    cells: dict[tuple[int, int, str], Duty] = {}
    for r in report.rows:
        units.setdefault(r.unit_id, r.unit_name)
        cells[(r.unit_id, r.task_id, r.period_key)] = r
    for number, (unit_id, name) in enumerate(sorted(units.items(), key=lambda u: u[1]), 1):
        line: list[Any] = [number, name]
        for task_id, period, _ in columns:
            row = cells.get((unit_id, task_id, period))
            line += [label(row.category), _naive(row.answered_at, tz)] if row else ["", None]
        _append(sheet, line)
        excel_row = sheet.max_row
        for i, (task_id, period, _) in enumerate(columns):
            row = cells.get((unit_id, task_id, period))
            if row is not None:
                status_cell = sheet.cell(excel_row, 3 + 2 * i)
                status_cell.fill = PatternFill("solid", fgColor=FILLS[row.category])
                status_cell.alignment = WRAP
                if row.category == Category.NOT_REPORTED and row.overdue:
                    status_cell.font = CHASE
                sheet.cell(excel_row, 4 + 2 * i).number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "C5"
    widths = _widths(sheet, [5, 34] + [20, 15] * len(columns))
    _grid_and_heights(sheet, HEADER_ROW, sheet.max_row, widths)
    _legend_and_totals(sheet, report.rows)
    _print_setup(sheet)


def _legend_and_totals(sheet: Worksheet, rows: list[Duty]) -> None:
    """What each colour means, how many of each, and each district's part."""
    start = sheet.max_row + 2
    sheet.cell(start, 2, "Chú giải và tổng cộng").font = BOLD
    counts = {category: 0 for category in ORDER}
    for r in rows:
        counts[r.category] += 1
    line = start + 1
    for category in ORDER:
        name = sheet.cell(line, 2, label(category))
        name.fill = PatternFill("solid", fgColor=FILLS[category])
        name.border = GRID
        total = sheet.cell(line, 3, counts[category])
        total.border = GRID
        line += 1
    sheet.cell(line, 2, "Tổng số lượt").font = BOLD
    sheet.cell(line, 3, len(rows)).font = BOLD
    chase = sum(1 for r in rows if r.category == Category.NOT_REPORTED and r.overdue)
    sheet.cell(line + 1, 2, "Chữ đỏ đậm: chưa báo cáo, đã quá hạn — cần đôn đốc").font = CHASE
    sheet.cell(line + 1, 3, chase)
    districts: dict[str, list[Duty]] = {}
    for r in rows:
        districts.setdefault(r.unit_district or "Không thuộc quận/huyện", []).append(r)
    if len(districts) > 1:
        line += 3
        titles = ("Theo quận/huyện", "Số lượt", "Hoàn thành", "Chưa báo cáo, quá hạn")
        for column, title in enumerate(titles, start=2):
            cell = sheet.cell(line, column, title)
            cell.font, cell.border = BOLD, GRID
        for name, part in sorted(districts.items()):
            line += 1
            done = sum(1 for r in part if r.status == "done")
            late = sum(1 for r in part if r.category == Category.NOT_REPORTED and r.overdue)
            for column, value in enumerate((name, len(part), done, late), start=2):
                sheet.cell(line, column, safe(value)).border = GRID


def detail_rows(rows: Iterable[Duty], tz: Any) -> list[list[Any]]:
    return [
        [r.plan_ref, r.task_ref, r.task_title, period_name(r.period_key) or "Một lần",
         r.due_at.astimezone(tz).date(), r.unit_code, r.unit_name, ROLE.get(r.role, r.role),
         label(r.category), _naive(r.answered_at, tz), r.note, r.explanation]
        for r in rows
    ]  # fmt: skip


def _details(sheet: Worksheet, report: PlanReport, now: datetime, tz: Any) -> None:
    _title(sheet, report, "Chi tiết theo đơn vị", len(DETAIL_HEADER), now, tz)
    _header(sheet, DETAIL_HEADER)
    for line in detail_rows(report.rows, tz):
        _append(sheet, line)
        excel_row = sheet.max_row
        sheet.cell(excel_row, 5).number_format = "dd/mm/yyyy"
        sheet.cell(excel_row, 10).number_format = "dd/mm/yyyy hh:mm"
        for column in (3, 7, 9, 11, 12):
            sheet.cell(excel_row, column).alignment = WRAP
    sheet.freeze_panes = "A5"
    widths = _widths(sheet, [14, 8, 42, 14, 11, 17, 28, 9, 20, 15, 30, 26])
    _grid_and_heights(sheet, HEADER_ROW, sheet.max_row, widths)
    _print_setup(sheet)


def _answers(sheet: Worksheet, report: PlanReport, now: datetime, tz: Any) -> None:
    header = ("Thời điểm", "Nhiệm vụ", "Kỳ", "Mã đơn vị", "Đơn vị", "Trạng thái", "Quá hạn",
              "Ghi chú", "Người trả lời", "Tệp đính kèm")  # fmt: skip
    _title(sheet, report, "Các báo cáo đã nhận", len(header), now, tz)
    _header(sheet, header)
    for a in report.answers:
        _append(sheet, (
            _naive(a.at, tz), a.task_ref, period_name(a.period_key) or "Một lần", a.unit_code,
            a.unit_name,
            STATUS.get(a.status, a.status), "Có" if a.late else "Không", a.note, a.who, a.files,
        ))  # fmt: skip
        sheet.cell(sheet.max_row, 1).number_format = "dd/mm/yyyy hh:mm"
        for column in (5, 8, 9, 10):
            sheet.cell(sheet.max_row, column).alignment = WRAP
    sheet.freeze_panes = "A5"
    widths = _widths(sheet, [16, 8, 14, 13, 30, 15, 8, 44, 22, 26])
    _grid_and_heights(sheet, HEADER_ROW, sheet.max_row, widths)
    _print_setup(sheet)


def _form(sheet: Worksheet, report: PlanReport, form: FormSheet, now: datetime,
          tz: Any) -> None:  # fmt: skip
    """Laid out like the plan's appendix: a row per repetition (a bridge point), the unit and
    its own answers merged down beside them."""
    fields = form.fields.get("fields") or []
    top = [f for f in fields if not f.get("group")]
    grouped = [f for f in fields if f.get("group")]
    header = ["TT", "Đơn vị"] + [f["label"] for f in top] + [f["label"] for f in grouped]
    _title(sheet, report, form.title or f"Biểu mẫu {form.task_ref}", len(header), now, tz)
    _header(sheet, header)
    for number, (unit_name, answers, _) in enumerate(form.submissions, start=1):
        group = grouped[0]["group"] if grouped else ""
        repeats = list(answers.get(group) or []) or [{}]
        first = sheet.max_row + 1
        for i, rep in enumerate(repeats):
            base = [number, unit_name] + [answers.get(f["key"], "") for f in top]
            if i:
                base = [None] * (2 + len(top))
            _append(sheet, base + [rep.get(f["key"], "") for f in grouped])
        last = sheet.max_row
        if last > first:
            for column in range(1, 3 + len(top)):
                sheet.merge_cells(start_row=first, start_column=column, end_row=last,
                                  end_column=column)  # fmt: skip
                sheet.cell(first, column).alignment = WRAP
    sheet.freeze_panes = "A5"
    widths = _widths(sheet, [5, 34] + [24] * (len(header) - 2))
    _grid_and_heights(sheet, HEADER_ROW, sheet.max_row, widths)
    _print_setup(sheet)


def csv_text(rows: Iterable[Duty], tz: Any) -> str:
    """The details as CSV (UTF-8 with a BOM so Excel reads the Vietnamese right)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(DETAIL_HEADER)
    for line in detail_rows(rows, tz):
        writer.writerow([safe(v.isoformat() if hasattr(v, "isoformat") else v)
                         if v is not None else "" for v in line])  # fmt: skip
    return buffer.getvalue()


def export_name(plan: Plan) -> str:
    """The workbook's file name: the plan's number, made safe for a file system."""
    base = re.sub(r"[^\w-]+", "-", plan.number or f"ke-hoach-{plan.id}").strip("-")
    return f"tong-hop-{base}.xlsx"
