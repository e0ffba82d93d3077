"""A letter (Công văn) from the Sở: whom it asks, what by when — in the wording offices use,
as plain text and as a Word file whose header block is a borderless table."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from plans.reader import read_plan_bytes

TODAY = date(2025, 12, 16)
HEADER = (
    ("UBND TỈNH QUẢNG NINH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 2315/SGDĐT-GDTrH\n"
     "V/v báo cáo kết quả thực hiện nhiệm vụ\nhọc kỳ I năm học 2025-2026"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
     "Quảng Ninh, ngày 15 tháng 12 năm 2025"),
)  # fmt: skip
BODY = [
    "Kính gửi:",
    "- Các phòng Giáo dục và Đào tạo;",
    "- Các trường THPT, trường PT DTNT tỉnh.",
    "",
    "Thực hiện Kế hoạch số 145/KH-SGDĐT ngày 05/9/2025 của Sở Giáo dục và Đào tạo về nhiệm vụ "
    "năm học 2025-2026, Sở GDĐT đề nghị các đơn vị thực hiện một số nội dung sau:",
    "1. Các phòng GDĐT tổng hợp báo cáo sơ kết học kỳ I của các trường trực thuộc (theo mẫu "
    "tại Phụ lục 1) gửi về Sở GDĐT (qua phòng GDTrH) trước ngày 10/01/2026.",
    "2. Các trường THPT báo cáo kết quả xếp loại học lực, hạnh kiểm học kỳ I qua hệ thống CSDL "
    "ngành chậm nhất ngày 12/01/2026.",
    "3. Sở GDĐT đề nghị Hiệu trưởng các trường PT DTNT gửi danh sách học sinh dự thi trước "
    "ngày 20/01/2026.",
    "4. Định kỳ hằng tháng, các đơn vị báo cáo tình hình thực hiện nhiệm vụ về Sở trước ngày "
    "25. Nhận được công văn này, Sở GDĐT đề nghị các đơn vị nghiêm túc triển khai thực hiện./.",
    "",
    "Nơi nhận:",
    "- Như trên;",
    "- Giám đốc Sở (để b/c);",
    "- Lưu: VT, GDTrH.",
]


def as_text() -> bytes:
    lines = [*HEADER[0].split("\n"), "", *HEADER[1].split("\n"), "", *BODY]
    return "\n".join(lines).encode()


def as_docx() -> bytes:
    from docx import Document

    document = Document()
    table = document.add_table(rows=1, cols=2)  # the agency | motto block, no borders
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for line in BODY:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(params=["txt", "docx"])
def letter(request):  # type: ignore[no-untyped-def]
    data = as_text() if request.param == "txt" else as_docx()
    return read_plan_bytes(data, f"cv2315.{request.param}", TODAY)


def test_the_letter_is_known_by_its_number_date_and_subject(letter):
    assert (letter.number, letter.issued_on) == ("2315/SGDĐT-GDTrH", date(2025, 12, 15))
    assert letter.kind == "Công văn"  # no kind in its number; a V/v line
    assert letter.title == ("Báo cáo kết quả thực hiện nhiệm vụ học kỳ I năm học 2025-2026")
    # "Như trên" in Nơi nhận is the Kính gửi list: those asked to act come first.
    assert letter.recipients[:3] == [
        "Các phòng Giáo dục và Đào tạo",
        "Các trường THPT",
        "trường PT DTNT tỉnh",
    ]
    assert "Như trên" not in letter.recipients


def test_each_deadline_goes_to_whom_its_sentence_names(letter):
    by_day = {d.timeline.timeline.due: d for d in letter.deadlines if d.timeline.timeline.due}
    assert by_day[date(2026, 1, 9)].applies_to == ("Các phòng GDĐT",)  # trước ngày 10/01
    assert by_day[date(2026, 1, 12)].applies_to == ("Các trường THPT",)  # chậm nhất ngày 12/01
    # The Sở asking is not who acts: "Sở GDĐT đề nghị Hiệu trưởng các trường PT DTNT gửi …".
    assert by_day[date(2026, 1, 19)].applies_to == ("Hiệu trưởng các trường PT DTNT",)


def test_a_monthly_report_in_a_sentence_is_a_cycle_for_all_it_is_addressed_to(letter):
    [monthly] = [d for d in letter.deadlines if d.timeline.timeline.kind == "recurring"]
    assert monthly.timeline.timeline.next_due(date(2026, 1, 1), 2) == [
        date(2026, 1, 24),
        date(2026, 2, 24),
    ]
    # "các đơn vị": whoever the letter is addressed to.
    assert monthly.applies_to == (
        "Các phòng Giáo dục và Đào tạo",
        "Các trường THPT",
        "trường PT DTNT tỉnh",
    )
    assert len(letter.deadlines) == 4


NOTICE = [
    "UBND TỈNH NGHỆ AN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 120/TB-SGDĐT", "",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
    "Nghệ An, ngày 02 tháng 3 năm 2026", "", "THÔNG BÁO",
    "Về việc tổ chức tập huấn chuyển đổi số cho cán bộ quản lý", "",
    "Sở Giáo dục và Đào tạo thông báo tổ chức tập huấn như sau:",
    "1. Thời gian: 01 buổi, bắt đầu từ 7h30, ngày 25/3/2026 (thứ Tư).",
    "2. Địa điểm: Hội trường tầng 3, Sở Giáo dục và Đào tạo.",
    "3. Thành phần: Hiệu trưởng các trường THPT; Trưởng phòng GDĐT các huyện, thị xã.",
    "4. Đăng ký tham dự: các đơn vị đăng ký danh sách qua hệ thống quản lý văn bản từ ngày "
    "05/3/2026 đến hết ngày 15/3/2026.",
    "5. Các đơn vị gửi báo cáo thu hoạch về Sở GDĐT (qua Văn phòng) trong thời hạn 10 ngày kể "
    "từ ngày kết thúc tập huấn.",
    "Đề nghị Thủ trưởng các đơn vị triển khai thực hiện./.", "",
    "Nơi nhận:", "- Giám đốc Sở (để b/c);", "- Các trường THPT;",
    "- Phòng GDĐT các huyện, thị xã;", "- Lưu: VT.",
]  # fmt: skip


@pytest.fixture(params=["txt", "docx"])
def notice(request):  # type: ignore[no-untyped-def]
    if request.param == "txt":
        data = "\n".join(NOTICE).encode()
    else:
        from docx import Document

        document = Document()
        for line in NOTICE:
            document.add_paragraph(line)
        out = io.BytesIO()
        document.save(out)
        data = out.getvalue()
    return read_plan_bytes(data, f"tb120.{request.param}", date(2026, 3, 2))


def test_a_notice_asks_those_it_is_sent_to_not_those_only_informed(notice):
    assert notice.kind == "Thông báo"  # "120/TB-SGDĐT"
    assert notice.title == "Tổ chức tập huấn chuyển đổi số cho cán bộ quản lý"
    [event] = notice.events
    assert event.timeline.timeline.start.isoformat() == "2026-03-25T07:30:00"
    window = next(d for d in notice.deadlines if d.timeline.timeline.kind == "window")
    assert window.timeline.timeline.due == date(2026, 3, 15)
    # "các đơn vị" and no Kính gửi: those in Nơi nhận, but the director told "(để b/c)".
    assert window.applies_to == ("Các trường THPT", "Phòng GDĐT các huyện, thị xã")


def test_a_deadline_counted_from_the_notices_event_is_dated_by_it(notice):
    # "trong thời hạn 10 ngày kể từ ngày kết thúc tập huấn": the training is on 25/3.
    [after] = [d for d in notice.deadlines if "thu hoạch" in d.sentence]
    assert after.timeline.timeline.due == date(2026, 4, 4)
    assert any("tính từ ngày của sự kiện" in w and "04/04/2026" in w for w in notice.warnings)


def test_a_saved_letter_is_called_a_letter(sessions):  # type: ignore[no-untyped-def]
    """Saved, it is still the Công văn the preview showed: the office is told 'Đã lưu công
    văn', and the plan keeps its kind."""
    from db.models import Plan
    from db.registry import import_sample
    from db.session import session_scope
    from plans.store import save_plan
    from texts import messages

    doc = read_plan_bytes(as_text(), "cv2315.txt", TODAY)
    with session_scope(sessions) as session:
        import_sample(session)
        saved = save_plan(session, doc, "cv2315.txt", "hash-cv2315", TODAY)
        said = messages.text(saved.message_key, "vi", **saved.counts)
        kept = session.get(Plan, saved.plan_id).details["kind"]
    assert said.startswith(f"✅ Đã lưu công văn #{saved.plan_id}:") and kept == "Công văn"


