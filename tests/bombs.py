"""Hostile documents, built small: what an attacker could send the bot as a plan.

Each is a few MB at most on the wire and would cost gigabytes or minutes to read naively.
Used by tests/test_bombs.py and bench/bombs.py.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

MB = 1024 * 1024


def _docx_parts(document_xml: bytes) -> dict[str, bytes]:
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b"schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        b'" Target="word/document.xml"/></Relationships>'
    )
    return {"[Content_Types].xml": content_types, "_rels/.rels": rels,
            "word/document.xml": document_xml}  # fmt: skip


def docx_zip_bomb(inflated: int = 400 * MB) -> bytes:
    """A DOCX whose document.xml inflates from a few hundred KB to `inflated` bytes."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    head += b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _docx_parts(b"").items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            entry.write(head)
            chunk = b"A" * MB
            for _ in range(inflated // MB):
                entry.write(chunk)
            entry.write(tail)
    return buffer.getvalue()


def nested_zip_bomb(levels: int = 3, width: int = 10, leaf: int = 20 * MB) -> bytes:
    """A DOCX holding ZIPs holding ZIPs…: small on the wire, width**levels leaves inside."""
    layer = zlib.compress(b"")  # replaced below
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leaf.bin", b"\0" * leaf)
    layer = inner.getvalue()
    for _ in range(levels - 1):
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as archive:
            for i in range(width):
                archive.writestr(f"part{i}.zip", layer)
        layer = outer.getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _docx_parts(b"<w:document/>").items():
            archive.writestr(name, data)
        for i in range(width):
            archive.writestr(f"word/embeddings/bomb{i}.zip", layer)
    return buffer.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from its numbered objects (1 is the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


def many_page_pdf(pages: int = 100_000) -> bytes:
    """A PDF of `pages` pages, all one small page object referenced again and again."""
    kids = b" ".join([b"3 0 R"] * pages)
    text = b"BT /F1 12 Tf 72 720 Td (Ke hoach) Tj ET"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])  # fmt: skip


def deflate_bomb_pdf(inflated: int = 1024 * MB) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes of spaces."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * MB
    stream = b"".join(squeeze.compress(chunk) for _ in range(inflated // MB)) + squeeze.flush()
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
    ])  # fmt: skip


def huge_xlsx(rows: int = 1_000_000) -> bytes:
    """An XLSX with `rows` rows under the template's header (a sheet written by hand: openpyxl
    would take a minute to write it)."""
    header = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]

    def cells(r: int, values: list[str]) -> str:
        return "".join(
            f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(values)
        )

    body = [f'<row r="1">{cells(1, header)}</row>']
    body += [f'<row r="{r}">{cells(r, [str(r - 1), "Việc", "Sở", "", "Hàng năm"])}</row>'
             for r in range(2, rows + 2)]  # fmt: skip
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><sheetData>{"".join(body)}</sheetData></worksheet>'
    ).encode()
    from openpyxl import Workbook

    template = io.BytesIO()
    Workbook().save(template)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            archive.writestr(item.filename, data)
    return buffer.getvalue()


def long_line_csv(size: int = 19 * MB) -> bytes:
    """A CSV of one line of `size` bytes."""
    return b"TT," + b"x" * size


def cells_html(tables: int = 2_000) -> bytes:
    """A web page of small tables whose cells each claim a thousand columns and rows."""
    table = b"<table><tr><td colspan='1000' rowspan='1000'>x</td></tr><tr></tr></table>"
    return b"<html><body>" + table * tables + b"</body></html>"


def unstopped_deadlines_txt(lines: int = 20_000) -> bytes:
    """Deadline after deadline with no full stop between: one sentence of 600,000 characters."""
    return "Hoàn thành trước ngày 15/3/2025\n".encode() * lines


BOMBS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "docx_zip_bomb": ("bom.docx", docx_zip_bomb),
    "nested_zip_bomb": ("long.docx", nested_zip_bomb),
    "many_page_pdf": ("nhieu-trang.pdf", many_page_pdf),
    "deflate_bomb_pdf": ("bom.pdf", deflate_bomb_pdf),
    "huge_xlsx": ("trieu-dong.xlsx", huge_xlsx),
    "long_line_csv": ("mot-dong.csv", long_line_csv),
    "cells_html": ("o-bang.html", cells_html),
}
