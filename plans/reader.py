"""One entry point for every form a plan arrives in: text from a PDF, DOCX, PDF, XLSX, CSV.

Every failure to read is a PlanReadError with one clear message; nothing is ever half-read.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jobs.timeline import fold
from plans.convert import LEGACY, convert_legacy
from plans.limits import (
    LIMITS,
    ZIP_FORMATS,
    check_container,
    check_pages,
    check_rows,
    check_text,
)
from plans.model import PlanDocument
from plans.ocr import IMAGES, OcrText, Progress, image_page, pdf_pages, read_pages, table_rows
from plans.tables import (
    PlanReadError,
    form_from_table,
    is_form_header,
    is_task_header,
    tasks_from_table,
)
from plans.text import (
    APPENDIX,
    appendix_start,
    finish,
    parse_plan_text,
    read_body,
    read_header,
    text_lines,
)

MAX_BYTES = LIMITS.max_bytes
FORMATS = (".txt", ".docx", ".pdf", ".xlsx", ".xlsm", ".csv", *LEGACY, *IMAGES)
OCR_PAGES = 40  # a scan read page by page: past this, the office is asked for a DOCX


def load_plan_file(path: Path) -> bytes:
    """The file's bytes, refusing a file too large before reading it into memory."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PlanReadError(f"{path.name}: tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as error:
        raise PlanReadError(f"{path.name}: {error.strerror}") from None


def read_plan_file(path: Path, today: date) -> PlanDocument:
    return read_plan_bytes(load_plan_file(path), path.name, today)


