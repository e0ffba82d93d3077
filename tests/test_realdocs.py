"""Real documents an office receives, read as their recipients read them: who must do what,
by when. The expected readings are written here from each document's text
(../shared/realdocs/src), and each is checked in every format the folder offers."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.reader import read_plan_bytes
from plans.tables import PlanReadError, tasks_from_table

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "files"
TODAY = date(2026, 12, 6)


def read(name: str):  # type: ignore[no-untyped-def]
    path = REALDOCS / name
    return read_plan_bytes(path.read_bytes(), path.name, TODAY)


def by_ref(doc) -> dict:  # type: ignore[no-untyped-def]
    return {t.ref: t for t in doc.tasks}


def due(task) -> date | None:  # type: ignore[no-untyped-def]
    timeline = task.timeline.timeline
    return None if timeline is None else timeline.due


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "orig.pdf"])
def test_a_quality_plan_whose_task_table_numbers_rows_under_roman_sections(fmt):
    doc = read(f"vju-kh50-2026.{fmt}")
    tasks = by_ref(doc)
    # 55 tasks: whole numbers under I, II, IV, V; dotted under III's numbered sub-sections.
    assert len(tasks) == 55
    assert [s.ref for s in doc.sections][:4] == ["I", "II", "III", "III.1"]
    first = tasks["I.1"]
    assert first.title.startswith("Ban hành chiến lược ĐBCL")
    assert first.lead == ("Phòng Khảo thí và Đảm bảo chất lượng (KT&ĐBCL)",)
    assert due(first) == date(2026, 1, 31)
    assert ("Sản phẩm dự kiến", "Bản dự thảo chiến lực được lấy ý kiến các bên liên quan") in (
        first.extra
    )
    assert due(tasks["III.1.1"]) == date(2026, 1, 31)  # "Hoàn thành xây dựng kế hoạch vào …"
    # Narrow cells wrap a code after its hyphen and an abbreviation's last letter alone.
    council = tasks["II.1"]
    assert council.lead == (
        "Hội đồng tự đánh giá theo quyết định số 22/QĐ-ĐHVN ban hành ngày 10/01/2025",
    )
    assert council.coordinators == ("Khoa FISS", "phòng KT&ĐBCL")
    assert tasks["III.2.4"].lead == ("Các Khoa",) and tasks["III.2.4"].section == "III.2"
    # The number and date are blank as published: the year of the dateline is the floor.
    assert doc.number == "" and doc.issued_on is None and doc.floor == date(2026, 1, 1)
    assert any("không thể sớm hơn năm 2026" in w for w in doc.warnings)
    # The typo "31/11/2026" is not guessed: the office is asked.
    assert tasks["III.2.7"].timeline.timeline is None
    assert any("III.2.7" in w and "31/11/2026" in w for w in doc.warnings)
    assert "“Thời hạn thực hiện” → thời hạn" in doc.columns[0]
    assert "giữ kèm: “Sản phẩm dự kiến”" in doc.columns[0]


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_a_calendar_with_its_timeline_column_second_and_unnumbered_rows(fmt):
    doc = read(f"vju-840-pl1-2025.{fmt}")
    assert doc.number == "840/ĐHVN-ĐT"
    assert doc.issued_on == date(2025, 8, 8)  # from the e-signature stamp
    tasks = by_ref(doc)
    assert [s.title for s in doc.sections] == ["Học kỳ 1", "Học kỳ 2", "Học kỳ hè"]
    enrol = tasks["1"].timeline.timeline
    assert (enrol.kind, enrol.start, enrol.due) == ("window", date(2025, 8, 4), date(2025, 8, 27))
    assert tasks["1"].lead == ("Phòng Đào tạo &CTSV", "Các Khoa")
    two_days = tasks["4"].timeline.timeline
    assert (two_days.start, two_days.due) == (date(2025, 8, 27), date(2025, 8, 28))
    # A row without a number, under row 5, with its own deadline.
    assert tasks["5a"].title.startswith("Gửi danh sách sinh viên đã nhập học")
    assert due(tasks["5a"]) == date(2025, 9, 2)
    # The orientation week's sessions share its dates.
    assert tasks["9c"].lead == ("Chương trình Giáo dục tiếng Nhật",)
    assert tasks["9c"].timeline.timeline.due == date(2025, 9, 14)
    assert due(tasks["17"]) == date(2025, 12, 31)  # "Trước 12/2025"
    assert tasks["31"].section == "Học kỳ hè"
    assert not [w for w in doc.warnings if "không đọc được" in w]


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_appendix_tables_with_two_row_headers_keep_each_appendix_apart(fmt):
    doc = read(f"btnmt-qd59-2024.{fmt}")
    assert (doc.number, doc.issued_on) == ("59/QĐ-BTNMT", date(2024, 1, 8))
    tasks = by_ref(doc)
    law = tasks["PL01.1"]
    assert law.title == "Luật Địa chất và Khoáng sản"
    assert law.lead == ("Cục Khoáng sản Việt Nam", "Cục Địa chất Việt Nam")
    assert law.coordinators == ("Vụ Pháp chế",)
    assert due(law) == date(2024, 2, 29)  # to the Minister in February 2024
    # "Đơn vị thực hiện" over "Chủ trì | Phối hợp", the timeline before them.
    project = tasks["PL02.2"]
    assert project.lead == ("Cục Đăng ký và Dữ liệu thông tin đất đai",)
    assert "Vụ Đất đai" in project.coordinators
    assert due(project) == date(2024, 3, 31) and project.section == "PL02.II"
    assert any(c.startswith("PL02:") and "“Đơn vị thực hiện — Chủ trì” → chủ trì" in c
               for c in doc.columns)  # fmt: skip


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_tasks_written_in_the_body_with_who_and_when_lines(fmt):
    doc = read(f"kontum-qd435-2020.{fmt}")
    tasks = by_ref(doc)
    assert len(tasks) == 24 and [s.ref for s in doc.sections][:3] == ["1", "2", "3"]
    labour = tasks["1.3"]
    assert labour.lead == ("Sở Lao động - Thương binh và xã hội",)
    assert labour.coordinators[0] == "Liên đoàn Lao động tỉnh"
    assert labour.timeline.timeline.kind == "continuous"
    assert tasks["2.2"].timeline.timeline.kind == "continuous"  # "Thường xuyên hằng năm": ongoing
    assert due(tasks["2.6"]) == date(2020, 9, 30)  # "Hoàn thành trong quý III/2020"
    # 1.1 has no lines of its own: the block after 1.2 is said of both.
    assert (
        tasks["1.1"].lead
        == tasks["1.2"].lead
        == ("Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thành phố")
    )
    # 3.1–3.4 share the one block after 3.4.
    assert all(tasks[f"3.{n}"].lead == ("Sở Lao động - Thương binh và Xã hội",)
               for n in range(1, 5))  # fmt: skip


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_tasks_under_lettered_items_with_lead_and_coordinator_lines(fmt):
    doc = read(f"btp-qd173-2015.{fmt}")
    tasks = by_ref(doc)
    assert len(tasks) == 28 + 14  # the table, and section III's duties unit by unit
    assert [s.title for s in doc.sections if s.ref.startswith("III.")] == [
        "Vụ Các vấn đề chung về xây dựng pháp luật",
        "Các đơn vị thuộc Bộ Tư pháp",
        "Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương",
    ]
    yearly = tasks["III.3.5"]  # "Hàng năm, … báo cáo Bộ Tư pháp và Ủy ban Dân tộc"
    assert yearly.lead == ("Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương",)
    assert yearly.timeline.timeline.kind == "recurring"
    first = tasks["1.a"]
    assert first.lead == ("Vụ Pháp luật hình sự - hành chính",)
    assert due(first) == date(2015, 12, 31)  # "Cả năm 2015"
    assert due(tasks["1.b"]) == date(2015, 3, 31)  # "Quý I/2015"
    assert tasks["1.b"].coordinators == ("Văn phòng Bộ",)


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt", "orig.pdf"])
def test_an_exam_notice_gives_the_exam_day_and_the_application_window(fmt):
    doc = read(f"ulis-tb2184-2024.{fmt}")
    assert doc.issued_on == date(2024, 12, 5)
    [exam] = doc.events
    assert exam.timeline.timeline.kind == "event"
    assert exam.timeline.timeline.start == date(2025, 1, 4)
    [window] = doc.deadlines
    assert (window.timeline.timeline.start, window.timeline.timeline.due) == (
        date(2024, 12, 9),
        date(2024, 12, 13),
    )
    # "Thời hạn nộp hồ sơ …: từ … đến …" names what, not who: those the notice is sent to,
    # but the school's board, told "(để báo cáo)" — also where the signature block beside
    # Nơi nhận ran into its lines.
    assert window.applies_to == ("Các đơn vị ĐT trong ĐHQGHN", "Các đơn vị Trường ĐHNN")
    assert "Thời hạn nộp hồ sơ và lệ phí thi trực tuyến" in window.sentence


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt", "orig.pdf", "doc"])
def test_a_certificate_notice_gives_its_submission_window_and_deadlines(fmt):
    doc = read(f"vju-tb1010-2025.{fmt}")
    assert (doc.number, doc.issued_on) == ("1010/TB-ĐHVN", date(2025, 9, 9))
    windows = [d for d in doc.deadlines if d.timeline.timeline.kind == "window"]
    assert [(w.timeline.timeline.start, w.timeline.timeline.due) for w in windows] == [
        (date(2025, 9, 15), date(2025, 10, 13))
    ]
    dues = sorted(d.timeline.timeline.due for d in doc.deadlines)
    assert date(2025, 10, 12) in dues and date(2025, 12, 30) in dues


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_a_school_year_calendar_gives_its_days_and_deadlines(fmt):
    doc = read(f"tuyenquang-qd986-2024.{fmt}")
    assert (doc.number, doc.issued_on) == ("986/QĐ-UBND", date(2024, 8, 13))
    days = sorted(e.timeline.timeline.start for e in doc.events)
    assert days == [date(2024, 8, 26), date(2024, 9, 5)]  # tựu trường, khai giảng
    dues = sorted(d.timeline.timeline.due for d in doc.deadlines)
    assert dues == [date(2025, 1, 17), date(2025, 5, 30), date(2025, 6, 29), date(2025, 7, 30)]


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt", "doc"])
def test_a_decision_with_its_plan_reads_on_past_the_recipients_block(fmt):
    doc = read(f"sonla-qd254-2023.{fmt}")
    assert (doc.number, doc.issued_on) == ("254/QĐ-UBND", date(2023, 2, 17))
    tasks = by_ref(doc)
    # "IV. Tổ chức thực hiện 1. Thủ trưởng các sở …; Chủ tịch UBND các huyện …": their plan by
    # 28/2, their report by 10/11, each a task of theirs; section III gives each body its own.
    heads = ("Thủ trưởng các sở, ban, ngành trực thuộc UBND tỉnh",
             "Chủ tịch UBND các huyện, thành phố")  # fmt: skip
    assert tasks["IV.1.1"].lead == tasks["IV.1.3"].lead == heads
    assert (due(tasks["IV.1.1"]), due(tasks["IV.1.3"])) == (date(2023, 2, 27), date(2023, 11, 9))
    assert tasks["IV.1.3"].title.startswith("Báo cáo kết quả thực hiện công tác bảo vệ BMNN")
    assert [s.title for s in doc.sections if s.ref.startswith("III.")] == [
        "Công an tỉnh", "Văn phòng UBND tỉnh", "Sở Nội vụ", "Sở Tư pháp",
        "Sở Thông tin và Truyền thông", "Sở Tài chính",
    ]  # fmt: skip
    assert tasks["IV.3"].lead == ("Công an tỉnh",)  # "Giao Công an tỉnh chủ trì …"


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_a_letter_asking_for_a_report_by_a_day(fmt):
    doc = read(f"ldtbxh-cv2638-2019.{fmt}")
    assert (doc.number, doc.issued_on) == ("2638/LĐTBXH-KHTC", date(2019, 7, 3))
    assert [d.timeline.timeline.due for d in doc.deadlines] == [date(2019, 7, 11)]


def test_a_document_that_yields_nothing_says_what_was_looked_for_and_what_to_send():
    with pytest.raises(PlanReadError, match=r"Đã tìm: .*nhacviec plan template"):
        read_plan_bytes("Kính gửi các đơn vị.\nTrân trọng.".encode(), "thu.txt", TODAY)


def test_all_day_events_are_planned_as_events():
    from timing.timeline import parse_timeline

    exam = parse_timeline("Ngày thi: 04/01/2025", date(2024, 12, 5))
    assert (exam.kind, exam.start, exam.due) == ("event", date(2025, 1, 4), None)
    conference = parse_timeline("Hội nghị từ 14h00 đến 17h00 ngày 06/02/2025", date(2025, 1, 24))
    assert conference.start == datetime(2025, 2, 6, 14, 0)
    deadline = parse_timeline("Nộp hồ sơ dự thi trước ngày 20/12/2024", date(2024, 12, 5))
    assert deadline.kind == "once"


cells = st.text(alphabet="TtNhiệm vụChủ trìThời hạn0123456789./-IVX ab\n", max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=0, max_size=7), max_size=8))
def test_no_table_raises_anything_but_the_typed_error(table):
    header = [["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"]]
    for rows in (table, header + table):
        with contextlib.suppress(PlanReadError):
            tasks_from_table(rows, TODAY)


def test_the_preview_says_which_column_was_taken_as_what(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(
        app, ["plan", "import", str(REALDOCS / "vju-840-pl1-2025.docx")],
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Cột đã đọc — PL1: “TT” → số thứ tự; “Thời gian thực hiện” → thời hạn" in result.output


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("trước ngày 06 (sáu) tháng 06 (sáu) năm 2025", date(2025, 6, 5)),
     ("chậm nhất ngày 15 (mười lăm) tháng 12 năm 2025", date(2025, 12, 15)),
     ("hạn ngày 21 (hai mươi mốt) tháng 3 năm 2025", date(2025, 3, 21))],
)  # fmt: skip
def test_numbers_spelled_out_in_brackets_are_the_digits_again(phrase, expected):
    from timing.timeline import parse_timeline

    assert parse_timeline(phrase, date(2025, 1, 2)).due == expected


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_a_regulation_sets_report_cycles_for_whom_each_article_binds(fmt):
    doc = read(f"hcm-qd49-2012.{fmt}")
    # The PDF runs the two header columns together: the dateline's year comes lines later.
    assert (doc.number, doc.issued_on) == ("49/2012/QĐ-UBND", date(2012, 10, 23))
    tasks = by_ref(doc)
    district = ("Phòng Lao động - Thương binh và Xã hội quận - huyện",)
    # Điều 7.5: "báo cáo về Sở … trước ngày 22 hàng tháng".
    monthly = tasks["Đ7.5"]
    assert monthly.lead == district
    assert monthly.timeline.timeline.next_due(date(2025, 1, 1), 2) == [
        date(2025, 1, 21),
        date(2025, 2, 21),
    ]
    # Điều 7.9: two reports, each with its day: the quarter's 15 days after it ends, the
    # year's before 30/4.
    quarter, year = tasks["Đ7.9a"], tasks["Đ7.9b"]
    assert quarter.title.endswith("(báo cáo quý)") and year.title.endswith("(báo cáo năm)")
    assert quarter.timeline.timeline.next_due(date(2025, 1, 1), 2) == [
        date(2025, 1, 15),
        date(2025, 4, 15),
    ]
    assert year.timeline.timeline.next_due(date(2025, 1, 1), 1) == [date(2025, 4, 29)]
    # Điều 8.3 b): the wards send their lists before the 18th of each month.
    assert tasks["Đ8.3"].lead == ("Ủy ban nhân dân phường - xã, thị trấn",)
    assert tasks["Đ8.3"].timeline.timeline.next_due(date(2025, 1, 1), 1) == [date(2025, 1, 17)]
    # Standing rules without a day are no tasks; Điều 11 names nobody's cycle.
    assert "Đ4.3" not in tasks and not any(ref.startswith("Đ11") for ref in tasks)


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_the_units_of_section_three_get_their_yearly_reports(fmt):
    doc = read(f"kontum-qd435-2020.{fmt}")
    tasks = by_ref(doc)
    # "1. Các sở, ban, ngành; Ủy ban nhân dân các huyện … căn cứ … xây dựng Kế hoạch …;
    # định kỳ hàng năm (trước ngày 15/11 …) báo cáo kết quả thực hiện về Sở …"
    assert tasks["III.1.1"].lead[0] == "Các sở, ban, ngành"
    assert tasks["III.1.1"].timeline.timeline.kind == "continuous"
    report = tasks["III.1.2"].timeline.timeline
    assert report.kind == "recurring"
    assert report.next_due(date(2021, 1, 1), 1) == [date(2021, 11, 14)]
    # "2. Giao Sở Lao động …: - Làm đầu mối … trước ngày 30 tháng 11 hằng năm."
    assert tasks["III.2.1"].lead == ("Sở Lao động - Thương binh và Xã hội",)
    assert tasks["III.2.1"].timeline.timeline.next_due(date(2021, 1, 1), 1) == [date(2021, 11, 29)]
    assert tasks["III.3"].lead == ("Liên đoàn Lao động tỉnh",)  # "3. Đề nghị Liên đoàn …: …"


@pytest.mark.parametrize("fmt", ["orig.pdf", "txt"])
def test_the_calendar_as_published_and_as_plain_text_gives_the_same_rows(fmt):
    # As published, white rectangles over each line of a merged cell look like rules; as
    # pdftotext gives it, each cell is a paragraph. The rows are the DOCX's all the same.
    doc = read(f"vju-840-pl1-2025.{fmt}")
    tasks = by_ref(doc)
    assert [s.title for s in doc.sections] == ["Học kỳ 1", "Học kỳ 2", "Học kỳ hè"]
    assert tasks["1"].lead == ("Phòng Đào tạo &CTSV", "Các Khoa")
    assert tasks["1"].title == "Xây dựng thời khóa biểu"
    assert due(tasks["1"]) == date(2025, 8, 27) and due(tasks["4"]) == date(2025, 8, 28)
    assert tasks["5a"].title.startswith("Gửi danh sách sinh viên đã nhập học")
    assert due(tasks["5a"]) == date(2025, 9, 2)
    assert due(tasks["17"]) == date(2025, 12, 31)
    reference = by_ref(read("vju-840-pl1-2025.docx"))
    same = [r for r in reference if r in tasks and due(tasks[r]) == due(reference[r])]
    assert len(same) >= 30  # of 37; the rest are flagged for checking, never dropped silently
    if fmt == "txt":
        assert any("đọc từ bản chữ" in w for w in doc.warnings)


def test_plain_text_whose_table_cells_were_interleaved_is_refused_with_what_to_send():
    with pytest.raises(PlanReadError, match=r"rời hoặc trộn các ô.*PDF hoặc DOCX"):
        read("vju-kh50-2026.txt")
    # Its body still reads; the table it could not is named among the warnings.
    doc = read("btnmt-qd59-2024.txt")
    assert any("rời hoặc trộn các ô" in w for w in doc.warnings)


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_a_body_task_whose_lead_names_a_field_and_whose_coordinators_run_on_a_dashed_line(fmt):
    # "Đơn vị chủ trì: Vụ Các vấn đề chung về xây dựng pháp luật." — "xây dựng" here is part of
    # the name, not what the unit does; "Vụ Tổ chức ⏎ - cán bộ, Vụ Phổ biến, …" is one list.
    task = by_ref(read(f"btp-qd173-2015.{fmt}"))["8.b"]
    assert task.lead == ("Vụ Các vấn đề chung về xây dựng pháp luật",)
    # Each unit on its own ("Vụ Phổ biến, giáo dục pháp luật" stays one: no unit after its comma).
    assert task.coordinators[:3] == (
        "Văn phòng Bộ",
        "Vụ Tổ chức cán bộ",
        "Vụ Phổ biến, giáo dục pháp luật",
    )
    assert task.coordinators[-1] == "Cục Kiểm soát thủ tục hành chính"
    assert len(task.coordinators) == 10


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_the_units_of_to_chuc_thuc_hien_each_get_their_numbered_duties(fmt):
    tasks = by_ref(read(f"btnmt-qd59-2024.{fmt}"))
    heads = ("Thủ trưởng các đơn vị trực thuộc Bộ theo chức năng, nhiệm vụ được giao",)
    # "2. Thủ trưởng … chịu trách nhiệm thực hiện các nhiệm vụ sau:" then "2.1. …", "2.2. …"
    first = tasks["III.2.1"]
    assert first.lead == heads and first.title.startswith("Xây dựng Chương trình công tác năm")
    assert due(first) == date(2024, 1, 24)  # "ban hành trước ngày 25 tháng 01 năm 2024"
    assert not any("nhiệm vụ sau" in t.title for t in tasks.values())
    # The verb ends the unit's name: "Vụ Kế hoạch - Tài chính tổng hợp định kỳ …".
    assert tasks["III.7"].lead == ("Vụ Kế hoạch - Tài chính",)
    assert tasks["III.7"].title.startswith("Tổng hợp định kỳ kết quả")
    assert tasks["III.6"].lead[0].startswith("Tổ Công tác được thành lập")
    # The extractor split "đẩy m ạnh" in the txt: rejoined (plans/extracted.py).
    media = tasks["III.4.1"]
    assert media.lead == ("Trung tâm Truyền thông TN&MT, Báo TN&MT và các đơn vị liên quan",)
    assert media.title.startswith("Đẩy mạnh công tác truyền thông")
    if fmt != "txt":  # "chịu trách nhi ệm" there: a split after a vowel is not rejoined
        assert tasks["III.1"].lead[0].startswith("Các đồng chí Lãnh đạo Bộ")


@pytest.mark.parametrize("fmt", ["orig.pdf", "txt"])
def test_sub_rows_continued_on_the_next_page_stay_under_their_row(fmt):
    # Row 9's merged number and dates end on page 1; 9e and 9f continue on page 2 under the
    # repeated header, with no number and no date — data, not a second header row. As plain
    # text, "9" and its dates come after the rows they span (9 to 9d), then the header again.
    tasks = by_ref(read(f"vju-840-pl1-2025.{fmt}"))
    assert tasks["9"].title == "Tuần lễ hội nhập (**)"
    assert tasks["9"].lead == ("Phòng Đào tạo &CTSV", "Các Khoa")
    assert tasks["9d"].lead == ("Chương trình Giáo dục tiếng Nhật",)
    assert tasks["9e"].title.startswith("Thi phân loại trình độ ngoại ngữ tiếng Anh")
    assert tasks["9e"].lead == ("Phòng Đào tạo &CTSV",)
    assert tasks["9f"].lead == ("Các Khoa",)
    assert due(tasks["9f"]) == date(2025, 9, 14)  # the dates of row 9
    assert "0a" not in tasks


@pytest.mark.parametrize(
    ("name", "kind", "title"),
    [
        ("vju-kh50-2026.orig.pdf", "Kế hoạch",
         "TRIỂN KHAI CÁC HOẠT ĐỘNG ĐẢM BẢO CHẤT LƯỢNG CỦA TRƯỜNG ĐẠI HỌC VIỆT NHẬT NĂM 2026"),
        ("vju-tb984-2023.orig.pdf", "Thông báo",
         "Nộp chứng chỉ ngoại ngữ xét công nhận chuẩn đầu ra, chuyển đổi điểm học phần ngoại "
         "ngữ đối với sinh viên khóa VJU2023"),
        ("ldtbxh-cv2638-2019.txt", "Công văn",
         "Xây dựng dự toán ngân sách trung ương thực hiện Pháp lệnh ưu đãi NCC với cách mạng "
         "năm 2020 và kế hoạch tài chính - NSNN 03 năm 2020-2022"),
        ("btnmt-qd59-2024.docx", "Quyết định", None),
    ],
)  # fmt: skip
def test_each_document_says_what_it_is_and_what_about(name, kind, title):
    doc = read(name)
    assert doc.kind == kind
    if title is not None:
        assert doc.title == title
    else:
        assert doc.title.startswith("BAN HÀNH CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA NGÀNH TÀI NGUYÊN")


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
@pytest.mark.parametrize(
    ("stem", "subject"),
    [("hcm-qd49-2012", "BAN HÀNH QUY CHẾ QUẢN LÝ KINH PHÍ CHI THỰC HIỆN CHÍNH SÁCH ƯU ĐÃI"),
     ("tuyenquang-qd986-2024", "BAN HÀNH KẾ HOẠCH THỜI GIAN NĂM HỌC 2024-2025")],
)  # fmt: skip
def test_a_decision_is_about_what_it_decides_in_every_format(stem, subject, fmt):
    # "QUYẾT ĐỊNH" ⏎ (blank) ⏎ "BAN HÀNH …" ⏎ "ỦY BAN NHÂN DÂN …" (who decides) ⏎ "Căn cứ …":
    # the subject, neither empty nor run on into the authority or the regulation it issues.
    doc = read(f"{stem}.{fmt}")
    assert doc.title.startswith(subject)
    assert "ỦY BAN NHÂN DÂN" not in doc.title and "Điều 1" not in doc.title


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "txt"])
def test_a_decisions_deadlines_are_not_handed_to_the_authorities_it_reports_to(fmt):
    # Nơi nhận: "- Bộ Giáo dục và Đào tạo; (báo cáo)", "- Thường trực Tỉnh uỷ; (báo cáo)" …:
    # a decision's recipients above it are told, not asked; the office says who acts.
    doc = read(f"tuyenquang-qd986-2024.{fmt}")
    assert doc.deadlines and all(d.applies_to == () for d in doc.deadlines)


@pytest.mark.parametrize("name", sorted(p.stem for p in REALDOCS.glob("*.html")))
def test_a_document_saved_as_a_web_page_reads_as_its_docx(name):
    # The HTML is the page the DOCX and PDF were made from: who, what and when alike, to the
    # warnings and the columns taken.
    try:
        page = read(f"{name}.html").to_json(TODAY)
    except PlanReadError as error:
        with pytest.raises(PlanReadError, match=str(error).split(": ", 1)[1][:40]):
            read(f"{name}.docx")
        return
    assert page == read(f"{name}.docx").to_json(TODAY)
