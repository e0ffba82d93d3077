"""Task tables whose cells became paragraphs: what pdftotext (no -layout) makes of a ruled table.

Each cell comes out as a run of lines, cells apart by a blank line, in the table's column order:

    TT ⏎⏎ Thời gian thực hiện ⏎⏎ Nội dung công việc ⏎⏎ Đơn vị đầu mối ⏎⏎ Đơn vị phối hợp
    1 ⏎⏎ 04/08/2025-27/08/2025 ⏎⏎ Xây dựng thời khóa biểu ⏎⏎ Phòng Đào tạo … ⏎⏎ Các Khoa

Empty cells leave nothing behind, so cells are given to columns by what they hold: a bare
number opens a row, a timeline goes to the timeline column, an agency to the lead and then the
coordinators, the rest to the task. A page break repeats the header; it is skipped. The rows are
then read as any table (plans/tables.py). When an extractor has interleaved the cells of
narrow columns (a cell cut into letters), the header is found but the rows are no table: the
office is told to send the PDF or DOCX instead.
"""

from __future__ import annotations

import re

from plans.tables import ROLES, table_layout
from timing.timeline import fold

NUMBER = re.compile(r"^\d{1,3}\.?$")
# Where a timeline cell starts (folded): a date, a period, a deadline word.
TIMELINE = re.compile(
    r"^(?:\d{1,2}\s*[/\-]\s*\d{1,2}|truoc\b|trong\b|tu\b|den\b|hang\b|thuong xuyen|quy\b"
    r"|thang\s*\d|nam\s+\d|hoc ky|tuan\s+(?:\d|dau|cuoi|thu|nay|sau|toi|cua)\b|ngay\s+\d"
    r"|cham nhat|dinh ky|hoan thanh)"
)
AGENCY = re.compile(
    r"^(?:cac\s+)?(?:phong|khoa|van phong|ban|trung tam|so|uy ban|ubnd|truong|vien|bo mon"
    r"|chuong trinh|doan|hoi|cong doan|to|don vi|co quan|bo|cuc|vu)\b"
)
TERM = re.compile(r"^hoc ky\s+\S+$")
SECTION = re.compile(r"^(?:[ivx]{1,5}\.\s+\S|hoc ky\s+\S+$|phan\s+[ivx\d]+\b)")


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        if line and fold(line) in ("tt", "stt") and current:
            blocks.append(current)  # "Phụ lục 1. …" and the header's first cell, unparted
            current = []
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _header(blocks: list[list[str]], at: int) -> list[str] | None:
    """The header's labels when a header starts at block `at` ("TT", then its columns)."""
    if fold(" ".join(blocks[at])) not in ("tt", "stt"):
        return None
    labels = ["TT"]
    for block in blocks[at + 1 : at + 9]:
        text = " ".join(block)
        folded = fold(text)
        if len(text) > 60 or re.search(r"\d", text):
            break
        if not any(word in folded for _, words in ROLES for word in words):
            break  # a row's cell, not a column's name
        labels.append(text)
    if len(labels) < 3 or table_layout([labels]) is None:
        return None
    return labels


LOST = (
    "Có bảng nhiệm vụ nhưng bản chữ (.txt) đã làm rời hoặc trộn các ô của bảng; hãy gửi tệp "
    "PDF hoặc DOCX gốc để đọc bảng"
)
BARE_DATE = re.compile(r"^\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}$")


def block_tables(lines: list[str]) -> list[list[list[str]]]:
    """Each task table found in the paragraphs, header row first; [] when there is none. A
    table whose cells the extractor interleaved comes back as its header alone."""
    blocks = _blocks(lines)
    tables: list[list[list[str]]] = []
    index = 0
    while index < len(blocks):
        labels = _header(blocks, index)
        if labels is None:
            index += 1
            continue
        start = index + len(labels)
        table, index = _rows(blocks, start, labels)
        if _interleaved(blocks[start:index]):
            table = table[:1]
        if tables and tables[-1][0] == labels:
            tables[-1].extend(table[1:])  # the same table, its header repeated on a new page
        else:
            tables.append(table)
    return tables


def _interleaved(blocks: list[list[str]]) -> bool:
    """Cells of narrow columns cut and mixed line by line ("Các Khoa / 31/1/2026 / và các"):
    a date inside a paragraph of other words, more than once."""
    mixed = 0
    for block in blocks:
        dated = [bool(BARE_DATE.match(line)) for line in block]
        if len(block) > 1 and any(dated) and not all(dated):
            mixed += 1
    return mixed >= 2