def read_plan_bytes(
    data: bytes, name: str, today: date, progress: Progress | None = None
) -> PlanDocument:
    """`progress(done, total)` is told of each page read by OCR (scans and photos)."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise PlanReadError(f"{name}: định dạng không hỗ trợ (hãy gửi {', '.join(FORMATS)})")
    if len(data) > MAX_BYTES:
        raise PlanReadError(f"{name}: tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise PlanReadError(f"{name}: tệp rỗng")
    shown = name
    if suffix in LEGACY:  # Word 97, RTF, OpenDocument, old Excel: through LibreOffice
        data, name = convert_legacy(data, name)
        suffix = Path(name).suffix.lower()
    if suffix in IMAGES:
        pages = [_named(image_page, data, shown)]
        doc = _from_ocr(read_pages(pages, 1, progress, photo=True), today)
        return _found(doc, shown)
    if suffix in ZIP_FORMATS:
        check_container(data, name)
    if suffix == ".txt":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanReadError(f"{name}: không phải văn bản UTF-8") from None
        check_text(text, name)
        doc = parse_plan_text(text, today)
    elif suffix == ".docx":
        doc = _docx(data, name, today)
    elif suffix == ".pdf":
        doc = _pdf(data, name, today, progress)
    elif suffix == ".csv":
        doc = _csv(data, name, today)
    else:
        doc = _xlsx(data, name, today)
    return _found(doc, shown)


def _found(doc: PlanDocument, name: str) -> PlanDocument:
    if not doc.tasks and not doc.deadlines and not doc.events and doc.form is None:
        raise PlanReadError(
            f"{name}: không tìm thấy nhiệm vụ, thời hạn hay sự kiện nào trong văn bản"
        )
    return doc


def _named(read: Any, data: bytes, name: str) -> Any:
    try:
        return read(data)
    except PlanReadError as error:
        raise PlanReadError(f"{name}: {error}") from None


def _from_ocr(ocr: OcrText, today: date) -> PlanDocument:
    """A document read by OCR: its task table from the words' layout when it has one, its
    body as text; what OCR doubted first among the warnings."""
    lines = [ocr.line_text(line) for line in ocr.lines]
    header_at, table = table_rows(ocr, is_task_header)
    if header_at >= 0:
        doc = _from_parts(lines[:header_at], [(header_at, table)], today)
    else:
        doc = parse_plan_text("\n".join(lines), today)
    doc.warnings[:0] = ocr.warnings()
    doc.from_ocr = True
    return doc


def _from_parts(
    lines: list[str], tables: list[tuple[int, list[list[str]]]], today: date
) -> PlanDocument:
    """A document as paragraphs plus tables (each at the paragraph index it follows)."""
    doc = PlanDocument()
    read_header(doc, lines)
    reference = doc.issued_on or today
    appendix_at = appendix_start(lines)
    read_body(doc, lines[:appendix_at], reference)
    for position, table in _joined(tables):
        if not table:
            continue
        if is_task_header(table[0]):
            sections, tasks = tasks_from_table(table, reference)
            doc.sections.extend(sections)
            doc.tasks.extend(tasks)
        elif is_form_header(table[0]) and position >= appendix_at:
            doc.form = form_from_table(_appendix_title(lines, position), table[0])
    finish(doc, reference)
    return doc


def _joined(tables: list[tuple[int, list[list[str]]]]) -> list[tuple[int, list[list[str]]]]:
    """A table cut by a page break, without its header on the next page, is one table."""
    out: list[tuple[int, list[list[str]]]] = []
    for position, table in tables:
        rows = [[c if c is not None else "" for c in row] for row in table]
        if (
            out
            and rows
            and not is_task_header(rows[0])
            and not is_form_header(rows[0])
            and (is_task_header(out[-1][1][0]))
        ):
            out[-1][1].extend(rows)
        else:
            out.append((position, rows))
    return out


def _appendix_title(lines: list[str], position: int) -> str:
    start = max((i for i in range(position) if APPENDIX.match(lines[i])), default=-1)
    parts = [
        line.strip() for line in lines[start + 1 : position]
        if line.strip() and not line.strip().startswith("(")
    ]  # fmt: skip
    return re.sub(r"\s+", " ", " ".join(parts))


def _docx(data: bytes, name: str, today: date) -> PlanDocument:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # zipfile, lxml and python-docx each raise their own kinds
        raise PlanReadError(
            f"{name}: không đọc được tệp DOCX ({error.__class__.__name__})"
        ) from None
    lines: list[str] = []
    tables: list[tuple[int, list[list[str]]]] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.extend(Paragraph(child, document).text.split("\n"))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            tables.append((len(lines), [[cell.text for cell in row.cells] for row in table.rows]))
    return _from_parts(lines, tables, today)


def _pdf(data: bytes, name: str, today: date, progress: Progress | None = None) -> PlanDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            check_pages(_declared_pages(pdf), name)
            pages = []
            for number, page in enumerate(pdf.pages, start=1):
                check_pages(number, name)  # the declared count may lie
                pages.append((page.extract_text() or "", page.extract_tables()))
    except PlanReadError:
        raise
    except PDFPasswordIncorrect:
        raise PlanReadError(f"{name}: PDF có mật khẩu; hãy gửi bản không khóa") from None
    except Exception as error:  # pdfminer raises many kinds on a damaged file
        if any(isinstance(arg, MemoryError) for arg in getattr(error, "args", ())):
            raise MemoryError from None  # pdfplumber wraps it: the limit was reached
        detail = error.__class__.__name__
        # pdfplumber wraps pdfminer's errors: look inside for the password one.
        inner = " ".join(type(arg).__name__ for arg in getattr(error, "args", ()))
        if "Password" in inner or "password" in str(error).lower():
            raise PlanReadError(f"{name}: PDF có mật khẩu; hãy gửi bản không khóa") from None
        raise PlanReadError(f"{name}: không đọc được tệp PDF ({detail})") from None
    text = "\n".join(page_text for page_text, _ in pages)
    if not text.strip():  # a scan: no text layer, only pictures of pages
        count, images = _named(lambda d: pdf_pages(d, OCR_PAGES), data, name)
        return _from_ocr(read_pages(images, count, progress), today)
    found = [table for _, tables in pages for table in tables if table]
    if not any(is_task_header([c or "" for c in t[0]]) or is_form_header([c or "" for c in t[0]])
               for t in found):  # fmt: skip
        # No ruled tables: read it as extracted text, the way the seeds are read.
        return parse_plan_text(text, today)
    lines = text_lines(text)
    appendix_at = appendix_start(lines)
    # Tables sit in the appendix when there is one; their place in the text is not kept.
    tables = [(appendix_at + 1, table) for table in found]
    return _from_parts(_without_table_text(lines, appendix_at), tables, today)


def _declared_pages(pdf: object) -> int:
    """The page count the PDF's catalogue declares, read before any page is."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(pdf.doc.catalog["Pages"])  # type: ignore[attr-defined]
        return int(resolve1(pages.get("Count", 0)))
    except Exception:  # no count: the pages are counted as they are read
        return 0


