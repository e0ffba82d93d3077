"""Reading a plan from text extracted from a PDF, as the seeds are.

Such text has no columns any more: a table row comes out as its cells one after the other,
each wrapped over several lines, with the header row repeated at every page break (and the
rest of a cut cell after it). The reader rebuilds rows from what the lines look like: a task
reference starts a row; the task's title comes first; a line that starts with an agency
("Sở …", "Các sở …", "UBND …", "Trường …") opens the lead cell, the next such line after a
complete name opens the coordinators' cell; a phrase that reads as a timeline ends the row.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache, partial

from plans.agencies import agency_list, split_agencies
from plans.assignments import UNIT, assigned_tasks, due_by, sentence_subject
from plans.blocks import LOST, block_tables, table_seen
from plans.body import bare_key, body_tasks, fold_same, is_field
from plans.model import (
    BodyDeadline,
    BodyEvent,
    FormField,
    FormSpec,
    PlanDocument,
    Reading,
    Section,
    TaskRow,
)
from plans.tables import tasks_from_table
from timing.timeline import FROM_DOCUMENT, TimelineError, fold, parse_timeline

APPENDIX = re.compile(r"^\s*PH[UỤ]\s+L[UỤ]C\b", re.IGNORECASE)
# "Số: 59/QĐ-BTNMT", "Số: 49/2012/QĐ-UBND", "Số: 50 /ĐHVN-KT&ĐBCL": anywhere on its line (an
# extractor glues the rule under the agency, or the motto beside it, to the number).
NUMBER = re.compile(r"\bSố\s*:?\s*(\d+[a-zA-Z]?(?:\s*/\s*\d{4})?\s*/\s*[^\W_][\w&\-.]*(?<![.\-]))")
SIGNED = re.compile(
    r"(?:Thời gian ký|Ngày ký|Ký ngày)\s*:?\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})",
    re.IGNORECASE,
)  # an e-signature stamp: number and signing time
BODY_START = re.compile(
    r"^\s*(?:[IVX]{1,5}\.\s|\d{1,2}\.\s|Điều\s+1\b|QUYẾT ĐỊNH\s*:|.*\bnhư sau\s*:\s*$)"
)
# "…, ngày …. tháng …. năm 2026", or with the month printed and the day left for the pen.
BLANK_DATELINE = re.compile(r",\s*ngày\s*[.…]*\s*tháng\s*(\d{1,2})?[.…]*\s*năm\s+(\d{4})")
CITED = re.compile(r"ngày\s+(\d{1,2})\s*(?:/\s*(\d{1,2})\s*/\s*|tháng\s+(\d{1,2})\s+năm\s+)(\d{4})")
DATELINE = re.compile(
    r"([A-ZĐ][^\n,]{1,40}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
# A two-column header run together line by line: the year of the dateline alone on a later line
# ("…, ngày 23 tháng 10 năm" / "Số: 49/2012/QĐ-UBND" / "2012").
DATELINE_CUT = re.compile(
    r"([A-ZĐ][^\n,]{1,40}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm[ \t]*\n"
    r"(?:[^\n]*\n){0,2}?[ \t]*(\d{4})[ \t]*$",
    re.MULTILINE,
)
REF = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})?)\.?(?:\s+(.*))?$")
AGENCY = re.compile(
    r"^(?:cac\s+)?(?:so|ubnd|uy ban|truong|dai hoc|bo|phong|trung tam|ban|cong an|hoi|"
    r"lien doan|doan|cuc|chi cuc|van phong|thanh tra|don vi|cong doan)\b"
)
# Words a "Thời gian thực hiện" cell opens with; "Thương binh" or "Đầu tư" must not count.
TIMELINE_START = re.compile(
    r"^(?:hang (?:nam|quy|thang|tuan)|hoan thanh|trong\b|truoc\b|quy\b|q\d|thang\s*\d"
    r"|nam\s+\d|nam hoc|thuong xuyen|lien tuc|dinh ky|tu\s+(?:ngay|thang|nam|quy|\d)"
    r"|den\s+(?:ngay|nam|thang|het)|cham nhat|giai doan|hoc ky|du kien|cuoi\b"
    r"|moi\s+(?:nam|quy|thang|tuan)|ngay\s+\d|\d)"
)
HEADER_WORDS = {"tt", "nhiem vu", "co quan", "chu tri", "co quan phoi hop", "phoi hop",
                "thoi gian", "thuc hien", "co quan chu tri", "thoi gian thuc hien"}  # fmt: skip
DEADLINE_CUE = re.compile(
    r"\b(?:truoc|cham nhat|han chot|han cuoi|den het)\b(?:\s+(?:ngay|hoac trong ngay|"
    r"\d{1,2}\s*(?:h|gio)\s*\d{0,2}(?:\s*phut)?\s*,?\s*ngay))?\s*"
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{2,4})?"
)
_CLOCK = r"(?:\d{1,2}\s*(?:h|gio|:)\s*\d{0,2}(?:\s*phut)?\s*,?\s*)?"
WINDOW = re.compile(
    r"\btu\s+" + _CLOCK + r"(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?\s*"
    r"(?:den|toi|-|truoc)\s*(?:het\s+)?"
    + _CLOCK
    + r"(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}",
    re.IGNORECASE,
)
# A plan whose subject is one happening: its undated duties are due by that day.
EVENT_PLAN = re.compile(
    r"\b(?:hoi nghi|hoi thao|ky thi|cuoc thi|hoi thi|hoi giang|tap huan|le (?:khai|be|tong|ky)"
    r"|dai hoi|giai|ngay hoi|le hoi|hoi trai)\b"
)
# Units named by the places they run ("Các quận, huyện: …").
PLACES = re.compile(r"^(?:cac\s+)?(?:quan|huyen|thi xa|thanh pho|tinh|xa|phuong)\b")
INFORMED = re.compile(r"\(\s*(?:để|đề)?\s*(?:b/c|báo cáo|biết|chỉ đạo|theo dõi)", re.IGNORECASE)
SUBJECT_LINE = re.compile(r"^[-–_\s]*(?:v\s*/\s*v|ve viec)\s*:?\s*")
DAY = re.compile(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}")
AFTER_EVENT = re.compile(
    r"\b(\d{1,2})\s*(?:\([^)]{1,12}\)\s*)?ngay\s+(?:ke tu|sau)\s+(?:ngay\s+|khi\s+)?"
    r"(?:ket thuc|to chuc|dien ra|hoan thanh)(?!\s+(?:quy|thang|nam|ky bao cao)\b)"
)
# How often, said by the sentence as a whole: "hằng tháng", "định kỳ", or a report named by its
# period and due after it ("báo cáo quý chậm nhất 15 ngày kể từ ngày kết thúc quý", "trước
# ngày 10/01 của năm liền kề năm báo cáo").
CYCLE = re.compile(
    r"\b(?:hang|moi|tung)\s+(?:thang|quy|nam|tuan)\b|\bdinh ky\b"
    r"|\bbao cao\s+(?:thang|quy|nam|(?:0?6|sau) thang)\b"
    r"|\bket thuc\s+(?:quy|thang|nam|ky bao cao)\b|\bnam lien ke\b|\bthang sau thang\b"
)
RECURRING_CUE = re.compile(r"\b(?:truoc|cham nhat|han|vao)\s+(?:ngay\s+)?\d")
EVENT = re.compile(
    r"(?:\btu\s+)?\d{1,2}\s*(?:h|gio)\s*\d{0,2}\s*(?:-|–|den)\s*\d{1,2}\s*(?:h|gio)\s*\d{0,2}"
    r"\s*,?\s*ngay\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}(?:\s*\(thu\s+\w+\))?"
)


def parse_plan_text(text: str, today: date) -> PlanDocument:
    """Everything the reader finds in one plan's text; what it cannot read becomes a warning."""
    lines = text_lines(text)
    doc = PlanDocument()
    read_header(doc, lines)
    reference = doc.reference(today)
    appendix_at = appendix_start(lines)
    read_body(doc, lines[:appendix_at], reference)
    before = len(doc.tasks)
    for start, end in _appendices(lines, appendix_at):
        _appendix(doc, lines[start:end], reference)
    if len(doc.tasks) == before:
        _paragraph_tables(doc, lines, reference)
    finish(doc, reference)
    return doc


