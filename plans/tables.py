"""Task tables with real cells — from DOCX, PDF tables or the office's Excel/CSV template.

A task table is known by what its header says, not by exact words: each column is given a role
by the synonyms offices use (Nhiệm vụ / Nội dung công việc; Cơ quan / Đơn vị chủ trì / đầu mối
/ thực hiện; phối hợp; Thời gian / Thời hạn thực hiện…), in any order, over one header row or two
(a group label such as "Đơn vị thực hiện" over "Chủ trì | Phối hợp"). Columns with no role
(Sản phẩm, Ghi chú, anything else) are kept as text beside the task.

Rows are told apart by what they hold: a row with an agency or a timeline is a task, whatever
its number looks like ("1", "1.2", "2.1."); a row that only names something (a Roman or letter
heading, "Học kỳ 1", "2 | Công tác nhân sự" with nothing else) is a section; a numberless row
that starts lower-case continues the cell above (cut by a page break); a numberless row with
its own agency is a sub-task of the row above and shares its timeline when it has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from plans.agencies import agency_list, lead_and_coordinators
from plans.model import FormField, FormSpec, Reading, Section, TaskRow
from timing.timeline import ReportDays, TimelineError, fold, report_day_mapping

# Checked in this order for each column; a column takes the first role whose words it has.
# "Thời gian thực hiện" must be a timeline before "thực hiện" can make a lead, and "Đơn vị
# thực hiện — Phối hợp" coordinators before "Đơn vị thực hiện" makes it a lead.
ROLES: list[tuple[str, tuple[str, ...]]] = [
    ("checklist", ("danh muc kiem tra", "checklist", "viec can lam")),
    ("report_day", ("ngay bao cao",)),
    ("timeline", ("thoi gian", "thoi han", "tien do", "han hoan thanh", "ngay hoan thanh",
                  "han chot", "moc thoi gian")),
    ("coordinators", ("phoi hop", "cho y kien", "tham gia")),
    ("lead", ("chu tri", "dau moi", "thuc hien", "chiu trach nhiem", "phu trach")),
    ("title", ("nhiem vu", "noi dung", "cong viec", "ten ", "de an", "van ban", "hoat dong",
               "chi tieu", "giai phap", "chuong trinh", "viec")),
    ("product", ("san pham", "ket qua")),
    ("note", ("ghi chu",)),
]  # fmt: skip
REFS = ("tt", "stt", "so tt", "so thu tu")
ROLE_NAMES = {"ref": "số thứ tự", "title": "nhiệm vụ", "lead": "chủ trì",
              "coordinators": "phối hợp", "timeline": "thời hạn", "checklist": "danh mục kiểm tra",
              "report_day": "ngày báo cáo"}  # fmt: skip
TEMPLATE_REQUIRED = {"ref": "TT", "title": "Nhiệm vụ", "lead": "Cơ quan chủ trì",
                     "timeline": "Thời gian thực hiện"}  # fmt: skip
ROMAN = re.compile(r"[IVXLC]+")
REF = re.compile(r"^(?:(\d{1,3}(?:\.\d{1,3})*)|([IVXLC]+)|([A-ZĐa-zđ]))[.)]?(?:\s+|$)")


class PlanReadError(ValueError):
    """The document cannot be read as a plan; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Layout:
    """Where each role sits in a task table, and how many rows its header takes."""

    header_rows: int
    roles: dict[str, int]
    labels: tuple[str, ...]
    extras: tuple[int, ...]

    def describe(self) -> str:
        """What the office sees: which column was taken as what."""
        taken = [f"“{self.labels[i]}” → {ROLE_NAMES[role]}" for role, i in self.roles.items()
                 if role in ROLE_NAMES]  # fmt: skip
        kept = [f"“{self.labels[i]}”" for role, i in self.roles.items() if role not in ROLE_NAMES]
        kept += [f"“{self.labels[i]}”" for i in self.extras if self.labels[i]]
        text = "; ".join(taken)
        if kept:
            text += "; giữ kèm: " + ", ".join(kept)
        return text


@dataclass
class TableReading:
    sections: list[Section] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    layout: Layout | None = None


def _label(cell: str | None) -> str:
    return re.sub(r"\s+", " ", fold(cell or "")).strip(" :.")


def _is_ref_label(label: str) -> bool:
    return label in REFS


