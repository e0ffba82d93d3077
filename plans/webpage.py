"""A document that arrives as a web page (.html, .htm, or a web archive .mht/.mhtml): a page
saved from a legal-document site, an e-mail's body, Word's "Save as Web Page".

The page is read as a browser shows it: its blocks (paragraphs, headings, list items, line
breaks) become lines, its tables become rows of cells with merged cells placed as a DOCX gives
them (a cell spanning columns once, a cell spanning rows in each of its rows), and what no
reader sees (scripts, styles, hidden elements) is left out. A table whose cells hold tables is
a page's layout, not a table of the document: its cells are read as the flow of the page.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from plans.limits import LIMITS, TooBig
from plans.tables import PlanReadError

Part = tuple[str, "str | list[list[str]]"]  # ("line", text) or ("table", rows)

_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe",
     "object", "embed", "svg", "math", "select", "button", "nav"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
     "blockquote", "pre", "address", "article", "aside", "center", "footer", "header",
     "main", "section", "figure", "figcaption", "form", "fieldset", "hr", "caption",
     "body", "html", "tr", "td", "th"}
)  # fmt: skip
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
MAX_SPAN = 1000  # a colspan or rowspan past this is a hostile page, not a document
# Cells a page may lay out in all, merged ones counted in each place: every row of the largest
# spreadsheet the office may send, in every column.
MAX_CELLS = LIMITS.max_rows * LIMITS.max_columns


def page_parts(data: bytes, encoding: str | None = None) -> Iterator[Part]:
    """The page's lines and tables in reading order."""
    from lxml import etree, html

    # An XHTML page's XML declaration names the bytes' encoding, which text no longer has.
    text = _XML_DECLARATION.sub("", _decoded(data, encoding), count=1)
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise PlanReadError(f"không đọc được trang HTML ({error.__class__.__name__})") from None
    body = root.find("body")
    flow = _Flow()
    flow.element(body if body is not None else root)
    parts = flow.finish()
    text = sum(len(p) if isinstance(p, str) else 0 for _, p in parts)
    if text > LIMITS.max_text:
        raise TooBig(f"văn bản quá dài ({text:,} ký tự)")
    yield from parts