def _paragraph_tables(doc: PlanDocument, lines: list[str], reference: date) -> None:
    """A ruled table that pdftotext turned into paragraphs, one per cell (plans/blocks.py)."""
    tables = block_tables(lines)
    if not tables and table_seen(lines):
        doc.warnings.append(LOST)
    for table in tables:
        reading = tasks_from_table(table, reference)
        if reading.layout is None:
            continue
        if not reading.tasks:
            doc.warnings.append(LOST)
            continue
        doc.sections.extend(reading.sections)
        doc.tasks.extend(reading.tasks)
        doc.columns.append(reading.layout.describe())
        doc.warnings.append(
            "Bảng nhiệm vụ đọc từ bản chữ (mỗi ô một đoạn): hãy đối chiếu với văn bản gốc"
        )


def text_lines(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).replace("\f", "\n").split("\n")


def appendix_start(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines) if APPENDIX.match(line)), len(lines))


def finish(doc: PlanDocument, reference: date) -> None:
    """The warnings the office must see before applying; one event per moment (a notice names
    its exam day in the preamble and again in its plan), in the fewest words."""
    by_moment: dict[object, BodyEvent] = {}
    for event in doc.events:
        moment = event.timeline.timeline.start if event.timeline.timeline else event.sentence
        kept = by_moment.get(moment)
        if kept is None or len(event.sentence) < len(kept.sentence):
            by_moment[moment] = event
    doc.events = [e for e in doc.events if by_moment.get(
        e.timeline.timeline.start if e.timeline.timeline else e.sentence) is e]  # fmt: skip
    if not doc.number:
        doc.warnings.append("Không tìm thấy số kế hoạch (Số: …/KH-…)")
    if doc.issued_on is None and doc.floor is not None:
        doc.warnings.append(
            f"Không tìm thấy ngày ban hành; văn bản không thể sớm hơn {doc.floor_source}, nên "
            f"thời hạn được đọc từ ngày {reference:%d/%m/%Y}"
        )
    elif doc.issued_on is None:
        doc.warnings.append(
            f"Không tìm thấy ngày ban hành; thời hạn được đọc theo ngày {reference:%d/%m/%Y}"
        )
    for task in doc.tasks:
        if task.timeline.timeline is None:
            doc.warnings.append(
                f"Nhiệm vụ {task.ref}: không đọc được thời hạn {task.timeline.text!r} "
                f"({task.timeline.error}); cần Văn phòng xác định"
            )
        elif not task.timeline.text:
            doc.warnings.append(f"Nhiệm vụ {task.ref}: không có thời gian thực hiện")
        else:
            doc.warnings.extend(
                f"Nhiệm vụ {task.ref}: {w}" for w in task.timeline.timeline.warnings
            )
    for deadline in doc.deadlines:
        if deadline.timeline.timeline is not None:
            doc.warnings.extend(deadline.timeline.timeline.warnings)