def _without_table_text(lines: list[str], appendix_at: int) -> list[str]:
    # After the appendix heading, pdfplumber's text repeats the tables' cells: keep only the
    # lines up to the first table header so the appendix title can be found.
    keep = lines[: appendix_at + 1]
    for line in lines[appendix_at + 1 :]:
        if fold(line).startswith("tt "):
            break
        keep.append(line)
    return keep


def _csv(data: bytes, name: str, today: date) -> PlanDocument:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanReadError(f"{name}: không phải văn bản UTF-8 (hãy lưu CSV dạng UTF-8)") from None
    check_text(text, name)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        table = []
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            table.append(row[: LIMITS.max_columns])
            check_rows(len(table), name)
    except csv.Error as error:  # a stray carriage return or NUL: not a CSV we can read
        raise PlanReadError(f"{name}: không đọc được tệp CSV ({error})") from None
    return _template(PlanDocument(), table, today)


def _xlsx(data: bytes, name: str, today: date) -> PlanDocument:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise PlanReadError(
            f"{name}: không đọc được tệp Excel ({error.__class__.__name__})"
        ) from None
    doc = PlanDocument()
    table: list[list[str]] = []
    for sheet in book.worksheets:
        rows = []
        # A sheet's declared size may lie: columns past the limit are never read, and a
        # sheet with too many rows is refused as soon as it shows.
        for row in sheet.iter_rows(values_only=True, max_col=LIMITS.max_columns):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > LIMITS.max_rows:
                book.close()
                check_rows(len(rows), name)
        if fold(sheet.title) == "ke hoach":
            _plan_details(doc, rows)
        elif not table:
            header_at = next((i for i, r in enumerate(rows) if is_task_header(r)), None)
            if header_at is not None:
                table = rows[header_at:]
    book.close()
    if not table:
        raise PlanReadError(
            f"{name}: không có bảng nhiệm vụ (cần các cột TT, Nhiệm vụ, Cơ quan chủ trì, "
            "Thời gian thực hiện)"
        )
    return _template(doc, table, today)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _plan_details(doc: PlanDocument, rows: list[list[str]]) -> None:
    for row in rows:
        if len(row) < 2 or not row[0]:
            continue
        key, value = fold(row[0]), row[1].strip()
        if key.startswith("so"):
            doc.number = value
        elif key.startswith("ngay"):
            match = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
            if match:
                doc.issued_on = date(int(match[3]), int(match[2]), int(match[1]))
        elif key.startswith("co quan"):
            doc.issuer = value
        elif key.startswith(("tieu de", "ten ke hoach", "trich yeu")):
            doc.title = value


def _template(doc: PlanDocument, table: list[list[str]], today: date) -> PlanDocument:
    if not table or not is_task_header(table[0]):
        raise PlanReadError(
            "Không thấy dòng tiêu đề bảng (TT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, "
            "Thời gian thực hiện)"
        )
    reference = doc.issued_on or today
    doc.sections, doc.tasks = tasks_from_table(table, reference)
    finish(doc, reference)
    return doc
