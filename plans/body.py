"""Tasks written in the body of a plan, not in a table.

Such a plan numbers its items ("1.2.", "b)") and follows each with lines that say who and when:

    1.3. Tiếp tục thực hiện hiệu quả Đề án …
    - Cơ quan thực hiện: Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Liên đoàn
      Lao động tỉnh; các sở, ngành liên quan.
    - Thời gian thực hiện: Thực hiện thường xuyên.

or "Đơn vị chủ trì: … / Đơn vị phối hợp: … / Thời gian thực hiện: …". A block of such lines
after several items with none of their own (1.1 and 1.2, then the block) is read, as people
read it, as said of each of them. Items that only hold other items are sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from plans.agencies import agency_list
from plans.model import Reading, Section, TaskRow
from timing.timeline import fold

MARKER = re.compile(
    r"^\s*(?:(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?|(?P<letter>[a-zđ])\)|(?P<roman>[IVX]{1,6})\.)"
    r"\s+(?P<rest>\S.*)$"
)
# Folded labels of the lines that say who and when, and what each fills.
FIELDS = [
    ("coordinators", ("co quan phoi hop", "don vi phoi hop")),
    ("lead", ("co quan thuc hien", "don vi thuc hien", "co quan chu tri", "don vi chu tri",
              "don vi dau moi", "co quan dau moi", "trach nhiem thuc hien")),
    ("timeline", ("thoi gian thuc hien", "thoi gian hoan thanh", "thoi han hoan thanh",
                  "thoi han thuc hien", "thoi han", "tien do thuc hien", "tien do")),
]  # fmt: skip
FIELD = re.compile(
    r"^\s*[-+*•]?\s*(?P<label>"
    + "|".join(name for _, names in FIELDS for name in names)
    + r")\s*:\s*(?P<value>.*)$"
)
# Lines that say more about an item and fill no role ("Nội dung: …", "Sản phẩm: …"): kept
# with its task as a table's extra columns are, never run into its title.
EXTRA = re.compile(
    r"^\s*[-+*•]?\s*(?P<label>noi dung(?: cong viec| thuc hien)?|san pham(?: dau ra)?"
    r"|ket qua(?: dau ra| can dat)?|ghi chu|yeu cau)\s*:\s*(?P<value>.*)$"
)
# "Thời gian: …" alone says when only under an item that also says who ("Đơn vị thực hiện"):
# elsewhere it is the time of an event or a notice's paragraph, read as the body's.
BARE = re.compile(r"^\s*[-+*•]?\s*thoi gian\s*:\s*(?P<value>.*)$")
# "… Lao động tỉnh -Thời gian thực hiện: …": a second field run into the first one's line.
RUN_IN = re.compile(
    r"\s[-–]\s*(?=(?:thoi gian|thoi han|tien do|don vi|co quan)[^:]{0,30}:)"
    r"|;\s*(?=(?:don vi|co quan)\s+(?:phoi hop|chu tri|thuc hien)\s*:)"  # "…; đơn vị phối hợp: …"
)
LEAD_SPLIT = re.compile(r"\s+chu tri\b\s*,?\s*(?:(?:va\s+)?phoi hop(?:\s+voi)?\s*)?")
# "Sở Thông tin và Truyền thông đôn đốc, hướng dẫn …": who acts ends where what they do begins.
LEAD_VERB = re.compile(
    # (not after "về", "của", "và", "cho": "Vụ … về xây dựng pháp luật" is a name)
    r"(?<!\sve)(?<!\scua)(?<!\sva)(?<!\scho)"
    r"\s(?:don doc|huong dan|chi dao|trien khai|theo doi|kiem tra|tham muu|tong hop"
    r"|xay dung|thuc hien)\b"
)


@dataclass
class _Item:
    ref: str
    level: int
    text: list[str]
    parent: _Item | None
    fields: dict[str, list[str]] = field(default_factory=dict)
    bare: list[str] = field(default_factory=list)  # its "Thời gian: …" lines
    extra: dict[str, list[str]] = field(default_factory=dict)  # "Nội dung: …", "Sản phẩm: …"
    shared: _Item | None = None  # the sibling whose field lines it takes


def fold_same(text: str) -> str:
    """fold(), one character for one, so a match in it cuts the original."""
    return "".join((fold(c) or " ")[:1] if not c.isspace() else " " for c in text)


def _lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        folded = fold_same(line)
        cuts = [m.start() for m in RUN_IN.finditer(folded)]
        start = 0
        for cut in cuts:
            out.append(line[start:cut].strip())
            start = cut + 1
        out.append(line[start:].strip())
    return [line for line in out if line]


def is_field(item: str) -> bool:
    """A who/when line ("Thời gian thực hiện: …"), read with its task, not as a deadline."""
    return FIELD.match(fold_same(item)) is not None


def body_tasks(lines: list[str], reference: date) -> tuple[list[Section], list[TaskRow], set[str]]:
    """The sections and tasks of the body, and the bare "Thời gian: …" lines read as tasks'
    (not to be read again as the body's deadlines)."""
    items: list[_Item] = []
    current: _Item | None = None
    last_field: str | None = None
    extra_of: list[str] | None = None  # the value of the last "Nội dung: …" line, if it was last
    parents: dict[int, _Item] = {}
    for line in _lines(lines):
        folded = fold_same(line)
        found = FIELD.match(folded)
        if found and current is not None:
            key = next(k for k, names in FIELDS if found.group("label") in names)
            current.fields.setdefault(key, []).append(line[found.start("value") :].strip())
            last_field, extra_of = key, None
            continue
        said = EXTRA.match(folded) if current is not None else None
        if said and current is not None:
            label = line[said.start("label") : said.end("label")].strip()
            label = label[:1].upper() + label[1:]
            current.extra.setdefault(label, []).append(line[said.start("value") :].strip())
            extra_of, last_field = current.extra[label], None
            continue
        bare = BARE.match(folded) if current is not None else None
        if bare and current is not None and "timeline" not in current.fields:
            current.bare.append(line)
            current.fields.setdefault("when", []).append(line[bare.start("value") :].strip())
            last_field, extra_of = "when", None
            continue
        marker = MARKER.match(line)
        if marker and not line.strip().startswith(("-", "+", "•")):
            level, own = _level(marker)
            parent = next((parents[k] for k in sorted(parents, reverse=True) if k < level), None)
            ref = own if level != 3 or parent is None else f"{parent.ref}.{own}"
            current = _Item(ref, level, [marker.group("rest")], parent)
            items.append(current)
            parents = {k: v for k, v in parents.items() if k < level}
            parents[level] = current
            last_field = extra_of = None
            continue
        if current is None:
            continue
        if extra_of is not None and last_field is None:
            if not line.startswith(("-", "+", "•", "*")) or _wrapped_on(extra_of[-1], line):
                extra_of[-1] += " " + line.lstrip("-+•* ")
                continue
            extra_of = None
        if last_field is not None and (
            not line.startswith(("-", "+", "•", "*"))
            or _wrapped_on(current.fields[last_field][-1], line)
        ):
            # a field's value wrapped by the PDF
            current.fields[last_field][-1] += " " + line.lstrip("-+•* ")
        elif last_field is None:
            current.text.append(line)
    consumed: set[str] = set()
    for item in items:
        when = item.fields.pop("when", None)
        if when and ("lead" in item.fields or "coordinators" in item.fields):
            item.fields.setdefault("timeline", when)
            consumed.update(bare_key(line) for line in item.bare)
    sections, tasks = _tasks(items, reference)
    return sections, tasks, consumed


def bare_key(line: str) -> str:
    """A bare "Thời gian: …" line as the body's sentences hold it."""
    return " ".join(line.strip(" -+•*.;").split())


def _wrapped_on(value: str, line: str) -> bool:
    """ "Vụ Tổ chức ⏎ - cán bộ, Vụ …": a list of units that runs on, a dash in front of its
    next line (a crawler's or a typist's), and not a new item: the value stops mid-sentence
    and the line goes on in lower case."""
    rest = line.lstrip("-+•* ")
    return bool(rest) and rest[0].islower() and not value.rstrip().endswith((".", ";", ":"))


def _level(marker: re.Match[str]) -> tuple[int, str]:
    if marker.group("roman"):
        return 0, marker.group("roman")
    if marker.group("letter"):
        return 3, marker.group("letter")
    number = marker.group("num")
    return min(1 + number.count("."), 2), number


def _tasks(items: list[_Item], reference: date) -> tuple[list[Section], list[TaskRow]]:
    # A field block speaks for its item and for the siblings just before it that have none.
    for index, item in enumerate(items):
        if not item.fields:
            continue
        for before in reversed(items[:index]):
            if before.parent is not item.parent or before.level != item.level:
                if before.level > item.level:
                    continue  # a child of an earlier sibling
                break
            if before.fields or before.shared is not None:
                break
            before.shared = item
    acting = [i for i in items if i.fields or i.shared is not None]
    if not acting:
        return [], []
    sections: list[Section] = []
    section_refs: set[str] = set()
    tasks: list[TaskRow] = []
    for item in acting:
        holder = item if item.fields else item.shared
        assert holder is not None
        parent = item.parent
        if parent is not None and parent.ref not in section_refs:
            section_refs.add(parent.ref)
            sections.append(Section(parent.ref, _title(parent)))
        lead, coordinators = _who(holder.fields)
        timeline = " ".join(holder.fields.get("timeline", []))
        tasks.append(
            TaskRow(
                ref=item.ref[:32],
                section=parent.ref if parent else "",
                title=_title(item),
                lead=lead,
                coordinators=coordinators,
                timeline=Reading.of(timeline, reference),
                extra=tuple((label, " ".join(values)) for label, values in item.extra.items()),
            )
        )
    return sections, tasks


def _title(item: _Item) -> str:
    return re.sub(r"\s+", " ", " ".join(item.text)).strip(" .;:")


def _who(fields: dict[str, list[str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ "X chủ trì, phối hợp với Y; Z" → lead X, coordinators Y and Z."""
    lead_text = " ".join(fields.get("lead", []))
    coordinators_text = " ".join(fields.get("coordinators", []))
    folded = fold_same(lead_text)
    split = LEAD_SPLIT.search(folded)
    if split:
        coordinators_text = f"{lead_text[split.end() :]}; {coordinators_text}"
        lead_text = lead_text[: split.start()]
    verb = LEAD_VERB.search(fold_same(lead_text))
    if verb and verb.start() > 0:
        lead_text = lead_text[: verb.start()]
    return agency_list(lead_text), agency_list(coordinators_text)
