"""Duties given unit by unit: the "Tổ chức thực hiện" of a plan and the articles of a regulation.

A plan ends by saying who does what, one numbered unit or group at a time:

    III. TỔ CHỨC THỰC HIỆN
    2. Các trường THPT, đơn vị trực thuộc
    … xây dựng kế hoạch, tổ chức nghiên cứu, triển khai thực hiện …; thực hiện chế độ báo cáo
    Sở Giáo dục và Đào tạo theo quy định.

also as "2. Giao Sở X: …", "4. Sở Tư pháp: …" or "1. Các sở, ban, ngành … căn cứ … xây dựng …".
Each duty of such a unit becomes a task for it, with its own deadline when it states one,
ongoing when it states none, and the office's report regime when it only says "chế độ báo cáo
… theo quy định". A regulation does the same in articles ("Điều 7. Phòng … có nhiệm vụ"); there
only the duties with a deadline or a report cycle become tasks: the rest are standing rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from plans.agencies import split_agencies
from plans.body import fold_same as _same
from plans.body import is_field
from plans.model import PlanDocument, Reading, Section, TaskRow
from timing.timeline import fold

# Nghị định 09/2019/NĐ-CP, Điều 12: a period's figures run from the 15th of the month before
# it to the 14th of its last month; the report goes out the day after the cut-off. The office
# changes it globally (REPORT_REGIME) or per plan (`plan import --report-regime`).
DEFAULT_REGIME = "Báo cáo 6 tháng và báo cáo năm: ngày 15/6 và 15/12 hằng năm"
REGIME_SOURCE = "chế độ báo cáo theo Nghị định 09/2019/NĐ-CP (mặc định)"

ROMAN = re.compile(r"^\s*([IVX]{1,5})\.\s+(\S.*)$")
ARTICLE = re.compile(r"^\s*Điều\s+(\d{1,3})\s*[.:]\s*(.*)$", re.IGNORECASE)
CHAPTER = re.compile(r"^\s*Chương\s+[IVXLC\d]+\b", re.IGNORECASE)
ITEM = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*)$")
SUBITEM = re.compile(r"^\s*(?:[a-zđ]\)|[-+•*]|\d{1,2}\.\d{1,2}\.?(?=\s))\s*")
END = re.compile(r"^\s*(?:Trên đây là|Nơi nhận|KT\.|TM\.|Q\.)", re.IGNORECASE)
# Titles of the sections that hand out the work.
ASSIGNING = re.compile(r"\b(?:to chuc thuc hien|phan cong|trach nhiem)\b")
# How a unit's name opens ("Giao"/"Đề nghị" before it are the plan speaking).
UNIT = re.compile(
    r"^(?:giao\s+|de nghi\s+)?(?:(?:cac|moi)\s+)?(?:dong chi\s+)?"
    r"(?:so|phong|ban|uy ban|ubnd|truong|hieu truong"
    r"|thu truong|giam doc|chu tich|van phong|trung tam|cong an|kho bac|thanh tra|lien doan|vu"
    r"|cuc|chi cuc|bo|don vi|co so|co quan|to chuc|dia phuong|doan|hoi|cong doan|khoa|lanh dao"
    r"|bao hiem|quy|toa an|vien|ho so|nha truong|hoi dong|tap the|to cong tac|to giup viec)\b"
)
# Words a duty opens with: where a unit's name (a heading of one or more lines) ends.
DUTY_START = re.compile(
    r"^(?:[-+•*]|[a-zđ]\)|can\b|can cu|tren co so|chu dong|chu tri|phoi hop|tham muu|xay dung"
    r"|trien khai|to chuc|thuc hien|chi dao|huong dan|theo doi|lam dau moi|la don vi|ra soat"
    r"|kiem tra|don doc|tong hop|bao cao|tiep tuc|tang cuong|dam bao|bao dam|bo tri|lap\b"
    r"|gui\b|nghien cuu|ban hanh|quan triet|tuyen truyen|pho bien|hoan thanh|chuan bi|moi\b"
    r"|co trach nhiem|chiu trach nhiem|hang (?:thang|quy|nam)|dinh ky|thuong xuyen|cu\b)"
)
# Where, in a sentence that opens with its unit, the unit's name ends.
SUBJECT_END = re.compile(
    r"\s(?:can cu|chu dong|co trach nhiem|chiu trach nhiem|co nhiem vu|trien khai|thuc hien"
    r"|xay dung|chi dao|tham muu|phoi hop|chu tri|day manh|tiep tuc|tang cuong|tong hop"
    r"|huong dan|theo doi|don doc|ra soat|lam dau moi|bao dam|dam bao|bao cao|gui|nop"
    r"|cap nhat|hoan thanh|dang ky|chuan bi|cu\b|nghiem tuc|khan truong|kip thoi"
    r"|kiem tra|bo tri|giam sat|phan cong|ban hanh|quan triet|tuyen truyen|pho bien"
    r"|nghien cuu|phat dong|tiep nhan|thanh lap|de xuat|lua chon"
    r"|to chuc(?!\s*(?:,|;|co lien\b|chinh tri|doan the|xa hoi|$)))\b"
)
PREAMBLE = re.compile(r"^(?:can cu|can|tren co so)\b[^;]*?,\s+(?=" + DUTY_START.pattern[3:])
REGIME = re.compile(
    r"\bche do bao cao\b|\bbao cao\b[^.;]{0,80}\btheo quy dinh\b|\bbao cao dinh ky\b"
)
REPORT_KIND = re.compile(r"\(\s*(?:doi voi|voi)\s+bao cao\s+([^)]{1,30})\)")
ONGOING = "Thường xuyên"
KINDS_SPLIT = re.compile(r",\s*(?=(?:các\s+)?(?:đơn vị|cơ sở|trung tâm|trường|phòng)\b)")
# A deadline word with its number near ("trước ngày 22", not "trước khi làm").
DEADLINE = re.compile(
    r"\b(?:truoc|cham nhat|han chot|han cuoi|den het|trong vong)\b(?=[^.;]{0,30}\d)"
)


@dataclass
class _Block:
    ref: str
    unit: str
    lines: list[str] = field(default_factory=list)
    rule: bool = False  # an article of a regulation: only dated duties count


@dataclass
class Assignments:
    sections: list[Section]
    tasks: list[TaskRow]
    used: set[int]  # the body lines read here; their deadlines are not read again


def assigned_tasks(lines: list[str], reference: date, regime: str = DEFAULT_REGIME) -> Assignments:
    sections: list[Section] = []
    tasks: list[TaskRow] = []
    used: set[int] = set()
    for block, span in _blocks(lines):
        made = _block_tasks(block, reference, regime)
        if not made:
            continue
        sections.append(Section(block.ref, block.unit))
        tasks.extend(made)
        used.update(span)
    return Assignments(sections, tasks, used)


def _blocks(lines: list[str]) -> list[tuple[_Block, range]]:
    """Unit blocks with the lines they span: numbered units inside an assigning section, and
    articles that name who they bind."""
    found: list[tuple[_Block, range]] = []
    section: str | None = None  # the Roman number of the assigning section we are in
    current: _Block | None = None
    start = 0
    heading_until = -1  # the lines of a unit's name that runs over several

    def close(end: int) -> None:
        nonlocal current
        if current is not None:
            found.append((current, range(start, end)))
        current = None

    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line or index <= heading_until:
            continue
        roman = ROMAN.match(line)
        article = ARTICLE.match(line)
        if roman or article or CHAPTER.match(line) or END.match(line):
            close(index)
            section = None
            if roman:
                title = fold(roman.group(2))
                if len(title) <= 80 and ASSIGNING.search(title):
                    section = roman.group(1)
            elif article:
                unit = _article_unit(article.group(2))
                if unit:
                    current, start = _Block(f"Đ{article.group(1)}", unit, rule=True), index
                elif ASSIGNING.search(fold(article.group(2))):
                    section = f"Đ{article.group(1)}"
            continue
        item = ITEM.match(line)
        if section is not None and item:
            close(index)
            unit, rest, heading = _unit_of(item.group(2), lines[index + 1 : index + 12])
            if unit:
                current, start = _Block(f"{section}.{item.group(1)}", unit), index
                current.lines.append(rest)
                heading_until = index + heading
            continue
        if current is not None:
            if current.rule and item:
                current.lines.append(f"\n{item.group(1)}. {item.group(2)}")
            else:
                current.lines.append(line)
    close(len(lines))
    return found


def _article_unit(title: str) -> str:
    """ "Phòng … có nhiệm vụ", "Trách nhiệm của Sở …": the unit an article binds."""
    folded = _same(title)
    match = re.search(r"\s+co\s+(?:nhiem vu|trach nhiem)\b", folded)
    if match and UNIT.match(folded):
        return title[: match.start()].strip(" .:")
    match = re.match(r"(?:trach nhiem|nhiem vu)(?:\s+va\s+quyen han)?\s+cua\s+", folded)
    if match and UNIT.match(folded[match.end() :]):
        return title[match.end() :].strip(" .:")
    return ""


def _unit_of(first: str, following: list[str]) -> tuple[str, str, int]:
    """(the unit's name, what follows it on its line, how many more lines the name takes) for
    a numbered item; ("", "", 0) when it names no unit.

    The name is a label before a colon, heading lines before the first duty, or the subject of
    a sentence that opens with it."""
    folded = _same(first)
    if not UNIT.match(folded):
        return "", "", 0
    lead = re.match(r"(?:giao|de nghi)\s+", folded)
    skip = lead.end() if lead else 0
    following_text = next((line.strip() for line in following if line.strip()), "")
    if (
        not first.rstrip().endswith((".", ";", ":"))
        and len(first) <= 160
        and (
            SUBITEM.match(following_text)
            or (following_text[:1].isupper() and DUTY_START.match(_same(following_text)))
        )
    ):
        # A heading line, its duties below: "1. Vụ Các vấn đề chung về xây dựng pháp luật".
        return first[skip:].strip(), "", 0
    colon = first.find(":")
    subject = _subject_end(folded, first, skip)
    labelled = 0 < colon <= 160 and not re.search(r"\d", first[:colon])
    if labelled and (subject is None or subject.start() > colon):
        return first[skip:colon].strip(), first[colon + 1 :].strip(), 0
    if subject:  # "Giao Công an tỉnh chủ trì …": the unit is the sentence's subject
        return first[skip : subject.start()].strip(" ,;"), first[subject.start() :].strip(), 0
    if first.rstrip().endswith((".", ";")) or len(first) > 160:
        return "", "", 0
    # A heading ("2. Các trường THPT, đơn vị trực thuộc"), perhaps over a few lines, or a
    # subject that runs on to the next line before its verb.
    name = [first[skip:].strip()]
    for offset, line in enumerate(following, start=1):
        text = line.strip()
        if not text:
            continue
        same = _same(text)
        if DUTY_START.match(same) or ITEM.match(text) or ROMAN.match(text):
            break
        verb = _subject_end(" " + same, " " + text)
        if verb:
            cut = max(verb.start() - 1, 0)
            name.append(text[:cut])
            return " ".join(name).strip(" ,;:"), text[cut:].strip(), offset
        name.append(text)
        if len(name) > 4:
            return "", "", 0
        if text.endswith((".", ";")):
            return "", "", 0
    else:
        return "", "", 0
    return " ".join(name).strip(" :"), "", len(following) and _taken(following, len(name) - 1)


def _subject_end(folded: str, text: str, start: int = 0) -> re.Match[str] | None:
    """Where the verb after a unit's name starts: in lower case ("… tổng hợp …"), where the
    same words capitalised are part of a name ("Vụ Tổng hợp")."""
    for verb in SUBJECT_END.finditer(folded, start):
        # "… được thành lập theo …", "được phân công": what was done to the unit, in its name.
        passive = folded[: verb.start()].endswith(("duoc", "da duoc"))
        if text[verb.start() + 1 : verb.start() + 2].islower() and not passive:
            return verb
    return None


LEADING_MARK = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\)|[-+•*])\s+")
# Who is asked, when the sentence's subject is the one asking ("Sở GDĐT đề nghị các đơn vị …").
ASKED = re.compile(r"\b(?:de nghi|yeu cau|giao(?!\s+(?:vien|duc|thong|luu|trinh|an)\b))\s+")
OPENING = re.compile(
    r"^(?:dinh ky|hang|moi|truoc|sau|trong|cham nhat|tu|den|nhan duoc|thuc hien|can cu)\b"
    r"[^,]{0,60},\s*"
)
# "Các đơn vị …": whoever the document is addressed to, not a unit of its own.
ADDRESSEES = {"cac don vi", "don vi", "cac co quan, don vi", "cac co quan", "cac dia phuong"}


SUBJECT_SPAN = 600


def sentence_subject(sentence: str) -> str:
    """The unit or kind of unit a sentence opens with as who does what ("Các phòng GDĐT tổng
    hợp …" → "Các phòng GDĐT"); "" when it names none, or names only its addressees."""
    # The subject opens the sentence: its first few hundred characters are all that can hold
    # it, however long a run of text without a full stop is.
    text = LEADING_MARK.sub("", sentence[:SUBJECT_SPAN], count=1)
    text = re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text, maxsplit=1)[0]  # its first sentence
    folded = _same(text)
    adverbial = OPENING.match(folded)  # "Định kỳ hằng tháng, các đơn vị báo cáo …"
    if adverbial:
        text, folded = text[adverbial.end() :], folded[adverbial.end() :]
    asked = next((a for a in ASKED.finditer(folded) if UNIT.match(folded[a.end() :])), None)
    if asked is not None:
        text, folded = text[asked.end() :], folded[asked.end() :]
    if not UNIT.match(folded):
        return ""
    lead = re.match(r"(?:giao|de nghi)\s+", folded)
    skip = lead.end() if lead else 0
    verb = _subject_end(folded, text, skip)
    if verb is None or verb.start() - skip > 120:
        return ""
    subject = text[skip : verb.start()].strip(" ,;:")
    return "" if _same(subject).lower() in ADDRESSEES else subject


def due_by(tasks: list[TaskRow], day: date, what: str, reference: date) -> list[TaskRow]:
    """A plan for one event (a conference): the duties it does not date are due by the event."""
    from dataclasses import replace

    out = []
    for task in tasks:
        notes = dict(task.extra)
        if notes.get("Thời hạn", "").startswith("văn bản không nêu"):
            notes["Thời hạn"] = f"văn bản không nêu; hiểu là trước {what} ({day:%d/%m/%Y})"
            reading = Reading.of(f"{day:%d/%m/%Y}", reference)
            task = replace(task, timeline=reading, extra=tuple(notes.items()))
        out.append(task)
    return out


class RegimeError(ValueError):
    """A report regime that does not read as a cycle."""


def check_regime(phrase: str, today: date) -> Reading:
    reading = Reading.of(phrase, today)
    if reading.timeline is None or reading.timeline.kind != "recurring":
        why = reading.error or "không phải một chu kỳ (ví dụ: “Báo cáo 6 tháng và năm: ngày 15/6 "
        why += "" if reading.error else "và 15/12 hằng năm”)"
        raise RegimeError(f"Chế độ báo cáo {phrase!r}: {why}")
    return reading


def use_regime(doc: PlanDocument, phrase: str, today: date) -> None:
    """The office's report regime for the duties that report "theo quy định" (read with the
    default); a phrase that is no cycle raises RegimeError and changes nothing."""
    from dataclasses import replace

    if not phrase or phrase == DEFAULT_REGIME:
        return
    check_regime(phrase, today)
    reference = doc.reference(today)
    for index, task in enumerate(doc.tasks):
        notes = dict(task.extra)
        if "Chế độ báo cáo" not in notes:
            continue
        notes["Chế độ báo cáo"] = "chế độ báo cáo do Văn phòng đặt"
        doc.tasks[index] = replace(
            task, timeline=Reading.of(phrase, reference), extra=tuple(notes.items())
        )


def regime_of(doc: PlanDocument) -> str:
    """The regime the plan's report duties follow, for the preview ("" when none does)."""
    for task in doc.tasks:
        notes = dict(task.extra)
        if "Chế độ báo cáo" in notes and task.timeline.timeline is not None:
            return f"{task.timeline.timeline.rule} — {notes['Chế độ báo cáo']}"
    return ""


def _taken(following: list[str], count: int) -> int:
    """How many lines hold the `count` non-empty lines of a name."""
    seen = 0
    for offset, line in enumerate(following, start=1):
        if seen == count:
            return offset - 1
        if line.strip():
            seen += 1
    return len(following)


def _block_tasks(block: _Block, reference: date, regime: str) -> list[TaskRow]:
    duties = _duties(block)
    lead = _units(block.unit)
    tasks: list[TaskRow] = []
    for suffix, text, said, extra in duties:
        reading, note = _timeline(said, reference, regime)
        if block.rule and reading is None:
            continue
        ongoing = reading is None
        if reading is None:
            reading = Reading.of(ONGOING, reference)
        notes = list(extra)
        if note:
            notes.append(("Chế độ báo cáo", note))
        if ongoing:
            notes.append(("Thời hạn", "văn bản không nêu; hiểu là thực hiện thường xuyên"))
        tasks.append(
            TaskRow(
                ref=f"{block.ref}.{suffix}" if suffix else block.ref,
                section=block.ref,
                title=_title(text),
                lead=lead,
                coordinators=(),
                timeline=reading,
                extra=tuple(notes),
            )
        )
    return tasks


# Ref suffix, title, the words its deadline is read from, columns kept beside.
Duty = tuple[str, str, str, tuple[tuple[str, str], ...]]


def _duties(block: _Block) -> list[Duty]:
    """The duties of a block: its sub-items, else its clauses (";"), each with one deadline;
    a clause naming two report kinds ("(đối với báo cáo quý) và … (đối với báo cáo năm)")
    becomes one duty per kind."""
    text = "\n".join(line for line in block.lines if line and not is_field(line))
    pieces: list[str] = []
    numbers: list[str] = []
    if block.rule:
        # An article's items keep their own numbers ("Đ7.9"), as people cite them.
        for piece in re.split(r"\n(?=\d{1,2}\.\s)", text):
            number = re.match(r"\s*(\d{1,2})\.\s", piece)
            if piece.strip():
                pieces.append(piece[number.end() :] if number else piece)
                numbers.append(number.group(1) if number else "")
    else:
        current: list[str] = []
        for line in text.split("\n"):
            if SUBITEM.match(line) and current:
                pieces.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            pieces.append(" ".join(current))
        if len(pieces) > 1 and pieces[0].rstrip().endswith(":"):
            pieces = pieces[1:]  # "… thực hiện các nhiệm vụ sau:": the duties are below
        pieces = [clause for piece in pieces for clause in _clauses(piece)]
        numbers = [str(n) for n in range(1, len(pieces) + 1)] if len(pieces) > 1 else [""]
    duties: list[Duty] = []
    for number, piece in zip(numbers, pieces, strict=True):
        piece = " ".join(piece.split())
        kinds = list(REPORT_KIND.finditer(_same(piece)))
        if len(kinds) > 1:
            # The shared words (who does what) before the first deadline head each part.
            cue = DEADLINE.search(_same(piece))
            first = kinds[0].start()
            head = piece[: cue.start()].strip(" ,") if cue and cue.start() < first else ""
            begin = cue.start() if head else 0
            for letter, kind in zip("abcdefgh", kinds, strict=False):
                named = piece[kind.start(1) : kind.end(1)].strip()
                part = piece[begin : kind.end()].strip(" ,")
                said = (("Báo cáo", named), ("Thời hạn theo văn bản", part.removeprefix("và ")))
                title = f"{_title(head)[:200]} (báo cáo {named})" if head else part
                duties.append((f"{number}{letter}", title, part, said))
                begin = kind.end()
        else:
            duties.append((number, piece, piece, ()))
    return duties


def _clauses(piece: str) -> list[str]:
    """A duty's clauses: split at ";" where the next one opens with a verb of its own (a list
    of documents cited stays whole)."""
    out: list[str] = []
    for clause in re.split(r";\s*", piece):
        if out and (not clause.strip() or not DUTY_START.match(_same(clause.strip()))):
            out[-1] += "; " + clause
        elif clause.strip():
            out.append(clause)
    return out


def _timeline(text: str, reference: date, regime: str) -> tuple[Reading | None, str]:
    """The duty's own deadline or cycle; else the regime when it reports "theo quy định"."""
    folded = _same(text)
    for phrase in _phrases(text, folded):
        reading = Reading.of(phrase, reference)
        if reading.timeline is not None and reading.timeline.kind not in ("none", "continuous"):
            return reading, ""
    if REGIME.search(folded):
        return Reading.of(regime, reference), (
            REGIME_SOURCE if regime == DEFAULT_REGIME else "chế độ báo cáo do Văn phòng đặt"
        )
    return None, ""


CUE = re.compile(
    r"\b(?:truoc|cham nhat|han chot|han cuoi|den het|vao|trong vong|hang|dinh ky|moi|tung"
    r"|sau khi|ngay lam viec)\b"
)


def _phrases(text: str, folded: str) -> list[str]:
    """Where a deadline may be said: from each cue to the end of its clause; the kind of report
    in brackets stays with it."""
    cycle: list[str] = []  # a cycle with its day: "định kỳ hàng năm (trước ngày 15/11 …"
    dated: list[str] = []  # a deadline: "trước ngày 22 hàng tháng"
    other: list[str] = []  # a cycle alone: "hàng tháng"
    cues = list(CUE.finditer(folded))
    for index, cue in enumerate(cues):
        end = len(text)
        stop = re.search(r"[.;]\s|\s(?:de|nham|va bao cao|dong thoi)\s", folded[cue.end() :])
        if stop:
            end = cue.end() + stop.start()
        phrase = text[cue.start() : end].strip(" ,.;")
        same = _same(phrase)
        if not re.search(r"\d|hang|dinh ky|moi|tung", same):
            continue
        if DEADLINE.match(same):
            dated.append(phrase[:200])
        elif any(
            DEADLINE.match(folded, later.start()) and later.start() - cue.start() <= 40
            for later in cues[index + 1 :]
        ):
            cycle.append(phrase[:200])
        else:
            other.append(phrase[:200])
    return cycle + dated + other


def _units(unit: str) -> tuple[str, ...]:
    parts: list[str] = []
    for piece in re.split(r";", unit):
        # "Các trường THPT, đơn vị trực thuộc": two kinds of unit, each matched on its own.
        for part in KINDS_SPLIT.split(piece):
            parts.extend(split_agencies(part))
    return tuple(p for p in parts if p)


def _title(text: str) -> str:
    text = " ".join(text.split()).strip(" .;,-+•*")
    text = re.sub(r"^(?:[a-zđ]\)|\d{1,2}\.\d{1,2}\.?(?=\s))\s*", "", text)
    preamble = PREAMBLE.match(_same(text))
    if preamble:
        text = text[preamble.end() :]
    text = text[:1].upper() + text[1:]
    return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"