def _roles(labels: list[str], fallback: bool = True) -> tuple[dict[str, int], list[int]]:
    roles: dict[str, int] = {}
    extras: list[int] = []
    for index, label in enumerate(labels):
        if not label:
            extras.append(index)
            continue
        if _is_ref_label(label):
            if "ref" not in roles:
                roles["ref"] = index
            continue
        padded = label + " "
        role = next((key for key, words in ROLES if any(w in padded for w in words)), None)
        if role is None and label.startswith(("co quan", "don vi ")):
            role = "lead"  # "Cơ quan/đơn vị", "Đơn vị được giao"; not "Tên các đơn vị"
        # "Đơn vị" alone is a unit of measure (%, Công trình), not who acts.
        if role is None or role in roles or (role == "lead" and label == "don vi"):
            extras.append(index)
        else:
            roles[role] = index
    if "title" not in roles and fallback:
        # The text column nobody claimed, first after the number: "Tên văn bản", "Đối tượng".
        free = [i for i in extras if labels[i] and i > roles.get("ref", -1)]
        if free:
            roles["title"] = free[0]
            extras.remove(free[0])
    return roles, extras


def _is_header_continuation(top: list[str], row: list[str]) -> bool:
    """A second header row: under a merged first column (empty, or repeated by the reader),
    short labels only, and no date or reference number among them."""
    if not row or not any(c.strip() for c in row):
        return False
    first = (row[0] or "").strip()
    if first and first != (top[0] or "").strip():
        return False
    cells = [c.strip() for c in row if c and c.strip()]
    if not all(len(c) <= 60 and not re.search(r"\d{1,2}\s*/\s*\d{1,2}", c) for c in cells):
        return False
    # Some label above spans columns (its other cells empty or repeated by the reader): a
    # header whose every column is named already is complete, and the row under it is data
    # (a row continued from the page before has no number and no date either).
    above = [(c or "").strip() for c in top]
    return any(
        index < len(above)
        and (
            not above[index]
            or (index > 0 and above[index] == above[index - 1])
            or (index + 1 < len(above) and above[index] == above[index + 1])
        )
        for index, cell in enumerate(row)
        if (cell or "").strip()
    )


def table_layout(table: list[list[str]]) -> Layout | None:
    """The task-table layout of `table` when its header makes it one, else None."""
    if not table or not table[0]:
        return None
    top = [c or "" for c in table[0]]
    if REF.match((top[0] or "").strip() + " ") and re.match(r"\s*[\dIVX]", top[0] or ""):
        return None  # a numbered row: the data of a table whose header is on an earlier page
    if any(len(c) > 80 or re.search(r"\d{1,2}\s*/\s*\d{1,2}\s*/", c) for c in top):
        return None  # a header names columns; it holds no paragraph and no date
    labels = [_label(c) for c in top]
    header_rows = 1
    if len(table) > 1:
        below = [c or "" for c in table[1]]
        if _is_header_continuation(top, below):
            header_rows = 2
            group = ""
            merged = []
            for index, label in enumerate(labels):
                under = _label(below[index]) if index < len(below) else ""
                group = label or group  # a merged group label covers the empty cells after it
                if under and under != label:
                    merged.append(f"{group} {under}".strip())
                else:
                    merged.append(label)
                    if label:
                        group = label
            labels = merged
    roles, extras = _roles(labels)
    if "title" not in roles or not ({"lead", "timeline"} & roles.keys()):
        return None
    shown = _shown_labels(table[:header_rows], len(labels))
    return Layout(header_rows, roles, tuple(shown), tuple(extras))


def _shown_labels(header: list[list[str]], width: int) -> list[str]:
    shown = []
    for index in range(width):
        parts: list[str] = []
        for row in header:
            cell = re.sub(r"\s+", " ", (row[index] or "") if index < len(row) else "").strip()
            if cell and cell not in parts:
                parts.append(cell)
        shown.append(" — ".join(parts))
    return shown


def missing_roles(row: list[str]) -> list[str]:
    """What a numbered table of tasks lacks to be read as one (empty when it is one, or when it
    is no such table)."""
    labels = [_label(c) for c in row]
    roles, _ = _roles(labels, fallback=False)
    if "ref" not in roles or "title" not in roles or {"lead", "timeline"} & roles.keys():
        return []
    if not any(w in labels[roles["title"]] for w in ("nhiem vu", "noi dung", "cong viec")):
        return []  # "Tên các đơn vị" in a form to fill in
    return [TEMPLATE_REQUIRED["lead"], TEMPLATE_REQUIRED["timeline"]]


