"""Splitting a cell that names several agencies ("Sở Xây dựng, UBND quận huyện") into
them, where a comma inside one agency's name ("Sở Lao động, Thương binh và Xã hội") does not
split. Used by every reader: a table's columns, a body task's lines, a closing section."""

from __future__ import annotations

import re

AGENCY_SPLIT = re.compile(
    r"(?:\s*[,;]\s*|\s+và\s+)(?=(?:[Cc]ác\s+)?(?:Sở|sở|UBND|Ủy ban|[Tt]rường|Bộ|Ban|[Pp]hòng"
    r"|[Tt]rung tâm|[Vv]ăn phòng|[Kk]hoa|Cục|Vụ|Chi cục|Thanh tra|Công an|Viện|Đoàn|Hội"
    r"|Liên đoàn)\b)"
)
# "Phòng GDTrH chủ trì; Đoàn trường phối hợp", "Sở Y tế chủ trì, phối hợp với Sở GDĐT".
LEADS = re.compile(r"\s*\b[Cc]hủ\s+trì\b\s*[,;:]?\s*(?:(?:và\s+|,\s*)?phối\s+hợp(?:\s+với)?\s*)?")
HELPS = re.compile(r"\s*\b(?:cùng\s+)?(?:phối\s+hợp|tham\s+gia)\s*$")


def split_agencies(cell: str) -> tuple[str, ...]:
    """ "Sở Xây dựng, UBND quận huyện" → two agencies; "Sở Lao động, Thương binh và Xã hội"
    stays one (what follows the comma is not the start of an agency's name)."""
    cell = cell.strip(" ;,.")
    if not cell:
        return ()
    return tuple(part.strip(" ;,.") for part in AGENCY_SPLIT.split(cell) if part.strip(" ;,."))


def lead_and_coordinators(cell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One "Đơn vị thực hiện" cell that says who leads and who helps ("X chủ trì; Y phối
    hợp"): (lead, coordinators). A cell that says neither is all lead."""
    found = LEADS.search(cell)
    if found is None:
        return agency_list(cell), ()
    helpers = HELPS.sub("", cell[found.end() :])
    return agency_list(cell[: found.start()]), agency_list(helpers)


def agency_list(text: str) -> tuple[str, ...]:
    """Every agency a text names, ";" apart or as `split_agencies` parts them."""
    return tuple(a for part in text.split(";") for a in split_agencies(part))