def test_a_kinh_gui_name_wrapped_onto_the_next_line_is_one_name():
    from plans.text import read_addressees

    wrapped = [
        "V/v tổng kết năm học",
        "Kính gửi: Giám đốc Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc",
        "Trung ương",
        "Thực hiện Kế hoạch số 12/KH-BGDĐT ngày 05/01/2026, Bộ đề nghị …",
    ]
    assert read_addressees(wrapped) == (
        "Giám đốc Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc Trung ương",
    )
    # A name that ends where its line ends is not joined to the body, nor to a list below.
    listed = ["Kính gửi:", "- Các trường THPT;", "- Trung tâm GDTX tỉnh.", "Căn cứ …"]
    assert read_addressees(listed) == ("Các trường THPT", "Trung tâm GDTX tỉnh")
    closed = ["Kính gửi: Các phòng Giáo dục và Đào tạo.", "Theo đề nghị của …"]
    assert read_addressees(closed) == ("Các phòng Giáo dục và Đào tạo",)
    short_body = ["Kính gửi: Hiệu trưởng các trường THPT", "Ngày 05/01/2026, Sở …"]
    assert read_addressees(short_body) == ("Hiệu trưởng các trường THPT",)


CONTEST = "\n".join([
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 215/TB-SGDĐT", "Nam Định, ngày 03 tháng 3 năm 2025",
    "THÔNG BÁO", "Về việc tổ chức Hội thi giáo viên dạy giỏi cấp tỉnh năm học 2024-2025",
    "Kính gửi:", "- Hiệu trưởng các trường THPT;", "- Trưởng phòng GDĐT các huyện, thành phố.",
    "1. Các đơn vị gửi danh sách giáo viên dự thi về Sở (qua phòng GDTrH) chậm",
    "nhất ngày 20/3/2025.",
    "2. Khai mạc Hội thi: 7 giờ 30 phút, thứ Hai ngày 07/4/2025 tại Trường THPT chuyên.",
    "3. Thời gian thi thực hành: từ ngày 08/4 đến ngày 12/4/2025.",
    "4. Bế mạc và trao giải: ngày 15/4/2025.",
    "5. Các trường nộp báo cáo tổng kết trong vòng 10 ngày sau khi kết thúc Hội thi.",
    "Nơi nhận:", "- Như trên;", "- Giám đốc Sở (để b/c);", "- Lưu: VT, GDTrH.",
])  # fmt: skip


