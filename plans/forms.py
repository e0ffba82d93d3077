"""Forms a unit fills in (a plan's appendix table): definition, one question at a time,
validation, repeated groups, summary.

Pure. A form's answers are a plain dict; where the form is, is computed from the answers
alone, so an interrupted form resumes at the right question after any restart.

Answers look like {"f1": 2, "diem_cau": [{"f2": "…", "f3": "…", "f4": 12}, {…}]}: a number
field with `repeat` says how many times the fields of that group are asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from db.text import clean
from timing.timeline import fold

TYPES = ("number", "text")
MAX_REPEAT = 50
MAX_NUMBER = 1_000_000
MAX_TEXT = 2000


class FormError(ValueError):
    """A form definition that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = "text"
    group: str = ""  # asked once per repetition of this group
    repeat: str = ""  # this number says how many times `repeat`'s group is asked


@dataclass(frozen=True)
class Form:
    title: str
    fields: tuple[Field, ...]

    def group_fields(self, group: str) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.group == group)

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": [
                {k: v for k, v in (("key", f.key), ("label", f.label), ("type", f.type),
                                   ("group", f.group), ("repeat", f.repeat)) if v}
                for f in self.fields
            ]
        }  # fmt: skip


def form_from_json(title: str, data: dict[str, Any]) -> Form:
    """A form from its stored (or office-written) definition, checked."""
    raw = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise FormError("a form needs a list of fields")
    fields = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise FormError(f"field {i}: expected key, label, type")
        key = str(item.get("key") or f"f{i}").strip()
        label = str(item.get("label") or "").strip()
        kind = str(item.get("type") or "text").strip().lower()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", key):
            raise FormError(f"field {i}: key {key!r} must be letters, digits or _")
        if not label:
            raise FormError(f"field {key}: a label (the question) is required")
        if kind not in TYPES:
            raise FormError(f"field {key}: type {kind!r} is not one of {', '.join(TYPES)}")
        fields.append(Field(key, label, kind, str(item.get("group") or "").strip(),
                            str(item.get("repeat") or "").strip()))  # fmt: skip
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise FormError("two fields share a key")
    groups = {f.group for f in fields if f.group}
    for f in fields:
        if f.repeat and (f.type != "number" or f.group):
            raise FormError(f"field {f.key}: only a number outside any group can repeat one")
        if f.repeat and f.repeat not in groups:
            raise FormError(f"field {f.key}: no field is in group {f.repeat!r}")
    for group in groups:
        counters = [f for f in fields if f.repeat == group]
        if len(counters) != 1:
            raise FormError(f"group {group!r} needs exactly one number field that repeats it")
        if keys.index(counters[0].key) > min(keys.index(f.key) for f in fields if f.group == group):
            raise FormError(f"group {group!r}: its count must be asked before it")
    return Form(title, tuple(fields))


def infer_groups(labels_types: list[tuple[str, str]]) -> dict[str, Any]:
    """Fields from an appendix table, with the repeat the table implies: a column "Số lượng
    điểm cầu" followed by columns about "điểm cầu" means those are asked for each point."""
    fields: list[dict[str, Any]] = [
        {"key": f"f{i}", "label": label, "type": kind}
        for i, (label, kind) in enumerate(labels_types, start=1)
    ]
    for i, field in enumerate(fields):
        match = re.match(r"so luong\s+(.+)$", fold(field["label"]))
        if field["type"] != "number" or not match or any(f.get("group") for f in fields[:i]):
            continue
        thing = match.group(1).strip()
        following = [f for f in fields[i + 1 :] if thing in fold(f["label"])]
        if following and following == fields[i + 1 : i + 1 + len(following)]:
            group = re.sub(r"[^a-z0-9]+", "_", thing).strip("_")[:32] or "g"
            field["repeat"] = group
            for f in following:
                f["group"] = group
            break
    return {"fields": fields}


# ---- filling it in -----------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    field: Field
    repetition: int = -1  # which repetition of the field's group (0-based); -1 outside groups
    of: int = 0  # how many repetitions


def next_question(form: Form, answers: dict[str, Any]) -> Question | None:
    """The first question not answered yet, or None when the form is complete."""
    done_groups: set[str] = set()
    for field in form.fields:
        if not field.group:
            if field.key not in answers:
                return Question(field)
            continue
        if field.group in done_groups:
            continue
        done_groups.add(field.group)
        counter = next(f for f in form.fields if f.repeat == field.group)
        count = int(answers.get(counter.key) or 0)
        rows = answers.get(field.group) or []
        for r in range(count):
            row = rows[r] if r < len(rows) else {}
            for member in form.group_fields(field.group):
                if member.key not in row:
                    return Question(member, r, count)
    return None