def archived_page(data: bytes) -> tuple[bytes, str | None]:
    """The page inside a web archive (.mht, .mhtml: Word's and browsers' "single file" web
    page, a MIME message) and its charset."""
    from email import message_from_bytes, policy

    message = message_from_bytes(data, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() in ("text/html", "application/xhtml+xml"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload, part.get_content_charset()
    raise PlanReadError("tệp lưu trang web (.mht) không chứa trang HTML nào")


def _decoded(data: bytes, said: str | None) -> str:
    """The page's text. Bytes that are UTF-8 are read so whatever the page says (a page saved
    again keeps its old charset line); else the charset the page or its archive names; else
    Windows' Vietnamese code page, which older pages were saved in. Decoded here, not by
    libxml2, which knows fewer codecs than Python and would fail on a name Python reads."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if said is None:
        match = _CHARSET.search(data[:4096])
        said = match.group(1).decode("ascii") if match else None
    for name in (said, "cp1258"):
        try:
            if name and codecs.lookup(name)._is_text_encoding:
                return data.decode(name, errors="replace")
        except (LookupError, UnicodeError):
            continue
    return data.decode("cp1258", errors="replace")


class _Flow:
    """Lines as a browser breaks them: a block starts a line, <br> ends one, runs of white
    space are one space."""

    def __init__(self, budget: list[int] | None = None) -> None:
        self.parts: list[Part] = []
        self.words: list[str] = []
        self.lists: list[int | None] = []  # the numbered lists open, each at its last number
        self.budget = budget if budget is not None else [MAX_CELLS]  # shared with cells' flows

    def finish(self) -> list[Part]:
        self.newline()
        return self.parts

    def newline(self) -> None:
        line = unicodedata.normalize("NFC", "".join(self.words).strip())
        self.words = []
        if line:
            self.parts.append(("line", line))

    def text(self, raw: str | None, pre: bool = False) -> None:
        """Text as it is laid out: its white space one space, or, preformatted, kept as is
        with its line breaks."""
        if not raw:
            return
        if not pre:
            self.words.append(_SPACES.sub(" ", raw))
            return
        first, *more = raw.split("\n")
        self.words.append(first)
        for line in more:
            self.newline()
            self.words.append(line)

    def element(self, node: Any, pre: bool = False) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        tag = tag.lower()
        if not tag or tag in _SKIPPED or _hidden(node):
            return
        if tag == "br":
            self.newline()
            return
        if tag == "table":
            self.newline()
            rows = _table_rows(node, self.budget)
            if rows is None:  # a layout table: its cells are the page's flow
                for cell in _cells_in_order(node):
                    self.element(cell, pre)
                    self.newline()
            elif rows:
                self.parts.append(("table", rows))
            return
        block = tag in _BLOCKS
        if block:
            self.newline()
        if tag == "ol":
            self.lists.append(_span(node.get("start"), default=1, most=10**6) - 1)
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li":
            self.text(self._list_mark())
        pre = pre or tag == "pre"
        self.text(node.text, pre)
        for child in node:
            self.element(child, pre)
            self.text(child.tail, pre)
        if block:
            self.newline()
        if tag in ("ol", "ul"):
            self.lists.pop()

    def _list_mark(self) -> str:
        """What a browser draws before a list item: "1. " in a numbered list, "- " otherwise."""
        if not self.lists or self.lists[-1] is None:
            return "- "
        self.lists[-1] += 1
        return f"{self.lists[-1]}. "


def _hidden(node: Any) -> bool:
    if node.get("hidden") is not None or node.get("aria-hidden") == "true":
        return True
    style = node.get("style")
    return bool(style) and _HIDDEN.search(style) is not None


def _own_rows(table: Any) -> Iterator[Any]:
    """The table's rows, not those of a table inside one of its cells."""
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (r for r in child if isinstance(r.tag, str) and r.tag.lower() == "tr")


def _own_cells(row: Any) -> list[Any]:
    return [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _cells_in_order(table: Any) -> Iterator[Any]:
    for row in _own_rows(table):
        yield from _own_cells(row)


def _table_rows(table: Any, budget: list[int]) -> list[list[str]] | None:
    """The table's rows of cell text, or None when the table lays a page out (a cell holds a
    table of its own)."""
    rows = list(_own_rows(table))
    if any(cell.find(".//table") is not None for row in rows for cell in _own_cells(row)):
        return None
    grid: list[list[str | None]] = []
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still spanned, text)
    for row in rows:
        out: list[str | None] = []
        cells = iter(_own_cells(row))
        column = 0
        while True:
            if column in pending:
                left, text = pending[column]
                out.append(text)  # a cell spanning rows is in each of them, as in a DOCX
                if left > 1:
                    pending[column] = (left - 1, text)
                else:
                    del pending[column]
                column += 1
                continue
            cell = next(cells, None)
            if cell is None:
                if any(c >= column for c in pending):
                    out.append("")
                    column += 1
                    continue
                break
            text = _cell_text(cell, budget)
            across = _span(cell.get("colspan"), default=1, most=MAX_SPAN)
            down = _span(cell.get("rowspan"), default=1, most=MAX_SPAN)
            for offset in range(across):
                out.append(text if offset == 0 else "")  # across columns: once
                if down > 1:
                    pending[column + offset] = (down - 1, text if offset == 0 else "")
            column += across
        budget[0] -= len(out)
        if budget[0] < 0:
            raise TooBig("trang có bảng quá lớn (quá nhiều ô)")
        grid.append(out)
    width = max((len(r) for r in grid), default=0)
    return [[c or "" for c in r] + [""] * (width - len(r)) for r in grid if any(r)]


def _span(raw: str | None, default: int, most: int) -> int:
    try:
        value = int((raw or "").strip())
    except ValueError:
        return default
    return min(max(value, 1), most)


def _cell_text(cell: Any, budget: list[int]) -> str:
    flow = _Flow(budget)
    flow.element(cell)  # a cell is a block: its paragraphs and breaks are its lines
    return "\n".join(str(text) for kind, text in flow.finish() if kind == "line")
