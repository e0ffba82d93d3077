"""How much of a document is read at most, checked before the expensive parsers run.

A hostile file (a ZIP bomb dressed as DOCX or XLSX, a PDF of a hundred thousand pages, a
spreadsheet of a million rows, a CSV of one 19 MB line) must end in one clear refusal, not in
gigabytes of memory. These checks are cheap and come first; the child process that reads a
file an office sends (plans/isolated.py) bounds memory and time whatever gets past them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from plans.tables import PlanReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB  # also what Telegram lets a bot download
    max_pages: int = 150  # a plan with its appendices is tens of pages
    max_zip_entries: int = 2_000
    max_unpacked: int = 300 * MB  # a DOCX's images included
    max_xml: int = 60 * MB  # what the XML parsers will see, in all
    max_ratio: int = 200  # an entry inflating more than this from over 1 MB is a bomb
    max_rows: int = 20_000  # spreadsheet or CSV rows (a registry of every school fits)
    max_columns: int = 60
    max_line: int = 20_000  # characters in one line of text or CSV
    max_text: int = 3_000_000  # characters of text in all
    memory: int = 512 * MB  # of the reading process (address space)
    seconds: float = 30.0  # of the reading process, wall clock
    ocr_page_seconds: float = 20.0  # more for each page of a scan read by OCR


LIMITS = Limits()
ZIP_FORMATS = (".docx", ".xlsx", ".xlsm")


class TooBig(PlanReadError):
    """The document is past a limit; the message says which, in Vietnamese."""


def check_container(data: bytes, name: str, limits: Limits = LIMITS) -> None:
    """Refuse a ZIP container (DOCX, XLSX) whose declared contents are a bomb. The sizes a
    ZIP declares bind what Python's zipfile will inflate (it stops there and checks the
    CRC), so checking the declarations is enough."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a ZIP: the reader says so in its own words
    entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise TooBig(f"{name}: tệp nén chứa quá nhiều phần ({len(entries)})")
    total = sum(e.file_size for e in entries)
    xml = sum(e.file_size for e in entries if e.filename.lower().endswith((".xml", ".rels")))
    if total > limits.max_unpacked or xml > limits.max_xml:
        raise TooBig(f"{name}: nội dung giải nén quá lớn ({total // MB} MB)")
    for entry in entries:
        if entry.file_size > MB and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        ):
            raise TooBig(f"{name}: tệp nén bất thường (phần {entry.filename!r} nén quá mức)")


def check_text(text: str, name: str, limits: Limits = LIMITS) -> None:
    """Refuse text (TXT, CSV) too long in all, in one line, or in lines."""
    if len(text) > limits.max_text:
        raise TooBig(f"{name}: văn bản quá dài ({len(text):,} ký tự)")
    lines = 0
    start = 0
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > limits.max_line:
            raise TooBig(f"{name}: có dòng dài quá {limits.max_line:,} ký tự")
        lines += 1
        if lines > limits.max_rows * 10:
            raise TooBig(f"{name}: quá nhiều dòng")
        if end < 0:
            return
        start = end + 1


def check_pages(count: int, name: str, limits: Limits = LIMITS) -> None:
    if count > limits.max_pages:
        raise TooBig(f"{name}: PDF có {count} trang, quá {limits.max_pages} trang")


def check_rows(count: int, name: str, limits: Limits = LIMITS) -> None:
    if count > limits.max_rows:
        raise TooBig(f"{name}: bảng có quá {limits.max_rows:,} dòng")
