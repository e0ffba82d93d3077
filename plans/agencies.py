"""Splitting a cell that names several agencies ("Sở Xây dựng, UBND quận huyện") into
them, where a comma inside one agency's name ("Sở Lao động, Thương binh và Xã hội") does not
split. Used by every reader: a table's columns, a body task's lines, a closing section."""

from __future__ import annotations

import re

AGENCY_SPLIT = re.compile(
    r"\s*[,;]\s*(?=(?:[Cc]ác\s+)?(?:Sở|sở|UBND|Ủy ban|Trường|Bộ|Ban|Phòng|Trung tâm)\b)"
)


def split_agencies(cell: str) -> tuple[str, ...]:
    """ "Sở Xây dựng, UBND quận huyện" → two agencies; "Sở Lao động, Thương binh và Xã hội"
    stays one (what follows the comma is not the start of an agency's name)."""
    cell = cell.strip(" ;,.")
    if not cell:
        return ()
    return tuple(part.strip(" ;,.") for part in AGENCY_SPLIT.split(cell) if part.strip(" ;,."))