# ---- the header: number, date, issuer, title ---------------------------------------------


def read_header(doc: PlanDocument, lines: list[str]) -> None:
    head = "\n".join(lines[:60])
    number = NUMBER.search(head)
    if number:
        doc.number = re.sub(r"\s+", "", number.group(1))
    dateline = DATELINE.search(head) or DATELINE_CUT.search(head)
    signed = SIGNED.search(head)
    if dateline:
        try:
            doc.issued_on = date(
                int(dateline.group(4)), int(dateline.group(3)), int(dateline.group(2))
            )
        except ValueError:
            doc.warnings.append(f"Ngày ban hành không hợp lệ: {dateline.group(0)!r}")
    elif signed:
        try:
            doc.issued_on = date(int(signed.group(3)), int(signed.group(2)), int(signed.group(1)))
        except ValueError:
            doc.warnings.append(f"Ngày ký không hợp lệ: {signed.group(0)!r}")
    if doc.issued_on is None:
        _date_floor(doc, lines, head)
    stripped = [line.strip() for line in lines[:60]]
    # The number may sit mid-line (a header block read as one line): no "Số" line, no issuer.
    at = next((i for i, line in enumerate(stripped) if line.startswith("Số")), None)
    if number and at is not None:
        for line in reversed(stripped[:at]):
            # Its left column: laid-out text keeps the motto's column beside it.
            left = re.split(r"\s{3,}|\t", line)[0]
            if left and left.isupper() and not fold(left).startswith(("cong hoa", "doc lap")):
                doc.issuer = _title_case_agency(left)
                break
    kh = next((i for i, line in enumerate(stripped) if fold(line) == "ke hoach"), None)
    inline = next(
        (i for i, line in enumerate(stripped[:60])
         if line.isupper() and fold(line).startswith("ke hoach ") and len(line) < 200),
        None,
    )  # fmt: skip
    if kh is None and inline is not None:
        # "KẾ HOẠCH TRIỂN KHAI CÁC HOẠT ĐỘNG …" ⏎ "CHẤT LƯỢNG … NĂM 2026": the heading is the title.
        title = [stripped[inline][len("KẾ HOẠCH") :].strip()]
        title += list(itertools.takewhile(str.isupper, stripped[inline + 1 :][:3]))
        doc.title = _join(title)
    if kh is not None:
        # The title runs to the rule under it, a line of spaces, or the first paragraph.
        title: list[str] = []
        for raw in lines[kh + 1 : kh + 40]:
            line = raw.strip()
            if not line:
                if raw and title:
                    break
                continue
            if (
                line.startswith(("---", "-", "+", "•"))
                or fold(line).startswith(("thuc hien ke hoach so", "can cu", "i. "))
                or re.match(r"^(?:[IVX]{1,5}|\d{1,2})\.\s", line)
            ):
                break
            title.append(line)
        doc.title = _join(title)
    if not doc.title:
        doc.title = _under_heading(stripped) or _subject_line(stripped)
    doc.kind = document_kind(doc.number, stripped)


# Where the header ends and the text begins.
BODY_CUES = ("can cu", "kinh gui", "thuc hien ", "trien khai ", "de ", "nham ")


# Who decides, on its own line between a decision's subject and its "Căn cứ".
AUTHORITY_LINES = ("uy ban nhan dan", "giam doc", "chu tich", "bo truong", "hieu truong")


def _under_heading(lines: list[str]) -> str:
    """The subject under a notice's or guide's heading ("THÔNG BÁO" / "Nộp chứng chỉ …")."""
    at = next(
        (i for i, line in enumerate(lines[:60])
         if fold(line) in ("thong bao", "huong dan", "chi thi", "chuong trinh", "quy che",
                           "quy dinh", "quyet dinh")),
        None,
    )  # fmt: skip
    if at is None:
        return ""
    parts: list[str] = []
    for line in lines[at + 1 : at + 6]:
        folded = fold(line)
        if not line and not parts:
            continue  # the blank line under the heading
        if (
            not line
            or folded.startswith(BODY_CUES + AUTHORITY_LINES)
            or re.match(r"^(?:\d+|[IVX]+)\.|^(?:dieu|chuong|muc) [\divx]+\b", folded)
            or (parts and line.endswith(":"))  # "Nhà trường thông báo … như sau:"
        ):
            break
        parts.append(line)
    return _after_subject_opening(_join(parts))


