"""A plan that arrives as a web page: a page saved from a legal-document site, an e-mail's
body, Word's "Save as Web Page". Read as a browser shows it."""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.reader import read_plan_bytes
from plans.tables import PlanReadError
from plans.webpage import page_parts

TODAY = date(2025, 1, 20)

HEADER = """
<table><tr><td><p>SỞ GIÁO DỤC VÀ ĐÀO TẠO</p><p>Số: 15/KH-SGDĐT</p></td>
<td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Hà Nội, ngày 24 tháng 01 năm 2025</p></td></tr>
</table><p><b>KẾ HOẠCH</b></p><p>Triển khai công tác chuyển đổi số năm 2025</p>
"""


def page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def read(data: bytes, name: str = "ke-hoach.html"):  # type: ignore[no-untyped-def]
    return read_plan_bytes(data, name, TODAY)


def test_a_page_saved_from_a_legal_site_reads_its_task_table_inside_the_page_layout():
    # Such sites lay the page out in a table; the document's own table sits in one of its
    # cells, among menus, scripts and hidden blocks nobody reads.
    body = f"""
    <script>var tracking = "Hoàn thành trước ngày 01/01/2025";</script>
    <style>.x {{ color: red }}</style>
    <table><tr><td><nav>Trang chủ | Văn bản mới</nav></td></tr>
    <tr><td>{HEADER}
      <div style="display:none">Thời hạn: trước ngày 02/02/2025</div>
      <table border="1">
        <tr><th rowspan="2">TT</th><th rowspan="2">Nội dung công việc</th>
            <th colspan="2">Đơn vị thực hiện</th><th rowspan="2">Thời hạn</th></tr>
        <tr><th>Chủ trì</th><th>Phối hợp</th></tr>
        <tr><td colspan="5"><b>I. Hạ tầng</b></td></tr>
        <tr><td>1</td><td>Rà soát thiết bị<br>tại các trường</td><td>Phòng KHTC</td>
            <td rowspan="2">Các trường THPT</td><td>Trước ngày 28/02/2025</td></tr>
        <tr><td>2</td><td>Báo cáo kết quả</td><td>Văn phòng Sở</td><td>Hằng quý</td></tr>
      </table>
    </td></tr></table>"""
    doc = read(page(body))
    assert doc.number == "15/KH-SGDĐT" and doc.issued_on == date(2025, 1, 24)
    tasks = {t.ref: t for t in doc.tasks}
    assert sorted(tasks) == ["1", "2"]
    assert [s.ref for s in doc.sections] == ["I"] and tasks["1"].section == "I"
    first = tasks["1"]
    assert first.title == "Rà soát thiết bị tại các trường"
    assert first.lead == ("Phòng KHTC",) and first.coordinators == ("Các trường THPT",)
    assert first.timeline.timeline.due == date(2025, 2, 27)
    # The coordinating cell spans both rows: the second task has it too.
    assert tasks["2"].coordinators == ("Các trường THPT",)
    assert tasks["2"].timeline.timeline.kind == "recurring"
    assert not doc.deadlines  # neither the script's nor the hidden block's date
    assert any("Chủ trì" in c for c in doc.columns)


def test_a_notice_in_an_email_body_reads_its_deadlines_from_sentences():
    body = f"""{HEADER.replace("KẾ HOẠCH", "THÔNG BÁO").replace("/KH-", "/TB-")}
    <div>Kính gửi: Hiệu trưởng các trường THPT</div>
    <ol><li>Các trường gửi báo cáo tự đánh giá về Sở <span>trước ngày
        15/3/2025</span>.</li>
        <li>Hội nghị tổng kết tổ chức lúc 14h00 ngày 20/3/2025.</li></ol>"""
    doc = read(page(body), "thong-bao.htm")
    assert doc.kind == "Thông báo"
    dues = {d.timeline.timeline.due for d in doc.deadlines}
    assert date(2025, 3, 14) in dues or date(2025, 3, 15) in dues
    assert [e.timeline.timeline.kind for e in doc.events] == ["event"]


def test_lines_as_a_browser_breaks_them():
    parts = list(page_parts(page(
        "<p>Một  hai\n ba</p><p>bốn<br/>năm</p><ul><li>sáu</li></ul>"
        '<ol start="3"><li>bảy</li><li>tám</li></ol><pre>a\n  b</pre>'
        "<div>chín <b>mười</b></div>"
    )))  # fmt: skip
    assert parts == [
        ("line", "Một hai ba"), ("line", "bốn"), ("line", "năm"), ("line", "- sáu"),
        ("line", "3. bảy"), ("line", "4. tám"), ("line", "a"), ("line", "b"),
        ("line", "chín mười"),
    ]  # fmt: skip


def test_merged_cells_are_placed_as_a_docx_gives_them():
    [(kind, rows)] = page_parts(page(
        "<table><tr><td rowspan='2'>A</td><td colspan='2'>B</td></tr>"
        "<tr><td>C</td><td>D</td></tr><tr><td>E</td></tr></table>"
    ))  # fmt: skip
    assert kind == "table"
    assert rows == [["A", "B", ""], ["A", "C", "D"], ["E", "", ""]]