def table_seen(lines: list[str]) -> bool:
    """A task table's header, in pieces ("STT", then column names), whether or not it reads."""
    blocks = _blocks(lines)
    for index, block in enumerate(blocks[:-1]):
        if fold(" ".join(block)) in ("tt", "stt"):
            following = fold(" ".join(blocks[index + 1]))
            if any(word in following for _, words in ROLES for word in words):
                return True
    return False


def _rows(blocks: list[list[str]], start: int, labels: list[str]) -> tuple[list[list[str]], int]:
    layout = table_layout([labels])
    assert layout is not None
    roles = layout.roles
    order = [role for role, _ in sorted(roles.items(), key=lambda item: item[1])]
    width = len(labels)
    table: list[list[str]] = [labels]
    row: dict[str, str] = {}

    def flush() -> None:
        if row:
            cells = [""] * width
            for role, text in row.items():
                cells[roles[role]] = text
            table.append(cells)
            row.clear()

    index = start
    while index < len(blocks):
        block = blocks[index]
        text = " ".join(block)
        folded = fold(text)
        again = _header(blocks, index)
        if again is not None:
            if {fold(label) for label in again} <= {fold(label) for label in labels}:
                index += len(again)
                continue  # the header again (or its first columns), on a new page
            break  # another table
        index += 1
        if folded in ("tt", "stt") or any(fold(label) == folded for label in labels):
            continue  # a header label left alone by a page break
        if len(block) > 1 and NUMBER.match(block[-1]) and SECTION.match(fold(" ".join(block[:-1]))):
            # "Học kỳ 1" and the first row's number, with no blank line between.
            flush()
            table.append([" ".join(block[:-1])] + [""] * (width - 1))
            row["ref"] = block[-1].rstrip(".")
            continue
        if NUMBER.match(text) and "ref" in roles:
            flush()
            if _merged_after(blocks, index, table, roles):
                # "9" and its dates, a merged cell that the extractor gave after the rows it
                # spans: they are row 9 and its parts (the parts after a page break follow).
                first = _pending(table, roles)
                table[first][roles["ref"]] = text.rstrip(".")
                table[first][roles["timeline"]] = " ".join(blocks[index])
                index += 1
                continue
            row["ref"] = text.rstrip(".")
            continue
        if SECTION.match(folded) and len(text) <= 80 and (not row or TERM.match(folded)):
            flush()
            table.append([text] + [""] * (width - 1))
            continue
        kind = _kind(folded)
        target = _place(kind, row, order)
        if target is None and kind == "timeline":
            target = _place("text", row, order)  # "Tuần dự trữ của học kỳ 1" is a task
        if target is None:
            flush()
            target = _place(kind, row, order)
        if target is not None:
            row[target] = f"{row.get(target, '')} {text}".strip()
    flush()
    return table, index


def _pending(table: list[list[str]], roles: dict[str, int]) -> int:
    """Where the rows with neither a number nor a date at the table's end begin."""
    first = len(table)
    while first > 1 and not any(table[first - 1][roles[r]].strip() for r in ("ref", "timeline")):
        if not table[first - 1][roles["title"]].strip() or len(set(table[first - 1])) == 1:
            break  # a section row
        first -= 1
    return first


def _merged_after(
    blocks: list[list[str]], at: int, table: list[list[str]], roles: dict[str, int]
) -> bool:
    """A row's number at `at - 1` and its dates at `at`, with nothing of its own after them
    (the next row, the header again on a new page, or the end), under rows that have neither:
    a merged cell the extractor gave after the rows it spans."""
    if "timeline" not in roles or "title" not in roles or at >= len(blocks):
        return False
    if _kind(fold(" ".join(blocks[at]))) != "timeline":
        return False
    after = " ".join(blocks[at + 1]) if at + 1 < len(blocks) else ""
    if after and not (NUMBER.match(after) or fold(after) in ("tt", "stt")):
        return False
    return _pending(table, roles) < len(table)


def _kind(folded: str) -> str:
    if TIMELINE.match(folded):
        return "timeline"
    if AGENCY.match(folded):
        return "agency"
    return "text"


def _place(kind: str, row: dict[str, str], order: list[str]) -> str | None:
    """The column a cell of this kind fills next in the row; None when the row has no room
    (the cell opens the next row)."""
    filled = [role for role in order if role in row]
    last = order.index(filled[-1]) if filled else -1
    for role in order[last + 1 :]:
        if role == "ref":
            continue
        if kind == "timeline" and role == "timeline":
            return role
        if kind == "agency" and role in ("lead", "coordinators"):
            return role
        if kind == "text" and role not in ("timeline", "lead", "coordinators"):
            return role
        if kind == "agency" and role == "title" and "title" not in row:
            return role  # "Khoa gửi danh sách …" is a task that starts like an agency
    return None
