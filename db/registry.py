"""The unit registry: reading the office's CSV/XLSX, previewing, applying by code."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.models import GroupChat, Member, Unit, UnitGroup
from db.text import folded

SAMPLE_REGISTRY = Path(__file__).parent / "data" / "units_haiphong.csv"
COLUMNS = ("code", "name", "kind", "district", "parent", "groups")
REQUIRED = ("code", "name")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
MAX_FILE_BYTES = 5 * 1024 * 1024


# The column names offices write, folded, for each of ours.
HEADER_NAMES = {
    "code": ("ma", "ma don vi", "ma dv", "ma so"),
    "name": ("ten", "ten don vi", "don vi", "ten truong", "ten co quan"),
    "kind": ("loai", "loai hinh", "loai don vi", "cap hoc"),
    "district": ("quan/huyen", "quan huyen", "quan, huyen", "dia ban", "huyen", "quan/huyen/tx"),
    "parent": ("cap tren", "don vi cap tren", "truc thuoc", "don vi quan ly", "ma cap tren"),
    "groups": ("nhom", "nhom don vi"),
    "phone": ("dien thoai", "so dien thoai", "sdt"),
    "email": ("thu dien tu",),
}


def _column(cell: str) -> str:
    """Our name for a header cell: "Mã" or "Tên đơn vị" as well as "code" or "name"."""
    label = cell.strip().lower()
    key = folded(label.replace("-", " "))
    for name, synonyms in HEADER_NAMES.items():
        if key in synonyms:
            return name
    return label


class RegistryError(ValueError):
    """The file cannot be imported; `problems` name each line and column."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    kind: str = ""
    district: str = ""
    parent: str = ""
    groups: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportPreview:
    new: list[UnitRow] = field(default_factory=list)
    changed: list[tuple[UnitRow, list[str]]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def total(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged


def read_units_file(path: Path) -> list[UnitRow]:
    """Rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or XLSX file."""
    if not path.is_file():
        raise RegistryError([f"{path}: no such file"])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RegistryError([f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _xlsx_rows(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise RegistryError([f"{path}: not UTF-8 text (save the CSV as UTF-8)"]) from None
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else "excel"
        table = [row for row in csv.reader(io.StringIO(text), dialect)]
    return parse_rows(table)


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise RegistryError(
            [f"{path}: not a readable XLSX file ({error.__class__.__name__})"]
        ) from None
    sheet = book.worksheets[0]
    rows = [
        ["" if v is None else str(v).strip() for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return rows


def parse_rows(table: list[list[str]]) -> list[UnitRow]:
    """Validate a table whose first row is the header; every problem names line and column."""
    if not table or not any(cell.strip() for cell in table[0]):
        raise RegistryError(
            ["line 1: the header row is missing (code,name,kind,district,parent,groups)"]
        )
    header = [_column(cell) for cell in table[0]]
    problems = [f"line 1: column '{c}' is missing" for c in REQUIRED if c not in header]
    if problems:
        raise RegistryError(problems)
    rows: list[UnitRow] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        values = {
            name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header) if name
        }
        code, name = values.get("code", ""), values.get("name", "")
        if not code:
            problems.append(f"line {number}, column 'code': empty")
        elif not CODE.match(code):
            problems.append(
                f"line {number}, column 'code': {code!r} may use only letters, digits, "
                "'.', '_', '-'"
            )
        elif code in seen:
            problems.append(f"line {number}, column 'code': {code!r} repeats line {seen[code]}")
        else:
            seen[code] = number
        if not name:
            problems.append(f"line {number}, column 'name': empty")
        groups = tuple(g.strip() for g in values.get("groups", "").split(";") if g.strip())
        extra = {k: v for k, v in values.items() if k not in COLUMNS and v}
        rows.append(
            UnitRow(number, code, name, values.get("kind", ""), values.get("district", ""),
                    values.get("parent", ""), groups, extra)
        )  # fmt: skip
    if problems:
        raise RegistryError(problems)
    return rows


def preview_import(session: Session, rows: list[UnitRow]) -> ImportPreview:
    """What applying would do. Checks parents against the file and the registry."""
    existing = {u.code: u for u in session.scalars(select(Unit).options(selectinload(Unit.groups)))}
    codes = set(existing) | {r.code for r in rows}
    problems = []
    for row in rows:
        if row.parent and row.parent not in codes:
            problems.append(f"line {row.line}, column 'parent': no unit with code {row.parent!r}")
        if row.parent == row.code:
            problems.append(f"line {row.line}, column 'parent': a unit cannot be its own parent")
    problems += _cycles(rows, existing)
    if problems:
        raise RegistryError(problems)
    preview = ImportPreview()
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            preview.new.append(row)
            continue
        changes = _differences(unit, row)
        if changes:
            preview.changed.append((row, changes))
        else:
            preview.unchanged += 1
    return preview


def _cycles(rows: list[UnitRow], existing: dict[str, Unit]) -> list[str]:
    parent_of = {code: (u.parent.code if u.parent else "") for code, u in existing.items()}
    parent_of.update({r.code: r.parent for r in rows})
    problems = []
    for row in rows:
        seen, code = {row.code}, parent_of.get(row.code, "")
        while code:
            if code in seen:
                problems.append(
                    f"line {row.line}, column 'parent': parents form a loop through {code!r}"
                )
                break
            seen.add(code)
            code = parent_of.get(code, "")
    return problems


def _differences(unit: Unit, row: UnitRow) -> list[str]:
    changes = []
    for name in ("name", "kind", "district"):
        if getattr(unit, name) != getattr(row, name):
            changes.append(name)
    if (unit.parent.code if unit.parent else "") != row.parent:
        changes.append("parent")
    if sorted(g.name for g in unit.groups) != sorted(row.groups):
        changes.append("groups")
    if {**unit.extra, **row.extra} != unit.extra:
        changes.append("extra")
    if not unit.active:
        changes.append("active")
    return changes


def apply_import(session: Session, rows: list[UnitRow]) -> ImportPreview:
    """Create or update every row by code, in the caller's transaction. Idempotent."""
    preview = preview_import(session, rows)
    units = {u.code: u for u in session.scalars(select(Unit))}
    for row in rows:
        unit = units.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, name=row.name, extra={})
            session.add(unit)
            units[row.code] = unit
        unit.name, unit.kind, unit.district, unit.active = row.name, row.kind, row.district, True
        unit.extra = {**(unit.extra or {}), **row.extra}
        current = {g.name for g in unit.groups}
        if current != set(row.groups):
            unit.groups = [UnitGroup(name=g) for g in row.groups]
    session.flush()
    for row in rows:
        units[row.code].parent = units[row.parent] if row.parent else None
    session.flush()
    return preview


def import_sample(session: Session) -> ImportPreview:
    return apply_import(session, read_units_file(SAMPLE_REGISTRY))


@dataclass(frozen=True)
class UnitSummary:
    code: str
    name: str
    kind: str
    district: str
    active: bool
    members: int  # active members: who will receive reminders
    linked_at: datetime | None = None  # when the latest of them linked
    groups: int = 0  # linked Telegram groups, which receive them too

    @property
    def reached(self) -> bool:
        """Someone gets the unit's reminders: a person or a group."""
        return self.members > 0 or self.groups > 0


def list_units(session: Session, include_inactive: bool = False) -> list[UnitSummary]:
    """Units with their number of active members: those with none first (they get nothing)."""
    rows = session.execute(
        select(Member.unit_id, func.count(Member.id), func.max(Member.linked_at))
        .where(Member.active.is_(True))
        .group_by(Member.unit_id)
    ).all()
    counts = {unit_id: (count, linked) for unit_id, count, linked in rows}
    groups = dict(
        session.execute(
            select(GroupChat.unit_id, func.count(GroupChat.id))
            .where(GroupChat.active.is_(True), GroupChat.unit_id.is_not(None))
            .group_by(GroupChat.unit_id)
        ).all()
    )
    query = select(Unit).order_by(Unit.code)
    if not include_inactive:
        query = query.where(Unit.active.is_(True))
    summaries = [
        UnitSummary(
            u.code,
            u.name,
            u.kind,
            u.district,
            u.active,
            *counts.get(u.id, (0, None)),
            groups=groups.get(u.id, 0),
        )
        for u in session.scalars(query)
    ]
    return sorted(summaries, key=lambda s: (s.reached, s.code))


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def edit_unit(session: Session, code: str, **values: Any) -> Unit:
    unit = unit_by_code(session, code)
    if unit is None:
        raise RegistryError([f"no unit with code {code!r}"])
    for name, value in values.items():
        if value is None:
            continue
        if name == "parent":
            parent = unit_by_code(session, value) if value else None
            if value and parent is None:
                raise RegistryError([f"no unit with code {value!r}"])
            if parent is unit:
                raise RegistryError(["a unit cannot be its own parent"])
            unit.parent = parent
        elif name == "groups":
            unit.groups = [UnitGroup(name=g.strip()) for g in value.split(";") if g.strip()]
        elif name in ("name", "kind", "district", "active"):
            setattr(unit, name, value)
        else:
            raise RegistryError([f"unknown field {name!r}"])
    session.flush()
    return unit
