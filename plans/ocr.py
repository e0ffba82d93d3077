"""Scans and photos of a page, read by Tesseract with its Vietnamese data.

A page is rendered (pypdfium2, which pdfplumber already uses) or taken as the photo it is,
turned upright (Tesseract's orientation detection for quarter turns, a projection profile for
the few degrees a phone photo leans), and read word by word with each word's box and
confidence (Tesseract's TSV, through pytesseract). The words become lines of text for the
body, and where a line of cells reads as a task table's header, the lines under it become the
table's rows by where their words sit under its columns — the layout, not only the text.

Nothing is trusted blindly: a word Tesseract is unsure of is listed for the office to check; a
word it could not read at all is left out as "…" and its line listed, never guessed.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from plans.tables import PlanReadError

IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")
DPI = 300
PAGE_SECONDS = 60.0  # Tesseract's limit for one page
UNSURE = 75  # below this confidence a word is listed for checking
UNREADABLE = 35  # below this it is left out and its line listed
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int, int]  # page, block, paragraph, line


@dataclass
class OcrText:
    """What OCR made of a document: its lines (each a list of words), and what it doubted."""

    lines: list[list[Word]] = field(default_factory=list)
    pages: int = 0
    unsure: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)  # "«ứrước» → «trước»", shown

    def line_text(self, words: list[Word]) -> str:
        return " ".join(w.text if w.confidence >= UNREADABLE else "…" for w in words)

    def warnings(self) -> list[str]:
        out = [
            f"Văn bản được đọc từ ảnh/bản scan bằng OCR ({self.pages} trang): hãy đối chiếu "
            "với bản gốc trước khi lưu."
        ]
        if self.corrected:
            fixed = ", ".join(dict.fromkeys(self.corrected))
            out.append(f"OCR đọc chưa rõ, đã hiểu là (hãy kiểm tra): {fixed}")
        if self.unsure:
            words = ", ".join(dict.fromkeys(self.unsure[:40]))
            out.append(f"OCR không chắc các từ: {words}")
        for line in self.unreadable[:20]:
            out.append(f"OCR không đọc được (để trống «…», không đoán): {line}")
        return out


def tesseract() -> str:
    found = shutil.which("tesseract")
    if found is None:
        raise PlanReadError(
            "Cần Tesseract để đọc bản scan hoặc ảnh — hãy cài gói Debian tesseract-ocr và "
            "tesseract-ocr-vie (apt-get install tesseract-ocr tesseract-ocr-vie), hoặc gửi "
            "bản DOCX/PDF có chữ"
        )
    return found


def pdf_pages(data: bytes, max_pages: int) -> tuple[int, Iterator[Any]]:
    """How many pages a PDF has, and its pages as images at DPI, one at a time."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise PlanReadError(f"không mở được PDF ({error})") from None
    count = len(document)
    if count > max_pages:
        document.close()
        raise PlanReadError(
            f"bản scan có {count} trang, quá {max_pages} trang đọc được bằng OCR; hãy gửi "
            "bản DOCX hoặc tách thành nhiều tệp"
        )

    def pages() -> Iterator[Any]:
        try:
            for page in document:
                image = page.render(scale=DPI / 72).to_pil()
                image.info["dpi"] = (DPI, DPI)
                yield image
        finally:
            document.close()

    return count, pages()


def image_page(data: bytes) -> Any:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PlanReadError(f"không đọc được ảnh ({type(error).__name__})") from None
    return ImageOps.exif_transpose(image)  # a phone's rotation flag


def read_pages(
    images: Iterable[Any], total: int, progress: Progress | None = None, photo: bool = False
) -> OcrText:
    """OCR of each page; `photo`: a camera's picture, noisier than a scanner's."""
    tool = tesseract()
    result = OcrText()
    from PIL import ImageFilter

    for number, image in enumerate(images, start=1):
        # Grey, and specks removed (a phone's noise, a scanner's dust) before anything else.
        gray = image.convert("L").filter(ImageFilter.MedianFilter(3))
        if photo:
            gray = gray.filter(ImageFilter.MedianFilter(3))
        gray.info["dpi"] = image.info.get("dpi", (DPI, DPI))
        page = upright(tool, gray)
        page.info["dpi"] = gray.info["dpi"]
        words = _words(tool, page, number)
        _add_lines(result, words)
        result.pages = number
        if progress is not None:
            progress(number, total)
    return result