def parse_value(field: Field, raw: str) -> tuple[Any, str | None]:
    """The typed value, or the catalog key of what is wrong with it."""
    text = raw.strip()
    if field.type == "number":
        digits = text.replace(".", "").replace(",", "").replace(" ", "")
        if not re.fullmatch(r"\d+", digits) or not re.fullmatch(r"\d{1,3}([., ]?\d{3})*", text):
            return None, "form.invalid_number"
        value = int(digits)
        if value > (MAX_REPEAT if field.repeat else MAX_NUMBER):
            return None, "form.too_many" if field.repeat else "form.invalid_number"
        return value, None
    if not text:
        return None, "form.empty"
    if len(text) > MAX_TEXT:
        return None, "form.too_long"
    return text, None


def answer(form: Form, answers: dict[str, Any], raw: str) -> tuple[dict[str, Any], str | None]:
    """Put `raw` as the answer to the current question: (new answers, error key or None)."""
    question = next_question(form, answers)
    if question is None:
        return answers, None
    value, problem = parse_value(question.field, clean(raw, 2000))
    if problem is not None:
        return answers, problem
    new = {k: (list(v) if isinstance(v, list) else v) for k, v in answers.items()}
    field = question.field
    if not field.group:
        new[field.key] = value
        if field.repeat:  # fewer repetitions than before: drop the extra rows
            new[field.repeat] = [dict(r) for r in (new.get(field.repeat) or [])[:value]]
        return new, None
    rows = [dict(r) for r in (new.get(field.group) or [])]
    while len(rows) <= question.repetition:
        rows.append({})
    rows[question.repetition][field.key] = value
    new[field.group] = rows
    return new, None


def summary(form: Form, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) lines in the order asked; a repeated group's labels are numbered."""
    lines: list[tuple[str, str]] = []
    shown: set[str] = set()
    for field in form.fields:
        if not field.group:
            lines.append((field.label, str(answers.get(field.key, ""))))
            continue
        if field.group in shown:
            continue
        shown.add(field.group)
        for r, row in enumerate(answers.get(field.group) or [], start=1):
            for member in form.group_fields(field.group):
                lines.append((f"{member.label} ({r})", str(row.get(member.key, ""))))
    return lines


# ---- office-written definitions ----------------------------------------------------------

TEMPLATE_HEADER = ("key", "label", "type", "group", "repeat")


def read_form_file(path: Any) -> Form:
    """A form the office wrote: YAML ({title, fields: [{key, label, type, group, repeat}]})
    or the Excel template (`nhacviec form template`). Checked; FormError says what is wrong."""
    from pathlib import Path

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise FormError(f"{path.name}: not readable YAML ({error})") from None
        if not isinstance(data, dict):
            raise FormError(f"{path.name}: expected 'title' and 'fields'")
        return form_from_json(str(data.get("title") or ""), data)
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise FormError(f"{path.name}: not a readable Excel file ({error})") from None
        rows = [["" if v is None else str(v).strip() for v in row]
                for row in sheet.iter_rows(values_only=True)]  # fmt: skip
        title = ""
        fields: list[dict[str, str]] = []
        header: list[str] | None = None
        for row in rows:
            if not any(row):
                continue
            if header is None and row and fold(row[0]) in ("tieu de", "title"):
                title = row[1] if len(row) > 1 else ""
            elif header is None and [fold(c) for c in row[:2]] == ["key", "label"]:
                header = [fold(c) for c in row]
            elif header is not None:
                fields.append({h: row[i] if i < len(row) else "" for i, h in enumerate(header)})
        if header is None:
            raise FormError(f"{path.name}: no header row 'key, label, type, group, repeat'")
        return form_from_json(title, {"fields": fields})
    raise FormError(f"{path.name}: a form is a .yaml or .xlsx file")


def write_form_template(path: Any) -> None:
    """The Excel template, filled with seed 004's bridge-point form as the example."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Biểu mẫu"
    sheet.append(["Tiêu đề", "Thông tin về các điểm cầu cơ sở"])
    sheet.append([])
    sheet.append(list(TEMPLATE_HEADER))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.append(["so_diem_cau", "Số lượng điểm cầu", "number", "", "diem_cau"])
    sheet.append(["dia_diem", "Địa điểm đặt điểm cầu", "text", "diem_cau", ""])
    sheet.append(["don_vi", "Tên các đơn vị tại điểm cầu", "text", "diem_cau", ""])
    sheet.append(["so_cbql_gv", "Số lượng CBQL, GV tại điểm cầu", "number", "diem_cau", ""])
    for column, width in zip("ABCDE", (18, 44, 10, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(path)