# The kind a number's code names ("120/TB-SGDĐT"), else the heading, else a letter's V/v.
KIND_CODES = {
    "KH": "Kế hoạch", "TB": "Thông báo", "QĐ": "Quyết định", "HD": "Hướng dẫn", "CT": "Chỉ thị",
    "QC": "Quy chế", "BC": "Báo cáo", "CV": "Công văn", "TTR": "Tờ trình", "CĐ": "Công điện",
    "NQ": "Nghị quyết", "CTR": "Chương trình",
}  # fmt: skip
KIND_HEADINGS = {fold(name): name for name in KIND_CODES.values()}


def document_kind(number: str, lines: list[str]) -> str:
    """What the document is, as its number's code, its heading or its V/v line say."""
    for part in re.split(r"[/\-]", number)[1:]:
        if part.upper() in KIND_CODES:
            return KIND_CODES[part.upper()]
    for line in lines[:40]:
        if fold(line) in KIND_HEADINGS:
            return KIND_HEADINGS[fold(line)]
    if any(SUBJECT_LINE.match(fold(line)) for line in lines[:40]):
        return "Công văn"
    return "Kế hoạch"


def _after_subject_opening(line: str) -> str:
    """ "V/v báo cáo …", "Về việc báo cáo …" → "Báo cáo …"."""
    opening = SUBJECT_LINE.match(fold_same(line).lower())
    rest = line[opening.end() :].strip() if opening else line
    return rest[:1].upper() + rest[1:]


def _subject_line(lines: list[str]) -> str:
    """A letter's subject ("V/v báo cáo …", "Về việc …"), perhaps over two or three lines."""
    end = next(
        (i for i, line in enumerate(lines) if fold(line).startswith(BODY_CUES[:2])), len(lines)
    )
    at = next((i for i, line in enumerate(lines[:end]) if SUBJECT_LINE.match(fold(line))), None)
    if at is None:
        return ""
    parts = [_after_subject_opening(lines[at])]
    for line in lines[at + 1 : at + 5]:
        if not line or line.isupper() or fold(line).startswith(("kinh gui", "cong hoa", "doc lap")):
            break
        if re.search(r",\s*ngày\s+\d", line):  # the dateline beside it, read in between
            continue
        if fold(line).startswith(("chuong ", "dieu ", "can cu", "phan ", "(")):
            break
        parts.append(line)
    return _join(parts)


def _date_floor(doc: PlanDocument, lines: list[str], head: str) -> None:
    """No date of issue: the document cannot be older than the dates it cites before its first
    heading, nor than the year its blank dateline shows."""
    candidates: list[tuple[date, str]] = []
    blank = BLANK_DATELINE.search(head)
    if blank:
        year, month = int(blank.group(2)), int(blank.group(1) or 1)
        if blank.group(1) and 1 <= month <= 12:
            said = f"tháng {month:02d}/{year} của dòng ngày tháng để trống ngày"
        else:
            month, said = 1, f"năm {year} của dòng ngày tháng để trống"
        candidates.append((date(year, month, 1), said))
    # The preamble: what the document cites before it starts to say anything itself (its first
    # numbered heading, "Điều 1", "… như sau:"), where its own deadlines are not yet.
    head_lines = lines[: appendix_start(lines)][:120]
    end = next((i for i, line in enumerate(head_lines) if BODY_START.match(line)), len(head_lines))
    preamble = "\n".join(head_lines[:end])
    for match in CITED.finditer(preamble):
        day, month, year = (
            int(match.group(1)),
            int(match.group(2) or match.group(3)),
            int(match.group(4)),
        )
        try:
            cited = date(year, month, day)
        except ValueError:
            continue
        candidates.append((cited, f"ngày {cited:%d/%m/%Y} văn bản dẫn"))
    if candidates:
        doc.floor, doc.floor_source = max(candidates)


def _title_case_agency(line: str) -> str:
    # "SỞ GIÁO DỤC VÀ ĐÀO TẠO" → "Sở Giáo dục và Đào tạo", as the agency writes its own name.
    known = {"so giao duc va dao tao": "Sở Giáo dục và Đào tạo"}
    return known.get(fold(line), line)


# ---- the body: deadlines, events, recipients ----------------------------------------------