def is_task_header(row: list[str]) -> bool:
    return table_layout([row]) is not None


def is_form_header(row: list[str]) -> bool:
    labels = [fold(c or "") for c in row]
    return bool(labels) and labels[0] in ("tt", "stt") and not is_task_header(row) and len(row) > 2


@dataclass
class _Row:
    ref: str
    section: str
    cells: dict[str, str]
    extra: list[tuple[str, str]]
    parent: _Row | None = None


# Where a narrow cell broke a word, not between words: a code cut after its hyphen
# ("22/QĐ-" ⏎ "ĐHVN") or an abbreviation's last letter wrapped alone ("KT&ĐBC" ⏎ "L").
CUT_CODE = re.compile(r"(?<=\S-)\n(?=[A-ZĐÀ-Ỹ0-9])")
CUT_LETTER = re.compile(r"(?<=[A-ZĐ&]{3})\n(?=[A-ZĐ]\)?\s*(?:\n|$))")


def joined_lines(text: str) -> str:
    """A cell's lines as one line."""
    text = CUT_LETTER.sub("", CUT_CODE.sub("", text.strip()))
    return re.sub(r"\s+", " ", text).strip()


def tasks_from_table(table: list[list[str]], reference: date) -> TableReading:
    layout = table_layout([[c or "" for c in row] for row in table])
    if layout is None:
        return TableReading()
    roles = layout.roles

    def cell(row: list[str], index: int | None) -> str:
        if index is None or index >= len(row):
            return ""
        return joined_lines(row[index] or "")

    reading = TableReading(layout=layout)
    rows: list[_Row] = []
    top_section = ""  # a Roman or letter heading
    section = ""
    for raw in table[layout.header_rows :]:
        row = [c or "" for c in raw]
        texts = [c.strip() for c in row if c and c.strip()]
        if not texts or table_layout([row]) is not None:
            continue  # empty, or the header repeated on a new page
        values = {key: cell(row, index) for key, index in roles.items()}
        # "2.1 ." — a narrow number column wrapped its last dot
        ref_text = re.sub(r"\s+(?=[.)]$)", "", values.get("ref", ""))
        title = values.get("title", "")
        distinct = list(dict.fromkeys(texts))
        acts = bool(values.get("lead") or values.get("timeline"))
        # One text alone: a heading when it stands in the first column (a merged row, as a PDF
        # gives it) or fills several; in the title column alone it is the end of a cut cell.
        first_only = bool(row and (row[0] or "").strip()) and len(texts) == 1 and not acts
        spans = len(distinct) == 1 and (len(texts) > 1 or first_only)
        if spans or (not acts and _heading_ref(ref_text)):
            # A row spanning the table (a merged cell a reader repeats in every column, or one
            # cell and empty ones), or a numbered heading with nobody to act.
            heading = distinct[0] if len(distinct) == 1 else title or distinct[-1]
            ref, name = _split_heading(ref_text, heading)
            if ROMAN.fullmatch(ref) or (ref and ref.isalpha() and ref.isupper()) or not ref:
                top_section = ref or name[:32]
                section = top_section
            else:
                section = f"{top_section}.{ref}" if top_section else ref
            reading.sections.append(Section(section, name))
            continue
        ref = ref_text.rstrip(".)")
        if not ref:
            if rows and (not acts or title[:1].islower()):
                last = rows[-1]  # the rest of a row cut by a page break
                for key, more in values.items():
                    if more and key != "ref":
                        last.cells[key] = f"{last.cells.get(key, '')} {more}".strip()
                continue
            if not acts:
                continue
            parent = next((r for r in reversed(rows) if r.parent is None), None)
            base = parent.ref if parent else "0"
            count = sum(1 for r in rows if r.parent is parent and parent is not None)
            ref = f"{base}{chr(ord('a') + count % 26)}"
            item = _Row(ref, section, values, _extras(row, layout), parent)
        else:
            item = _Row(ref, section, values, _extras(row, layout))
        rows.append(item)
    refs = [r.ref for r in rows]
    qualify = len(set(refs)) < len(refs)
    seen: set[str] = set()
    for item in rows:
        ref = item.ref
        if qualify and item.section:
            top = item.section.split(".")[0]
            ref = f"{top}.{ref}"[:32]
        while ref in seen:
            ref = f"{ref}'"[-32:]
        seen.add(ref)
        timeline_text = item.cells.get("timeline", "")
        if not timeline_text and item.parent is not None:
            timeline_text = item.parent.cells.get("timeline", "")
        reading.tasks.append(_task(ref, item, timeline_text, reference))
    return reading