@pytest.mark.parametrize(
    ("head", "encoding"),
    [('<meta charset="windows-1258">', "cp1258"),
     ('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "utf-8"),
     ("", "utf-8")],
)  # fmt: skip
def test_the_page_s_own_charset_is_honoured(head, encoding):
    # Windows' Vietnamese code page writes a letter and its tone mark apart: read composed.
    assert list(page_parts(_saved(TEXT, head, encoding))) == [("line", TEXT)]


@pytest.mark.parametrize(
    ("head", "encoding"),
    [('<meta charset="windows-1252">', "utf-8"),  # saved again as UTF-8, the old line kept
     ('<meta charset="idna">', "cp1258"),  # a codec Python has but is no page's charset
     ('<meta charset="no-such-charset">', "cp1258"),
     ("", "utf-16")],  # Word's "Unicode" web page, with its byte-order mark
)  # fmt: skip
def test_a_page_whose_charset_line_is_wrong_or_unknown_still_reads(head, encoding):
    assert list(page_parts(_saved(TEXT, head, encoding))) == [("line", TEXT)]


def test_an_xhtml_page_with_its_xml_declaration_reads():
    data = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
        ' Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hoàn thành</p></body></html>'
    ).encode()
    assert list(page_parts(data)) == [("line", "Hoàn thành")]


TEXT = "Hoàn thành trước ngày 15/3/2025"


def _saved(text: str, head: str, encoding: str) -> bytes:
    said = "".join(map(_windows_letter, text)) if encoding == "cp1258" else text
    return f"<html><head>{head}</head><body><p>{said}</p></body></html>".encode(encoding)


def _windows_letter(letter: str) -> str:
    try:
        letter.encode("cp1258")
        return letter
    except UnicodeEncodeError:  # "ớ": "ơ" and the combining acute
        apart = unicodedata.normalize("NFD", letter)
        return unicodedata.normalize("NFC", apart[:-1]) + apart[-1]


def test_a_page_past_the_limits_is_refused_in_one_sentence():
    cell = "<td colspan='1000' rowspan='1000'>x</td>"
    with pytest.raises(PlanReadError, match="quá nhiều ô"):
        read(page("".join(f"<table><tr>{cell}</tr><tr></tr></table>" for _ in range(700))))


def test_a_page_with_nothing_to_do_says_what_was_looked_for():
    with pytest.raises(PlanReadError, match="không tìm thấy nhiệm vụ"):
        read(page("<p>Chúc mừng năm mới</p>"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_no_page_raises_anything_but_the_typed_error(data):
    with contextlib.suppress(PlanReadError):
        read(data)


def _web_archive(html: bytes, charset: str = "utf-8") -> bytes:
    """A page saved as one file (.mht), as Word and browsers write it: a MIME message with the
    page quoted-printable and its pictures beside it."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    archive = MIMEMultipart("related")
    archive.attach(MIMEText(html.decode(charset), "html", charset))
    archive.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "png"))
    return archive.as_bytes()


def test_a_page_saved_as_one_file_reads_as_the_page():
    from tests.test_realdocs import REALDOCS, TODAY

    page = (REALDOCS / "vju-tb1010-2025.html").read_bytes()
    archived = read_plan_bytes(_web_archive(page), "tb1010.mht", TODAY).to_json(TODAY)
    assert archived == read_plan_bytes(page, "tb1010.html", TODAY).to_json(TODAY)
    assert archived["deadlines"]


def test_a_web_archive_without_a_page_says_so():
    from email.mime.text import MIMEText

    with pytest.raises(PlanReadError, match="không chứa trang HTML"):
        read(MIMEText("chỉ có chữ", "plain", "utf-8").as_bytes(), "trang.mht")


def test_a_decision_saved_with_the_legal_site_s_menus_and_related_list_reads_as_the_decision():
    # The page around the document: menus, a search form, the site's own metadata table, a
    # script, "Văn bản liên quan" and a footer stamp; none of it is the decision's.
    import re

    from tests.test_realdocs import REALDOCS, TODAY

    source = (REALDOCS / "tuyenquang-qd986-2024.html").read_text(encoding="utf-8")
    body = re.search(r"<body>(.*)</body>", source, re.S).group(1)  # type: ignore[union-attr]
    site = f"""<div id="header"><a href="/">THƯ VIỆN PHÁP LUẬT</a>
    <ul class="menu"><li>Văn bản</li><li>Tin tức</li></ul><form><input name="q">
    <button>Tìm</button></form></div>
    <div class="meta"><table>
      <tr><td>Số hiệu:</td><td>986/QĐ-UBND</td><td>Loại văn bản:</td><td>Quyết định</td></tr>
      <tr><td>Ngày ban hành:</td><td>13/08/2024</td><td>Ngày hiệu lực:</td><td>Đã biết</td></tr>
    </table></div>
    <script>window.dataLayer = [{{"han": "trước ngày 01/01/2030"}}]</script>
    <div class="content1">{body}</div>
    <div class="related"><h3>Văn bản liên quan</h3><ul>
      <li>Quyết định 123/QĐ-UBND năm 2023 về kế hoạch thời gian năm học 2023-2024</li>
      <li>Thông tư 28/2020/TT-BGDĐT ban hành Điều lệ Trường tiểu học</li></ul></div>
    <div id="footer">© 2024 Thư Viện Pháp Luật. Cập nhật: 15/08/2024 10:20</div>"""
    saved = read_plan_bytes(page(site), "qd986.html", TODAY).to_json(TODAY)
    assert saved == read_plan_bytes(source.encode(), "qd986.html", TODAY).to_json(TODAY)