def read_body(doc: PlanDocument, lines: list[str], reference: date) -> None:
    recipients_at = next(
        (i for i, line in enumerate(lines) if fold(line).startswith("noi nhan")), None
    )
    recipients_end = recipients_at
    informed: set[str] = set()
    if recipients_at is not None:
        recipients_end = recipients_at + 1
        for line in lines[recipients_at + 1 :]:
            item = line.strip()
            if not item:
                recipients_end += 1
                continue
            if not item.startswith(("-", "+", "•")):
                break
            recipients_end += 1
            # Up to its ";": an extractor may run the signature block beside it into the line
            # ("- Ban Giám hiệu (để báo cáo); KT. HIỆU TRƯỞNG").
            item = re.sub(r"^[-+•]\s*", "", item)
            named = re.sub(r"\s*\([^)]*\)$", "", item.split(";")[0].rstrip(";. "))
            if INFORMED.search(item):
                # "(để b/c)", "; (báo cáo)": told, not asked to act — not among those a task,
                # an event or the names to map go to.
                informed.add(named)
            elif not fold(named).startswith("luu"):
                doc.recipients.append(named)
    addressees = read_addressees(lines)
    if addressees:
        # "Nơi nhận: - Như trên;" stands for the Kính gửi list.
        listed = [r for r in doc.recipients if fold(r) != "nhu tren"]
        doc.recipients[:] = list(addressees) + [r for r in listed if r not in addressees]
    elif doc.kind in ("Thông báo", "Công văn"):
        # A notice has no Kính gửi: those it is sent to, but for those only informed. (A
        # decision's or a plan's Nơi nhận also lists the authorities above, unmarked.)
        addressees = tuple(r for r in doc.recipients if r not in informed)
    # The body goes on after the Nơi nhận block when a plan follows its decision.
    body = lines if recipients_at is None else lines[:recipients_at] + lines[recipients_end:]
    sections, tasks, taken = body_tasks(body, reference)
    doc.sections.extend(sections)
    doc.tasks.extend(tasks)
    # Duties handed out unit by unit ("Tổ chức thực hiện", articles): read here, so their
    # deadlines are not read again as the body's.
    assigned = assigned_tasks(body, reference)
    text = "\n".join(
        line.strip() for i, line in enumerate(body) if line.strip() and i not in assigned.used
    )
    # "… 10 ngày kể từ ngày kết thúc tập huấn": dated by the event, once all are read.
    after_event: list[tuple[str, re.Match[str]]] = []
    for item in _items(text):
        # Who the item's deadlines concern: asked once, however many deadlines it holds.
        whom = cache(partial(_applies_to, item, addressees))
        if tasks and (is_field(item) or bare_key(item) in taken):
            continue  # read with its task
        folded = fold_same(item)
        # An application window first ("từ 9:00 ngày 15/09/2025 trước 16:00 ngày 13/10/2025"):
        # its parts would read as an event and a deadline.
        found = False
        for match in WINDOW.finditer(folded):
            # With the words before it in its sentence: "Hội thi diễn ra từ … đến …" is when
            # it takes place, not a window to act in.
            opening = max(folded.rfind(". ", 0, match.start()) + 2, match.start() - 80, 0)
            reading = Reading.of(item[opening : match.end()], reference)
            said = _excerpt(item, match.start(), match.end())
            if reading.timeline is not None and reading.timeline.kind == "event":
                doc.events.append(BodyEvent(said, reading))
                found = True
                continue
            reading = Reading.of(item[match.start() : match.end()], reference)
            if reading.timeline is not None and reading.timeline.kind == "window":
                doc.deadlines.append(BodyDeadline(said, whom(), reading))
                found = True
        if found:
            continue
        for match in EVENT.finditer(folded):
            phrase = item[match.start() : match.end()]
            reading = Reading.of(phrase, reference)
            if reading.timeline is not None and reading.timeline.kind == "event":
                doc.events.append(BodyEvent(_excerpt(item, match.start(), match.end()), reading))
                found = True
        if CYCLE.search(folded) and RECURRING_CUE.search(folded):
            # "Định kỳ hằng tháng, các đơn vị báo cáo … trước ngày 25": the whole sentence
            # says how often, its cue alone only which day.
            reading = Reading.of(item, reference)
            if reading.timeline is not None and reading.timeline.kind == "recurring":
                said = _excerpt(item, 0, 0)
                doc.deadlines.append(BodyDeadline(said, whom(), reading))
                continue
        for match in DEADLINE_CUE.finditer(folded):
            phrase = item[match.start() : match.end()]
            reading = Reading.of(phrase, reference)
            if reading.timeline is None or reading.timeline.kind in ("once", "window"):
                said = _excerpt(item, match.start(), match.end())
                doc.deadlines.append(BodyDeadline(said, whom(), reading))
                found = True
        if not found and ("ke tu" in folded or "sau" in folded):
            # "… trong vòng 07 ngày làm việc kể từ ngày nhận được công văn này": from the
            # document's own day.
            for match in FROM_DOCUMENT.finditer(folded):
                reading = Reading.of(item[match.start() : match.end()], reference)
                if reading.timeline is not None and reading.timeline.kind == "once":
                    said = _excerpt(item, match.start(), match.end())
                    doc.deadlines.append(BodyDeadline(said, whom(), reading))
                    found = True
        if not found and (after := AFTER_EVENT.search(folded)):
            after_event.append((item, after))
            continue
        day = DAY.search(folded) if not found else None
        if day is not None:
            # A day on which something happens ("Ngày thi: 04/01/2025", "Khai giảng: ngày
            # 05/9/2024"): the grammar knows a happening from a deadline by its words.
            head = item[: day.start()]
            cut = max(head.rfind(". "), head.rfind("; "))
            phrase = item[max(cut + 1, day.start() - 100) : day.end()]
            reading = Reading.of(phrase, reference)
            if reading.timeline is not None and reading.timeline.kind == "event":
                doc.events.append(BodyEvent(_excerpt(item, day.start(), day.end()), reading))
    tasks = assigned.tasks
    happening = [e.timeline.timeline for e in doc.events if e.timeline.timeline is not None]
    starts = sorted({_day_of(t.start) for t in happening if t.start is not None})
    ends = sorted({_day_of(t.end or t.start) for t in happening if t.start is not None})

    def event_day(said: re.Match[str]) -> date | None:
        # "… sau khi kết thúc Hội thi": from the last day of what the document holds (its
        # closing); "… kể từ ngày tổ chức": from its one day, when it has only one.
        ending = "ket thuc" in said.group(0) or "hoan thanh" in said.group(0)
        return ends[-1] if ending and ends else starts[0] if len(starts) == 1 else None

    for item, said in after_event:
        day = event_day(said)
        if day is not None:
            _after_the_event(doc, item, said, day, addressees, reference)
        else:
            doc.warnings.append(
                f"Hạn “{item[said.start() : said.end()]}” tính từ một sự kiện mà văn bản không "
                "nêu rõ ngày: hãy nhập hạn"
            )
    # A unit's duty "báo cáo … trong vòng 07 ngày sau khi kết thúc Ngày hội": the same.
    tasks = [_dated_after_event(doc, task, event_day, reference) for task in tasks]
    if len(starts) == 1 and EVENT_PLAN.search(fold(doc.title)):
        # A plan for one event (a conference): what it does not date is due by then.
        tasks = due_by(tasks, starts[0], "ngày diễn ra sự kiện", reference)
    doc.sections.extend(assigned.sections)
    doc.tasks.extend(tasks)


