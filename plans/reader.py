"""One entry point for every form a plan arrives in: text from a PDF, DOCX, PDF, XLSX, CSV.

Every failure to read is a PlanReadError with one clear message; nothing is ever half-read.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from plans.convert import LEGACY, convert_legacy
from plans.extracted import rejoin_split_syllables
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
    TableReading,
    form_from_table,
    is_form_header,
    is_task_header,
    missing_roles,
    table_layout,
    tasks_from_table,
    template_tasks,
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
from plans.webpage import archived_page, page_parts
from timing.timeline import fold

MAX_BYTES = LIMITS.max_bytes
WEB_PAGES = (".html", ".htm", ".mht", ".mhtml")
FORMATS = (".txt", ".docx", ".pdf", ".xlsx", ".xlsm", ".csv", *WEB_PAGES, *LEGACY, *IMAGES)
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
        # Plain text is most often an extractor's (pdftotext): its split syllables rejoined.
        doc = parse_plan_text(rejoin_split_syllables(_composed(text)), today)
    elif suffix == ".docx":
        doc = _docx(data, name, today)
    elif suffix == ".pdf":
        doc = _pdf(data, name, today, progress)
    elif suffix == ".csv":
        doc = _csv(data, name, today)
    elif suffix in WEB_PAGES:
        doc = _web_page(data, name, today)
    else:
        doc = _xlsx(data, name, today)
    return _found(doc, shown)


def _found(doc: PlanDocument, name: str) -> PlanDocument:
    if not doc.tasks and not doc.deadlines and not doc.events and doc.form is None:
        lost = [w for w in doc.warnings if w.startswith("Có bảng nhiệm vụ")]
        if lost:
            raise PlanReadError(f"{name}: {lost[0]} (hoặc mẫu Excel: nhacviec plan template)")
        raise PlanReadError(
            f"{name}: không tìm thấy nhiệm vụ, thời hạn hay sự kiện nào trong văn bản. Đã tìm: "
            "bảng có cột Nhiệm vụ/Nội dung và Chủ trì/Thời hạn; mục có dòng “Cơ quan thực "
            "hiện: …” và “Thời gian thực hiện: …”; câu có “trước ngày …”, “hằng tháng/quý/năm”, "
            "ngày thi, khai giảng, hội nghị. Hãy gửi các nhiệm vụ theo mẫu Excel của Văn phòng "
            "(lệnh: nhacviec plan template)"
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
    # Text typed with its tone marks apart (Unikey's "tổ hợp", the Windows code page) is read
    # and shown composed, as every other source gives it.
    lines = [_composed(line) for line in lines]
    tables = [(at, [[_composed(c) for c in row] for row in rows]) for at, rows in tables]
    doc = PlanDocument()
    read_header(doc, lines)
    reference = doc.reference(today)
    appendix_at = appendix_start(lines)
    read_body(doc, lines[:appendix_at], reference)
    readings: list[tuple[str, TableReading]] = []
    missing: list[str] = []
    for position, table in _joined(tables):
        if not table:
            continue
        lacks = missing_roles(table[0])
        missing = missing or lacks
        if table_layout(table) is not None:
            readings.append((_table_label(lines, position, len(readings)),
                             tasks_from_table(table, reference)))  # fmt: skip
        elif not lacks and is_form_header(table[0]) and position >= appendix_at:
            doc.form = form_from_table(_appendix_title(lines, position), table[0])
    _add_tables(doc, readings)
    if missing and not (doc.tasks or doc.deadlines or doc.events or doc.form):
        raise PlanReadError("Bảng nhiệm vụ thiếu cột: " + ", ".join(missing))
    finish(doc, reference)
    return doc


def _composed(text: str | None) -> str:
    if not text:
        return ""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _add_tables(doc: PlanDocument, readings: list[tuple[str, TableReading]]) -> None:
    """Each table's tasks; when two tables number their rows alike (an appendix of laws and
    one of projects, each from 1), every ref is prefixed by its table's label."""
    refs = [t.ref for t in doc.tasks] + [t.ref for _, r in readings for t in r.tasks]
    prefix = len(set(refs)) < len(refs)
    for label, reading in readings:
        if reading.layout is not None:
            doc.columns.append(f"{label}: {reading.layout.describe()}")
        for section in reading.sections:
            ref = f"{label}.{section.ref}"[:32] if prefix else section.ref
            doc.sections.append(replace(section, ref=ref))
        for task in reading.tasks:
            if prefix:
                task = replace(
                    task,
                    ref=f"{label}.{task.ref}"[:32],
                    section=f"{label}.{task.section}"[:32] if task.section else label,
                )
            doc.tasks.append(task)