def test_a_contest_notice_dates_the_report_after_its_closing_day():
    doc = read_plan_bytes(CONTEST.encode(), "tb215.txt", date(2025, 3, 3))
    starts = [e.timeline.timeline.start for e in doc.events]
    assert sorted(d.date() if isinstance(d, datetime) else d for d in starts) == [
        date(2025, 4, 7),  # the opening, at 7:30
        date(2025, 4, 8),  # "Thời gian thi thực hành: từ ngày 08/4 đến ngày 12/4": the exam
        date(2025, 4, 15),  # "Bế mạc và trao giải": a happening too
    ]
    assert not any(d.timeline.timeline.kind == "window" for d in doc.deadlines)
    # "10 ngày sau khi kết thúc Hội thi": after the closing, the last day the notice gives.
    [report] = [d for d in doc.deadlines if "tổng kết" in d.sentence]
    assert report.timeline.timeline.due == date(2025, 4, 25)
    assert report.applies_to == ("Các trường",)
    assert any("15/04/2025" in w and "25/04/2025" in w for w in doc.warnings)


# A letter whose deadlines count from the letter itself, as pdftotext -layout gives it: the
# agency and the motto side by side, the Kính gửi list and the body as separate paragraphs.
COUNTED = """\
UBND TỈNH BẮC NINH                          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO                             Độc lập - Tự do - Hạnh phúc
Số: 123/SGDĐT-VP                              Bắc Ninh, ngày 25 tháng 4 năm 2025
V/v báo cáo số liệu cơ sở vật chất

Kính gửi:
- Trưởng phòng Giáo dục và Đào tạo các huyện, thị xã, thành phố;
- Hiệu trưởng các trường THPT.

Để có cơ sở tổng hợp, Sở Giáo dục và Đào tạo đề nghị các đơn vị báo cáo số liệu cơ sở vật
chất theo mẫu đính kèm.
Báo cáo gửi về Sở (qua Văn phòng) trong vòng 05 ngày làm việc kể từ ngày nhận được công văn
này.
Các trường THPT hoàn thành việc rà soát trong thời hạn 10 ngày kể từ ngày ký công văn.
Trân trọng./.
"""