def _dated_after_event(
    doc: PlanDocument,
    task: TaskRow,
    event_day: Callable[[re.Match[str]], date | None],
    reference: date,
) -> TaskRow:
    """A duty counted from the document's event, which its own words could not date."""
    timeline = task.timeline.timeline
    if timeline is not None and timeline.kind not in ("continuous", "none"):
        return task
    said = AFTER_EVENT.search(fold_same(task.title))
    day = event_day(said) if said is not None else None
    counted = _after_event(task.title, said, day, reference) if said and day else None
    if counted is None:
        return task
    reading, why = counted
    doc.warnings.append(f"Nhiệm vụ {task.ref}: hạn {why}")
    notes = dict(task.extra)
    notes["Thời hạn"] = f"{task.title[said.start() : said.end()]}: tính từ ngày {day:%d/%m/%Y}"
    return replace(task, timeline=reading, extra=tuple(notes.items()))


def _after_the_event(
    doc: PlanDocument,
    item: str,
    match: re.Match[str],
    day: date,
    addressees: tuple[str, ...],
    reference: date,
) -> None:
    """A deadline counted from the document's event: so many days after its day."""
    counted = _after_event(item, match, day, reference)
    if counted is None:
        return
    reading, why = counted
    said = _excerpt(item, match.start(), match.end())
    doc.deadlines.append(BodyDeadline(said, _applies_to(item, addressees), reading))
    doc.warnings.append(f"Hạn {why}")


def _after_event(
    text: str, match: re.Match[str], day: date, reference: date
) -> tuple[Reading, str] | None:
    """ "10 ngày sau khi kết thúc Hội thi", the event's day known: the deadline, and the
    warning that says how it was counted."""
    count = int(match.group(1))
    if not 1 <= count <= 90:
        return None
    due = day + timedelta(days=count)
    why = (f"“{text[match.start() : match.end()]}” tính từ ngày của sự kiện trong văn bản "
           f"({day:%d/%m/%Y}): {due:%d/%m/%Y}; hãy kiểm tra")  # fmt: skip
    return Reading.of(f"chậm nhất ngày {due:%d/%m/%Y}", reference), why


def _day_of(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


EXCERPT = 300  # characters kept each side of a deadline in a sentence that runs on


def _excerpt(item: str, start: int, end: int) -> str:
    """The sentence a deadline or an event was said in, or, when a run of text has no full
    stop, the words around it: each deadline keeps its own copy, and a page of deadlines
    without a stop must not become a copy of the page per deadline."""
    if len(item) <= 2 * EXCERPT + (end - start):
        return item
    first = max(0, start - EXCERPT)
    last = min(len(item), end + EXCERPT)
    first = item.rfind(" ", 0, first) + 1 if first else 0
    cut = item.find(" ", last)
    last = len(item) if cut < 0 else cut
    return ("…" if first else "") + item[first:last].strip() + ("…" if last < len(item) else "")


HEADING = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})\.|(?:Điều|Chương|Mục)\s+[\dIVX]{1,4}\.?)\s+[^.;:,]{1,60}$"
)
ITEM_START = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|[IVX]{1,4}\.)\s")