APPENDIX_NUMBER = re.compile(r"PH[UỤ]\s*L[UỤ]C\s*(?:S[OỐ]\s*)?([0-9IVX]+)", re.IGNORECASE)


def _table_label(lines: list[str], position: int, index: int) -> str:
    """ "PL02" for a table under "PHỤ LỤC SỐ 02", else "Bảng 2"."""
    for line in reversed(lines[:position]):
        match = APPENDIX_NUMBER.match(line.strip())
        if match:
            return f"PL{match.group(1)}"
    return f"Bảng {index + 1}"


def _joined(tables: list[tuple[int, list[list[str]]]]) -> list[tuple[int, list[list[str]]]]:
    """A table cut by a page break is one table: the next part has no header of its own, or
    repeats the same header (whose rows are skipped)."""
    out: list[tuple[int, list[list[str]]]] = []
    for position, table in tables:
        rows = [[c if c is not None else "" for c in row] for row in table]
        if not rows:
            continue
        previous = table_layout(out[-1][1]) if out else None
        if previous is not None:
            layout = table_layout(rows)
            if layout is None and not is_form_header(rows[0]):
                out[-1][1].extend(rows)
                continue
            if layout is not None and layout.labels == previous.labels:
                out[-1][1].extend(rows[layout.header_rows :])
                continue
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
            _place_table(lines, tables, [_docx_row(row.cells) for row in table.rows])
    return _from_parts(lines, tables, today)


def _web_page(data: bytes, name: str, today: date) -> PlanDocument:
    encoding = None
    if name.lower().endswith((".mht", ".mhtml")):
        data, encoding = _named(archived_page, data, name)
    lines: list[str] = []
    tables: list[tuple[int, list[list[str]]]] = []
    for kind, part in _named(lambda d: list(page_parts(d, encoding)), data, name):
        if kind == "table":
            _place_table(lines, tables, part)
        else:
            lines.append(part)
    return _from_parts(lines, tables, today)


def _docx_row(cells: list[Any]) -> list[str]:
    """A row's text, a merged cell once: python-docx repeats a cell spanning several columns
    in each of them, where a PDF or a sheet leaves the others empty."""
    out: list[str] = []
    previous = None
    for cell in cells:
        out.append("" if cell._tc is previous else cell.text)
        previous = cell._tc
    return out


def _place_table(
    lines: list[str], tables: list[tuple[int, list[list[str]]]], rows: list[list[str]]
) -> None:
    """A table at its place among the paragraphs. A narrow table that is neither tasks nor a
    form (the borderless agency | motto header, Nơi nhận | signature) is text laid out in
    columns: its cells become lines, a column at a time, so the number, date and recipients
    are read as on paper."""
    tables.append((len(lines), rows))
    if not rows or table_layout(rows) is not None or is_form_header(rows[0]):
        return
    width = max(len(row) for row in rows)
    if width > 3:
        return
    for column in range(width):
        seen = None
        for row in rows:
            cell = row[column] if column < len(row) else ""
            if cell is seen:
                continue
            seen = cell
            lines.extend(cell.split("\n"))


def _pdf(data: bytes, name: str, today: date, progress: Progress | None = None) -> PlanDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            check_pages(_declared_pages(pdf), name)
            lines: list[str] = []
            tables: list[tuple[int, list[list[str]]]] = []
            whole: list[str] = []
            for number, page in enumerate(pdf.pages, start=1):
                check_pages(number, name)  # the declared count may lie
                header = _header_columns(page) if number == 1 else None
                if header is None:
                    whole.append(page.extract_text() or "")
                else:
                    whole.append("\n".join([*header[0], _crop_text(page, header[1])]))
                _pdf_page(page, lines, tables, header)
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
    text = "\n".join(whole)
    if not text.strip():  # a scan: no text layer, only pictures of pages
        count, images = _named(lambda d: pdf_pages(d, OCR_PAGES), data, name)
        return _from_ocr(read_pages(images, count, progress), today)
    if not any(table_layout(t) is not None or is_form_header(t[0]) for _, t in tables if t):
        # No ruled tables: read it as extracted text, the way the seeds are read.
        return parse_plan_text(text, today)
    return _from_parts(lines, tables, today)


def _pdf_page(
    page: Any,
    lines: list[str],
    tables: list[tuple[int, list[list[str]]]],
    header: tuple[list[str], tuple[float, float, float, float]] | None = None,
) -> None:
    """A page's ruled tables at their place, and only the text outside them as lines (inside,
    pdfplumber's text would repeat every cell)."""
    found = sorted(page.filter(_visible).find_tables(), key=lambda table: table.bbox[1])
    x0, top, x1, bottom = page.bbox
    y = top
    if header is not None and not any(table.bbox[1] < header[1][1] for table in found):
        lines.extend(header[0])
        y = header[1][1]
    for table in found:
        if table.bbox[1] > y:
            lines.extend(text_lines(_crop_text(page, (x0, y, x1, table.bbox[1]))))
        rows = [[c or "" for c in row] for row in table.extract()]
        _place_table(lines, tables, rows)
        y = max(y, table.bbox[3])
    if y < bottom:
        lines.extend(text_lines(_crop_text(page, (x0, y, x1, bottom))))