def upright(tool: str, gray: Any) -> Any:
    """Quarter turns by Tesseract's orientation detection, then the small lean."""
    turned = _orientation(tool, gray)
    if turned:
        gray = gray.rotate(turned, expand=True, fillcolor=255)
    angle = lean(gray)
    if abs(angle) >= 0.2:
        gray = gray.rotate(angle, expand=True, fillcolor=255, resample=3)
    return gray


def _orientation(tool: str, gray: Any) -> int:
    try:
        # Orientation needs the script-neutral "osd" data (with -l vie it guesses wildly).
        done = _run(tool, gray, ["--psm", "0"], 20.0, lang="osd")
    except PlanReadError:
        return 0
    found = re.search(r"Rotate: (\d+)", done)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", done)
    if found is None or confidence is None or float(confidence[1]) < 2.0:
        return 0
    return -int(found[1]) % 360  # PIL turns counter-clockwise


def lean(gray: Any, span: float = 6.0, step: float = 0.25) -> float:
    """The angle (degrees) that makes text lines horizontal: the one whose row profile is
    most uneven (lines of ink and white gaps between them)."""
    from PIL import Image, ImageOps

    small = gray.resize((max(gray.width // 4, 1), max(gray.height // 4, 1)))
    ink = ImageOps.invert(small).point(lambda v: 255 if v > 100 else 0)

    def unevenness(angle: float) -> float:
        rows = ink.rotate(angle, fillcolor=0).resize((1, ink.height), Image.Resampling.BOX)
        values = list(rows.tobytes())  # one grey byte a row
        return statistics.pvariance(values) if len(values) > 1 else 0.0

    angles = [i * step - span for i in range(int(2 * span / step) + 1)]
    return max(angles, key=lambda a: (unevenness(a), -abs(a)))


def _run(tool: str, image: Any, options: list[str], seconds: float, lang: str = "vie") -> str:
    """Tesseract through pytesseract: TSV of words (`tsv` in `options`) or its OSD text."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = tool
    image.info.setdefault("dpi", (DPI, DPI))
    config = " ".join(o for o in options if o != "tsv")
    try:
        if "tsv" in options:
            return str(pytesseract.image_to_data(image, lang=lang, config=config,
                                                 timeout=seconds))  # fmt: skip
        return str(pytesseract.image_to_osd(image, lang=lang, config=config, timeout=seconds))
    except RuntimeError as error:  # pytesseract's word for its timeout
        if "timeout" in str(error).lower():
            raise PlanReadError(f"OCR một trang quá {seconds:.0f} giây") from None
        raise PlanReadError(f"OCR không đọc được trang ({str(error)[:120]})") from None
    except pytesseract.TesseractError as error:
        problem = str(error.message)
        if lang == "vie" and ("traineddata" in problem or "language" in problem.lower()):
            raise PlanReadError(
                "Thiếu dữ liệu tiếng Việt của Tesseract: cài gói tesseract-ocr-vie"
            ) from None
        raise PlanReadError(f"OCR không đọc được trang ({problem[:120]})") from None


def _words(tool: str, page: Any, number: int) -> list[Word]:
    tsv = _run(tool, page, ["--psm", "3", "tsv"], PAGE_SECONDS)
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5" or not cells[11].strip():
            continue
        if float(cells[10]) < UNSURE and not re.search(r"\w", cells[11]):
            continue  # a speck read as punctuation: not a word
        block, par, line = int(cells[2]), int(cells[3]), int(cells[4])
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(Word(cells[11].strip(), float(cells[10]), left, top, width, height,
                          (number, block, par, line)))  # fmt: skip
    return words


# The words a deadline turns on. A word Tesseract doubts, right before "ngày" or a date, one
# or two letters away from one of these (bold italic "trước" comes out "ứrước", "rước"), is
# read as that word and said so in the preview; nothing else is ever corrected.
TIMELINE_WORDS = ("trước", "sau", "đến", "từ", "hạn", "chậm", "trong", "hằng", "hàng")
_DATE_NEXT = re.compile(r"^(ngày|\d{1,2}/\d{1,2}(/\d{2,4})?)", re.IGNORECASE)


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _corrected(result: OcrText, line: list[Word], after: Word | None) -> list[Word]:
    """`line` with its doubted timeline words read (`after`: the next line's first word)."""
    from timing.timeline import fold

    out = list(line)
    for i, word in enumerate(line):
        following = line[i + 1] if i + 1 < len(line) else after
        if word.confidence >= UNSURE or following is None:
            continue
        if not _DATE_NEXT.match(following.text):
            continue
        folded = fold(word.text.strip(",.;:"))
        best = min(TIMELINE_WORDS, key=lambda w: _distance(folded, fold(w)))
        if 0 < _distance(folded, fold(best)) <= (1 if len(best) <= 3 else 2):
            out[i] = Word(best, UNSURE, word.left, word.top, word.width, word.height, word.line)
            result.corrected.append(f"«{word.text}» → «{best}»")
    return out


def _add_lines(result: OcrText, words: list[Word]) -> None:
    lines: dict[tuple[int, int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    # Tesseract's blocks may put a table's cells side by side in separate blocks: order the
    # page's lines top to bottom, and merge lines that sit on one baseline.
    ordered = sorted(lines.values(), key=lambda ws: (min(w.top for w in ws), ws[0].left))
    merged: list[list[Word]] = []
    for line in ordered:
        if merged and _same_row(merged[-1], line):
            merged[-1] = sorted(merged[-1] + line, key=lambda w: w.left)
        else:
            merged.append(sorted(line, key=lambda w: w.left))
    for n, line in enumerate(merged):
        line = _corrected(result, line, merged[n + 1][0] if n + 1 < len(merged) else None)
        text = " ".join(w.text for w in line)
        if any(w.confidence < UNREADABLE and w.text.strip(".,;:-|") for w in line):
            result.unreadable.append(result.line_text(line))
        result.unsure += [
            w.text for w in line if UNREADABLE <= w.confidence < UNSURE and re.search(r"\w", w.text)
        ]
        if text.strip():
            result.lines.append(line)


def _same_row(a: list[Word], b: list[Word]) -> bool:
    top_a = statistics.median(w.top + w.height / 2 for w in a)
    top_b = statistics.median(w.top + w.height / 2 for w in b)
    height = statistics.median(w.height for w in a + b)
    return abs(top_a - top_b) < 0.5 * height and (
        max(w.left for w in a) < min(w.left for w in b)
        or max(w.left for w in b) < min(w.left for w in a)
    )


def table_rows(ocr: OcrText, is_header: Callable[[list[str]], bool]) -> tuple[int, list[list[str]]]:
    """(the line index of a task table's header, the table as rows of cells), or (-1, []).

    Columns come from the layout: the gutters where words stand on almost no line of the
    table (a header's labels may nearly touch, but the columns under them keep their gaps). Each
    word goes to the column its middle falls in; a header wrapped over two lines is joined."""
    for index, line in enumerate(ocr.lines):
        if not _looks_like_header(line):
            continue
        lines = _table_lines(ocr.lines[index:])
        bounds = _gutters(lines[:GUTTER_LINES])
        if len(bounds) < 3:
            continue
        lines = _within(lines, bounds)
        # A header's words only name columns: matched against known labels, never stored,
        # so they are taken as read even when Tesseract doubts them.
        header = _row(line, bounds, raw=True)
        body = lines[1:]
        if body and not _starts_a_row(body[0], bounds):  # "Cơ quan chủ" / "trì"
            second = _row(body.pop(0), bounds, raw=True)
            header = [f"{a} {b}".strip() for a, b in zip(header, second, strict=True)]
        if not is_header(header):
            continue
        return index, [header, *_sections_joined([_row(words, bounds) for words in body])]
    return -1, []


_SECTION = re.compile(r"^([0-9]+|[IVXLC]+)\.?$")


def _sections_joined(rows: list[list[str]]) -> list[list[str]]:
    """A section's title runs across the columns and over lines: its words, in reading
    order, are its title (a task's cells stay in their columns, wrapped lines and all)."""
    out: list[list[str]] = []
    section: list[str] | None = None
    for row in rows:
        if row[0]:
            section = row if _SECTION.match(row[0]) else None
            if section is not None:
                out.append([row[0], " ".join(c for c in row[1:] if c), *[""] * (len(row) - 2)])
                continue
        elif section is not None:
            out[-1][1] = " ".join([out[-1][1], *(c for c in row[1:] if c)])
            continue
        out.append(row)
    return out


GUTTER_LINES = 15  # the header and the rows under it that fix the columns


def _within(lines: list[list[Word]], bounds: list[float]) -> list[list[Word]]:
    """The lines up to the first that runs across the columns from the first column without a
    ref there: a paragraph after the table (a section's title starts with its number there,
    and its next lines start in the second column)."""
    out = [lines[0]]
    for line in lines[1:]:
        crossed = sum(
            1 for b in bounds[1:] if any(w.left < b < w.left + w.width for w in line)
        ) + sum(1 for a, b in pairwise(line) for x in bounds[1:] if a.left + a.width < x < b.left
                and b.left - (a.left + a.width) < 1.2 * a.height)  # fmt: skip
        first = line[0]
        ref = re.match(r"^([0-9]+(\.[0-9]+)*|[IVXLC]+)\.?$", first.text)
        if crossed >= 2 and _column(first, bounds) == 0 and ref is None:
            break
        out.append(line)
    return out


def _looks_like_header(line: list[Word]) -> bool:
    from timing.timeline import fold

    text = fold(" ".join(w.text for w in line))
    first = fold(line[0].text).strip(".:;,'\"")
    return first in ("tt", "stt") and any(k in text for k in ("nhiem vu", "noi dung"))


def _table_lines(lines: list[list[Word]]) -> list[list[Word]]:
    """The header and the lines under it, up to a gap of several blank lines or a page."""
    out = [lines[0]]
    for line in lines[1:]:
        previous = out[-1]
        height = statistics.median(w.height for w in previous)
        if line[0].line[0] != previous[0].line[0]:  # another page: a table may go on there
            out.append(line)
            continue
        gap = min(w.top for w in line) - max(w.top + w.height for w in previous)
        if gap > 4 * height:
            break
        out.append(line)
    return out


def _gutters(lines: list[list[Word]]) -> list[float]:
    """Column starts (the first is -inf): x-ranges at least a letter wide that words cover on
    almost no line of the table (a section's title may run across the columns on a few)."""
    height = statistics.median(w.height for line in lines for w in line)
    size = max(height / 4, 1.0)
    left = min(w.left for line in lines for w in line)
    right = max(w.left + w.width for line in lines for w in line)
    counts = [0] * (int((right - left) / size) + 2)
    for line in lines:
        covered: set[int] = set()
        for w in line:
            covered.update(
                range(int((w.left - left) / size), int((w.left + w.width - left) / size) + 1)
            )
        for b in covered:
            counts[b] += 1
    rare = max(1, len(lines) // 6)
    bounds = [-1e9]
    run_start = None
    for b, count in enumerate(counts):
        if count <= rare:
            run_start = b if run_start is None else run_start
            continue
        if run_start is not None and run_start > 0 and (b - run_start) * size >= 0.6 * height:
            bounds.append(left + (run_start + b) / 2 * size)
        run_start = None
    return bounds


def _row(words: list[Word], bounds: list[float], raw: bool = False) -> list[str]:
    row = [""] * len(bounds)
    for word in words:
        column = _column(word, bounds)
        shown = word.text if raw or word.confidence >= UNREADABLE else "…"
        row[column] = f"{row[column]} {shown}".strip()
    return row


def _column(word: Word, bounds: list[float]) -> int:
    middle = word.left + word.width / 2
    return max(i for i, b in enumerate(bounds) if middle >= b)


def _starts_a_row(words: list[Word], bounds: list[float]) -> bool:
    """A line under a header starts a row when something stands in the first column (a ref,
    or a section's Roman number); a header's second line has nothing there."""
    return any(_column(w, bounds) == 0 for w in words)
