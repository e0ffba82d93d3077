"""Matching the unit names plans use to the registry: units, groups, or agencies outside it.

"Các trường THPT, PT nhiều cấp", "Phòng GDĐT quận/huyện", "Trung tâm GDNN-GDTX" and their
spellings without diacritics or with the words written out all meet on one normal form.
A name that matches nothing is listed for the office to map once; the mapping is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import NameMapping, Unit, UnitGroup
from timing.timeline import fold

# Written-out forms and their abbreviations, longest first: both sides are reduced to these.
ABBREVIATIONS = [
    ("giao duc nghe nghiep giao duc thuong xuyen", "gdnn gdtx"),
    ("giao duc thuong xuyen giao duc nghe nghiep", "gdnn gdtx"),
    ("gdtx gdnn", "gdnn gdtx"),
    ("giao duc va dao tao", "gddt"),
    ("giao duc dao tao", "gddt"),
    ("trung hoc pho thong", "thpt"),
    ("trung hoc co so", "thcs"),
    ("uy ban nhan dan", "ubnd"),
    ("pho thong co nhieu cap hoc", "pt nhieu cap"),
    ("pho thong nhieu cap hoc", "pt nhieu cap"),
    ("pho thong nhieu cap", "pt nhieu cap"),
    ("trung tam", "tt"),
    ("chuyen mon nghiep vu", "cmnv"),
    ("co quan so", "so"),
    ("quan huyen", "quan huyen"),
]
# Agencies the Department does not manage: kept as text on the task, never reminded.
EXTERNAL = re.compile(
    r"^(?:cac )?(?:so (?!gddt\b)|ubnd|bo |ban |cong an|truong dai hoc|dai hoc|"
    r"(?:cac )?so nganh|dia phuong|thanh uy|hoi dong nhan dan|cac co quan)"
)


def normal(name: str) -> str:
    """The form names are compared in: folded, no punctuation, abbreviations, no 'các'."""
    text = fold(name)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    for long, short in ABBREVIATIONS:
        text = re.sub(rf"\b{long}\b", short, text)
    # A unit named by its head ("Hiệu trưởng các trường THPT", "Trưởng phòng GDĐT"): the unit.
    text = re.sub(r"^(?:hieu truong|thu truong|giam doc|chu tich|lanh dao)\s+", "", text)
    text = re.sub(r"^truong (phong|ban|khoa)\b", r"\1", text)
    text = re.sub(r"^(?:cac|tat ca cac|toan bo)\s+", "", text)
    text = re.sub(r"\s+(?:lien quan|tren dia ban)$", "", text)
    return text


@dataclass(frozen=True)
class Match:
    name: str
    kind: str  # "unit", "group", "external" or "unmatched"
    unit_codes: tuple[str, ...] = ()
    group: str = ""


class Registry:
    """A snapshot of units, groups and remembered mappings to match names against."""

    def __init__(self, session: Session) -> None:
        units = list(
            session.scalars(
                select(Unit).where(Unit.active.is_(True)).options(selectinload(Unit.groups))
            )
        )
        self.by_name = {normal(u.name): u.code for u in units}
        self.by_code = {u.code.lower(): u.code for u in units}
        self.groups: dict[str, tuple[str, list[str]]] = {}
        for unit in units:
            for group in unit.groups:
                key = normal(group.name)
                self.groups.setdefault(key, (group.name, []))[1].append(unit.code)
        self.codes_by_id = {u.id: u.code for u in units}
        self.ids_by_code = {u.code: u.id for u in units}
        self.mappings = {m.text_key: m for m in session.scalars(select(NameMapping))}

    def match(self, name: str) -> Match:
        key = normal(name)
        mapped = self.mappings.get(key)
        if mapped is not None:
            if mapped.external:
                return Match(name, "external")
            if mapped.group_name:
                group = self.groups.get(normal(mapped.group_name))
                if group:
                    return Match(name, "group", tuple(sorted(group[1])), group[0])
            if mapped.unit_id in self.codes_by_id:
                return Match(name, "unit", (self.codes_by_id[mapped.unit_id],))
        if key in self.by_name:
            return Match(name, "unit", (self.by_name[key],))
        if key in self.by_code:
            return Match(name, "unit", (self.by_code[key],))
        if key in self.groups:
            label, codes = self.groups[key]
            return Match(name, "group", tuple(sorted(codes)), label)
        # "Sở Giáo dục và Đào tạo" for "Sở Giáo dục và Đào tạo Hải Phòng": one unit only.
        starting = [
            code for unit_key, code in self.by_name.items() if unit_key.startswith(key + " ")
        ]
        if len(starting) == 1 and len(key) >= 6:
            return Match(name, "unit", (starting[0],))
        # "Các phòng CMNV Sở GDĐT" for the group "Các phòng CMNV Sở": one group only.
        groups = [g for g in self.groups if key.startswith(g + " ") and len(g) >= 8]
        # "Các trường THPT" for the group "Các trường THPT, PT nhiều cấp": one group only.
        groups = groups or [g for g in self.groups if g.startswith(key + " ") and len(key) >= 8]
        if len(groups) == 1:
            label, codes = self.groups[groups[0]]
            return Match(name, "group", tuple(sorted(codes)), label)
        if EXTERNAL.match(key):
            return Match(name, "external")
        return Match(name, "unmatched")

    def match_all(self, names: Iterable[str]) -> list[Match]:
        return [self.match(name) for name in names]


def remember(
    session: Session, name: str, unit_code: str = "", group: str = "", external: bool = False
) -> NameMapping:
    """The office says once what a name means; later plans use it."""
    if sum(bool(x) for x in (unit_code, group, external)) != 1:
        raise ValueError("map a name to exactly one of: a unit, a group, or external")
    unit_id = None
    if unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise ValueError(f"no unit with code {unit_code!r}")
        unit_id = unit.id
    if group and session.scalar(select(UnitGroup).where(UnitGroup.name == group)) is None:
        raise ValueError(f"no group named {group!r}")
    key = normal(name)
    mapping = session.scalar(select(NameMapping).where(NameMapping.text_key == key))
    if mapping is None:
        mapping = NameMapping(text_key=key)
        session.add(mapping)
    mapping.unit_id, mapping.group_name, mapping.external = unit_id, group, external
    session.flush()
    return mapping