def _header_columns(page: Any) -> tuple[list[str], tuple[float, float, float, float]] | None:
    """The agency | Quốc hiệu block of a letter laid out without rules: its two columns as
    lines, the left one first, and the box of the page below it; None when there is none.

    Read straight across, the columns interleave line by line ("V/v báo cáo kết quả thực hiện
    nhiệm" / "vụ Quảng Ninh, ngày 15 tháng 12 năm" / "học kỳ I … 2025"), losing both the
    subject and the date."""
    try:
        words = page.extract_words()
    except Exception:  # a damaged page: read as a whole, as before
        return None
    motto = next(
        (w for i, w in enumerate(words[:-1])
         if w["text"] == "CỘNG" and words[i + 1]["text"] in ("HÒA", "HOÀ")),
        None,
    )  # fmt: skip
    if motto is None or motto["top"] > page.height * 0.3:
        return None
    split = motto["x0"] - 2
    if not any(w["x1"] < split and abs(w["top"] - motto["top"]) < 3 for w in words):
        return None  # the motto stands alone: no second column beside it
    rows: dict[int, list[dict[str, Any]]] = {}
    for word in words:
        if word["top"] >= motto["top"] - 3:
            rows.setdefault(round(word["top"] / 3), []).append(word)
    bottom = motto["bottom"]
    for _, row in sorted(rows.items()):
        said = fold(" ".join(w["text"] for w in sorted(row, key=lambda w: w["x0"])))
        if (
            any(w["x0"] < split < w["x1"] for w in row)
            or row[0]["top"] > page.height * 0.4
            or said.startswith(("kinh gui", "ke hoach", "thong bao", "quyet dinh"))
        ):
            break  # a line across the page, the addressees or the heading: the body
        bottom = max(bottom, max(w["bottom"] for w in row))
    x0, top, x1, end = page.bbox
    left = text_lines(_crop_text(page, (x0, top, split, bottom + 1)))
    right = text_lines(_crop_text(page, (split, top, x1, bottom + 1)))
    return left + right, (x0, bottom + 1, x1, end)


def _visible(obj: dict[str, Any]) -> bool:
    """Rules a reader sees: a white rectangle a word processor draws over each line of a
    merged cell would cut one row into as many rows as it has lines."""
    if obj.get("object_type") != "rect" or not obj.get("fill"):
        return True
    colour = obj.get("non_stroking_color")
    values = colour if isinstance(colour, list | tuple) else (colour,)
    try:
        return not (len(values) in (1, 3) and all(float(v) >= 0.999 for v in values))
    except (TypeError, ValueError):  # a pattern or a named colour: keep it
        return True


def _crop_text(page: Any, box: tuple[float, float, float, float]) -> str:
    try:
        return page.crop(box).extract_text() or ""
    except ValueError:  # a box pdfplumber finds outside the page
        return ""


def _declared_pages(pdf: object) -> int:
    """The page count the PDF's catalogue declares, read before any page is."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(pdf.doc.catalog["Pages"])  # type: ignore[attr-defined]
        return int(resolve1(pages.get("Count", 0)))
    except Exception:  # no count: the pages are counted as they are read
        return 0


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
    above: list[str] = []
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
            header_at = next(
                (i for i, r in enumerate(rows) if is_task_header(r) or missing_roles(r)), None
            )
            if header_at is not None:
                table = rows[header_at:]
                above = [" ".join(c for c in row if c) for row in rows[:header_at]]
    book.close()
    if table and above and not (doc.number or doc.issued_on or doc.title):
        # "KẾ HOẠCH CÔNG TÁC THÁNG 12/2025", "Số: …", "…, ngày …" in the rows above the table:
        # the sheet's own header block.
        said = PlanDocument()
        read_header(said, [line for line in above if line])
        doc.number, doc.issued_on, doc.issuer = said.number, said.issued_on, said.issuer
        doc.title = said.title
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
    if not table or not (is_task_header(table[0]) or missing_roles(table[0])):
        raise PlanReadError(
            "Không thấy dòng tiêu đề bảng (TT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, "
            "Thời gian thực hiện)"
        )
    reference = doc.reference(today)
    reading = template_tasks(table, reference)
    doc.sections, doc.tasks = reading.sections, reading.tasks
    finish(doc, reference)
    return doc