def test_deadlines_counted_from_the_letter_are_dated_from_its_day():
    doc = read_plan_bytes(COUNTED.encode(), "cv123.txt", date(2025, 4, 26))
    # The agency is the left column's second line, not the motto beside it.
    assert (doc.number, doc.issued_on, doc.issuer) == (
        "123/SGDĐT-VP",
        date(2025, 4, 25),
        "Sở Giáo dục và Đào tạo",
    )
    by_day = {d.timeline.timeline.due: d for d in doc.deadlines}
    # Five working days from Friday 25/04: Saturday 26/04 (worked to make up for 02/05), 28,
    # 29/04; 30/04–02/05 are holidays; 05, 06/05 — the work calendar's count, as reminders use.
    receipt = by_day[date(2025, 5, 6)]
    assert receipt.sentence.startswith("Báo cáo gửi về Sở")  # its sentence, not the list's
    assert receipt.applies_to == (
        "Trưởng phòng Giáo dục và Đào tạo các huyện, thị xã, thành phố",
        "Hiệu trưởng các trường THPT",
    )
    assert any("ngày nhận văn bản" in w and "hãy kiểm tra" in w for w in doc.warnings)
    # Ten days from signing: the letter's own day.
    assert by_day[date(2025, 5, 5)].applies_to == ("Các trường THPT",)


# A notice whose contest runs over days, said "diễn ra từ … đến …", under numbered headings.
CONTEST_DAYS = """\
UBND TỈNH NGHỆ AN
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 45/TB-SGDĐT
Nghệ An, ngày 02 tháng 10 năm 2025
THÔNG BÁO
Về việc tổ chức Hội thi giáo viên dạy giỏi cấp tỉnh năm học 2025-2026
Thực hiện Kế hoạch số 120/KH-SGDĐT ngày 15/9/2025 của Sở GDĐT, Sở thông báo như sau:
1. Thời gian, địa điểm
- Thời gian: Hội thi diễn ra từ ngày 10/11/2025 đến ngày 14/11/2025.
- Khai mạc: 7 giờ 30 phút, thứ Hai, ngày 10/11/2025 tại Hội trường Sở.
2. Hồ sơ đăng ký
Các đơn vị gửi hồ sơ đăng ký về Sở (qua phòng GDTrH) chậm nhất ngày 20/10/2025. Hồ sơ gồm:
a) Danh sách giáo viên dự thi;
b) Biên bản họp xét chọn của đơn vị.
3. Tổ chức thực hiện
Các phòng GDĐT, các trường THPT căn cứ Thông báo này triển khai thực hiện. Báo cáo kết quả
tham gia trong vòng 10 ngày sau khi kết thúc Hội thi.
Nơi nhận:
- Các phòng GDĐT;
- Các trường THPT;
- Lưu: VT, GDTrH.
"""


def test_a_contest_held_over_days_is_a_happening_and_the_report_counts_from_its_last_day():
    doc = read_plan_bytes(CONTEST_DAYS.encode(), "tb45.txt", date(2025, 10, 3))
    spans = [e.timeline.timeline for e in doc.events]
    # "diễn ra từ … đến …": the days it takes place, not a window to act in.
    assert any((t.start, t.end) == (date(2025, 11, 10), date(2025, 11, 14)) for t in spans)
    assert all(d.timeline.timeline.kind != "window" for d in doc.deadlines)
    by_day = {d.timeline.timeline.due: d for d in doc.deadlines}
    # "10 ngày sau khi kết thúc Hội thi": after its last day, 14/11.
    assert date(2025, 11, 24) in by_day
    # "2. Hồ sơ đăng ký" is a heading, not whom "Các đơn vị gửi hồ sơ …" concerns.
    assert by_day[date(2025, 10, 20)].applies_to == ("Các phòng GDĐT", "Các trường THPT")


def test_a_deadline_counted_from_the_letter_shows_its_day_in_the_preview():
    doc = read_plan_bytes(COUNTED.encode(), "cv123.txt", date(2025, 4, 26))
    rules = [d.timeline.timeline.rule for d in doc.deadlines]
    # The clerk checks a day, not only "10 ngày kể từ ngày ký".
    assert "10 ngày kể từ ngày ký văn bản (hạn 05/05/2025)" in rules