def _items(text: str) -> list[str]:
    """Bullets and sentences: where a deadline and whom it concerns stay together."""
    # A line that ends a sentence and one that opens with a capital: a new paragraph (the
    # last addressee of a Kính gửi list, then the letter's first sentence).
    # A short numbered heading ("2. Hồ sơ đăng ký") stands alone too: its words are not the
    # subject of the sentence under it.
    paragraphs: list[list[str]] = []
    for line in text.split("\n"):
        if paragraphs and not (
            (paragraphs[-1][-1].endswith((".", "!", "?")) or HEADING.match(paragraphs[-1][-1]))
            and (line[:1].isupper() or ITEM_START.match(line))
        ):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    pieces = [
        piece
        for lines in paragraphs
        for piece in re.split(
            r"\s(?=[-+•]\s)|(?<=[.;:])\s+(?=\d+\.\s|[a-zđ]\)\s|[IVX]+\.\s)", " ".join(lines)
        )
    ]
    return [p.strip(" -+•") for p in pieces if p.strip(" -+•")]


def _applies_to(item: str, addressees: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Who a sentence's deadline concerns: a unit before a colon ("Các quận, huyện: …"), the
    unit the sentence opens with ("Các trường THPT báo cáo … trước ngày …"), else those the
    document is addressed to (Kính gửi)."""
    label, sep, _ = item.partition(":")
    label = label.strip()
    if (
        sep
        and 0 < len(label) <= 60
        and not re.search(r"\d", label)
        and (UNIT.match(folded := fold_same(label).lower()) or PLACES.match(folded))
    ):
        return (label,)
    subject = sentence_subject(item)
    if subject:
        return (subject,)
    return addressees


def read_addressees(lines: list[str]) -> tuple[str, ...]:
    """The "Kính gửi" block of a letter: those it asks to act. One name after the colon, or
    a list below it ("- Các phòng Giáo dục và Đào tạo;")."""
    head = lines[:80]
    start = next((i for i, line in enumerate(head) if fold(line).startswith("kinh gui")), None)
    if start is None:
        return ()
    names: list[str] = []
    first = lines[start].split(":", 1)[1].strip() if ":" in lines[start] else ""
    after = start + 1
    if first and after < len(lines) and _wraps_on(first, lines[after]):
        first, after = f"{first} {lines[after].strip()}", after + 1
    if first:
        names.append(first)
    for line in lines[after : start + 20]:
        item = line.strip()
        if not item:
            if names:
                break
            continue
        if not item.startswith(("-", "+", "•")):
            if names:
                break
            continue
        names.append(item)
    cleaned = (re.sub(r"^[-+•]\s*", "", name).rstrip(";.,: ") for name in names)
    # "- Các trường THPT, trường PT DTNT tỉnh;": two kinds of unit, each matched on its own.
    return tuple(unit for name in cleaned for unit in agency_list(name))


def _wraps_on(name: str, line: str) -> bool:
    """Whether a name after "Kính gửi:" runs on to the next line ("… các tỉnh, thành phố trực
    thuộc" ⏎ "Trung ương"): the name has no closing mark and the line is a few words of no
    list item, heading or sentence of the body."""
    words = line.split()
    return (
        not name.endswith((";", ".", ":"))
        and 0 < len(words) <= 4
        and not line.strip().startswith(("-", "+", "•"))
        and not line.strip().isupper()
        and not fold(line).startswith((*BODY_CUES, "theo ", "ngay "))
        and not line.rstrip().endswith((":", "."))
    )


# ---- appendices: a task table or a form ---------------------------------------------------


def _appendices(lines: list[str], first: int) -> list[tuple[int, int]]:
    starts = [i for i in range(first, len(lines)) if APPENDIX.match(lines[i])]
    return list(zip(starts, [*starts[1:], len(lines)], strict=False))


def _appendix(doc: PlanDocument, lines: list[str], reference: date) -> None:
    header_at = next((i for i, line in enumerate(lines) if fold(line).startswith("tt ")), None)
    if header_at is None:
        doc.warnings.append("Phụ lục không có bảng (không thấy dòng tiêu đề 'TT …')")
        return
    title = _join(
        line.strip() for line in lines[1:header_at]
        if line.strip() and not line.strip().startswith("(")
    )  # fmt: skip
    if "nhiem vu" in fold(lines[header_at]):
        _task_table(doc, lines[header_at:], reference)
    else:
        doc.form = _form(title, lines[header_at:])


@dataclass
class _Row:
    ref: str
    section: str
    cells: dict[str, list[str]] = field(
        default_factory=lambda: {"title": [], "lead": [], "coordinators": [], "timeline": []}
    )
    state: str = "title"
    after_break: bool = False


def _task_table(doc: PlanDocument, lines: list[str], reference: date) -> None:
    rows: list[_Row] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        folded = fold(stripped)
        if folded.startswith("tt ") and "nhiem vu" in folded:
            i = _skip_header(lines, i)
            if rows:
                rows[-1].after_break = True
            continue
        i += 1
        if not stripped:
            continue
        ref = REF.match(stripped)
        if ref and _next_ref(ref.group(1), rows, section):
            number = ref.group(1)
            if "." not in number:
                section = number
                row = _Row(number, "")
                row.state = "section"
            else:
                row = _Row(number, section)
            rows.append(row)
            rest = (ref.group(2) or "").strip()
            if rest:
                _feed(row, rest, lines[i:], reference)
            continue
        if rows:
            _feed(rows[-1], stripped, lines[i:], reference)
    for row in rows:
        if row.state == "section" or "." not in row.ref:
            doc.sections.append(Section(row.ref, _join(row.cells["title"])))
            continue
        timeline_text = _join(row.cells["timeline"])
        doc.tasks.append(
            TaskRow(
                ref=row.ref,
                section=row.section,
                title=_join(row.cells["title"]),
                lead=split_agencies(_join(row.cells["lead"])),
                coordinators=split_agencies(_join(row.cells["coordinators"])),
                timeline=Reading.of(timeline_text, reference),
            )
        )


def _skip_header(lines: list[str], i: int) -> int:
    i += 1
    while i < len(lines) and (not lines[i].strip() or fold(lines[i]) in HEADER_WORDS):
        i += 1
    return i


def _next_ref(number: str, rows: list[_Row], section: str) -> bool:
    """A number starts a row only where the table's numbering can go next."""
    if "." not in number:
        return int(number) == (int(section) + 1 if section else 1)
    major, minor = (int(p) for p in number.split("."))
    if str(major) != section:
        return False
    last = [r for r in rows if r.section == section and "." in r.ref]
    return not last or minor > int(last[-1].ref.split(".")[1])


def _feed(row: _Row, line: str, rest: list[str], reference: date) -> None:
    """Put one line (or its parts) into the row's cells."""
    if row.state == "section":
        row.cells["title"].append(line)
        return
    if row.state == "timeline" or (row.after_break and row.state != "title"):
        if row.after_break and not _is_agency(line) and not _timeline_at(line, rest, reference):
            row.cells["title"].append(line)  # the rest of a title cut by a page break
        else:
            row.cells["timeline"].append(line)
        return
    if row.state == "title":
        if not _is_agency(line):
            row.cells["title"].append(line)
            return
        row.state = "lead"
    cut = _timeline_at(line, rest, reference)
    if cut is not None:
        head, tail = line[:cut].strip(), line[cut:].strip()
        if head:
            _agency_line(row, head)
        row.cells["timeline"].append(tail)
        row.state = "timeline"
        return
    _agency_line(row, line)


def _agency_line(row: _Row, line: str) -> None:
    cell = row.cells[row.state]
    if row.state == "lead" and cell and _is_agency(line) and _complete(cell[-1]):
        row.state = "coordinators"
    row.cells[row.state].append(line)


def _is_agency(line: str) -> bool:
    return line[:1].isupper() and bool(AGENCY.match(fold(line)))


def _complete(line: str) -> bool:
    last = fold(line).rstrip()
    return not last.endswith((",", " va", " cac", " ubnd", " dai", " so", " truong"))


def _timeline_at(line: str, rest: list[str], reference: date) -> int | None:
    """Where in `line` a timeline begins (it may go on over the row's next lines), if any."""
    following = []
    for extra in rest:
        stripped = extra.strip()
        if fold(stripped).startswith("tt ") or REF.match(stripped):
            break
        if stripped:
            following.append(stripped)
    words = list(re.finditer(r"\S+", line))
    for word in words:
        tail = line[word.start() :]
        if not TIMELINE_START.match(fold(tail)):
            continue
        for extra_count in range(len(following), -1, -1):
            phrase = " ".join([tail, *following[:extra_count]])
            try:
                timeline = parse_timeline(phrase, reference)
            except TimelineError:
                continue
            if timeline.kind != "none":
                return word.start()
    return None


def _form(title: str, lines: list[str]) -> FormSpec:
    """An appendix to fill: its header's columns become typed questions."""
    fragments = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if re.match(r"^\d+\.", stripped):
            break
        fragments.append(stripped)
    columns: list[str] = []
    for fragment in fragments:
        if not columns and fold(fragment).startswith("tt "):
            columns.extend(["TT", fragment[2:].strip()])
            continue
        first = fragment.split()[0]
        new_column = first[:1].isupper() and not first.isupper() and not first.startswith("(")
        if new_column or not columns:
            columns.append(fragment)
        else:
            columns[-1] += " " + fragment
    labels = [_join([c]) for c in columns if fold(c) not in ("tt", "don vi", "stt")]
    fields = tuple(
        FormField(label, "number" if fold(label).startswith(("so luong", "so ")) else "text")
        for label in labels
    )
    return FormSpec(title, fields)


def _join(parts) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", " ".join(p.strip() for p in parts)).strip()