def _heading_ref(ref: str) -> bool:
    return bool(ref) and bool(REF.match(ref.strip() + " "))


def _split_heading(ref_text: str, heading: str) -> tuple[str, str]:
    """ "I. Xây dựng …" → ("I", "Xây dựng …"); a bare "Học kỳ 1" has no ref."""
    if ref_text and heading != ref_text:
        return ref_text.strip().rstrip(".)"), heading
    match = REF.match(heading)
    if match and match.end() < len(heading):
        return (match.group(1) or match.group(2) or match.group(3)), heading[match.end() :]
    return "", heading


def _extras(row: list[str], layout: Layout) -> list[tuple[str, str]]:
    kept = []
    for index in layout.extras:
        value = re.sub(r"\s+", " ", row[index] or "").strip() if index < len(row) else ""
        if value and layout.labels[index]:
            kept.append((layout.labels[index], value))
    for role in ("product", "note"):
        index = layout.roles.get(role)
        if index is not None and index < len(row) and (row[index] or "").strip():
            kept.append((layout.labels[index], re.sub(r"\s+", " ", row[index]).strip()))
    return kept


def _task(ref: str, item: _Row, timeline_text: str, reference: date) -> TaskRow:
    report_day = item.cells.get("report_day", "")
    report_days = None
    if report_day:
        try:
            report_days = ReportDays.from_mapping(report_day_mapping(report_day))
        except (TimelineError, ValueError):
            raise PlanReadError(
                f"Nhiệm vụ {ref}: ngày báo cáo không hợp lệ {report_day!r}"
            ) from None
    checklist = item.cells.get("checklist", "")

    def listed(key: str) -> str:
        # "- Vụ Đất đai - Cục Quy hoạch …": a list of names written as dashes in one cell.
        return re.sub(r"(?:^|\s)[-–+•]\s+(?=[A-ZĐÀ-Ỹ])", "; ", item.cells.get(key, ""))

    def agencies(key: str) -> tuple[str, ...]:
        return agency_list(listed(key))

    title = item.cells.get("title", "")
    reading = Reading.of(timeline_text, reference, report_days)
    if reading.timeline is not None and reading.timeline.kind == "once" and title:
        # "Lễ Khai giảng | 11/10/2025": the day it takes place, not a deadline.
        happening = Reading.of(f"{title[:120]}: {timeline_text}", reference)
        if happening.timeline is not None and happening.timeline.kind == "event":
            reading = happening
    lead, helpers = lead_and_coordinators(listed("lead"))
    return TaskRow(
        ref=ref,
        section=item.section,
        title=title,
        lead=lead,
        coordinators=agencies("coordinators") + helpers,
        timeline=reading,
        checklist=tuple(item.strip() for item in re.split(r"[;\n]", checklist) if item.strip()),
        report_day=report_day,
        extra=tuple(item.extra),
    )


def template_tasks(table: list[list[str]], reference: date) -> TableReading:
    """The office's own template (Excel/CSV): its columns are required by name."""
    layout = table_layout(table[:1])
    roles = layout.roles if layout else {}
    missing = [label for key, label in TEMPLATE_REQUIRED.items() if key not in roles]
    if missing:
        raise PlanReadError("Bảng nhiệm vụ thiếu cột: " + ", ".join(missing))
    return tasks_from_table(table, reference)


def form_from_table(title: str, header: list[str]) -> FormSpec:
    """A table to fill in: its columns (but TT and the unit's own name) become questions."""
    labels = [re.sub(r"\s+", " ", c or "").strip() for c in header]
    fields = tuple(
        FormField(label, "number" if fold(label).startswith("so ") else "text")
        for label in labels
        if label and fold(label) not in ("tt", "stt", "don vi", "ten don vi")
    )
    return FormSpec(title, fields)
