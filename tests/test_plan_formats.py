"""Plans arrive as DOCX, PDF, or the office's Excel/CSV template; bad files get one message."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from db.models import ChecklistItem, Task
from db.registry import import_sample
from db.session import session_scope
from plans.reader import MAX_BYTES, read_plan_bytes, read_plan_file
from plans.store import save_plan
from plans.tables import PlanReadError
from plans.template import write_template
from tests.plan_fixtures import docx_000, docx_004, docx_plan

DATA = Path(__file__).parent / "data"
TODAY = date(2025, 1, 10)
REFS_000 = ["1.1", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9"]


def by_ref(doc) -> dict:  # type: ignore[no-untyped-def]
    return {t.ref: t for t in doc.tasks}


def test_a_docx_plan_with_a_real_table(tmp_path):
    doc = read_plan_file(docx_000(tmp_path / "kh91.docx"), TODAY)
    assert (doc.number, doc.issued_on) == ("91/KH-SGDĐT", date(2025, 1, 10))
    assert [t.ref for t in doc.tasks] == REFS_000
    assert [s.ref for s in doc.sections] == ["1", "2"]
    assert doc.sections[1].title.startswith("Triển khai các nhiệm vụ")
    tasks = by_ref(doc)
    assert tasks["2.5"].lead == ("Sở Xây dựng", "UBND quận huyện")
    assert tasks["2.3"].lead == ("Sở Lao động, Thương binh và Xã hội",)
    assert tasks["2.8"].coordinators == ("Sở Kế hoạch và Đầu tư",
                                         "các sở, ngành, địa phương liên quan")  # fmt: skip
    assert tasks["1.1"].timeline.timeline.due == date(2024, 12, 31)
    assert doc.recipients == ["Trường THPT, PT nhiều cấp", "Đơn vị trực thuộc"]


def test_a_docx_conference_plan_with_its_form(tmp_path):
    doc = read_plan_file(docx_004(tmp_path / "kh496.docx"), TODAY)
    assert doc.number == "496/KH-SGDĐT"
    [deadline] = doc.deadlines
    assert deadline.applies_to == ("Các quận, huyện",)
    assert deadline.timeline.timeline.due == date(2024, 2, 4)
    assert any("có lẽ là 05/02/2025" in w for w in doc.warnings)
    [event] = doc.events
    assert event.timeline.timeline.start.isoformat() == "2025-02-06T14:00:00"
    assert doc.form is not None and doc.form.title == "Thông tin về các điểm cầu cơ sở"
    assert [(f.label, f.type) for f in doc.form.fields] == [
        ("Số lượng điểm cầu", "number"),
        ("Các địa điểm đặt điểm cầu (ghi tên địa điểm)", "text"),
        ("Tên các đơn vị tại điểm cầu", "text"),
        ("Số lượng CBQL, GV tại từng điểm cầu", "number"),
    ]


def test_a_pdf_whose_table_runs_over_several_pages():
    doc = read_plan_file(DATA / "plan_000.pdf", TODAY)
    assert (doc.number, doc.issued_on) == ("91/KH-SGDĐT", date(2025, 1, 10))
    assert [s.ref for s in doc.sections] == ["1", "2", "3"]
    assert [t.ref for t in doc.tasks][:11] == REFS_000 and len(doc.tasks) == 20
    tasks = by_ref(doc)
    assert tasks["2.1"].title.endswith("phát triển thành phố trong giai đoạn mới")
    assert tasks["3.7"].coordinators == ("Sở Nội vụ", "Trường Đại học Hải Phòng")


def test_a_pdf_without_ruled_tables_is_read_as_its_text():
    doc = read_plan_file(DATA / "plan_004_text.pdf", TODAY)
    assert doc.number == "496/KH-SGDĐT" and len(doc.events) == 1


class TestTheOfficesTemplate:
    def test_the_written_xlsx_template_reads_back(self, tmp_path):
        doc = read_plan_file(write_template(tmp_path / "mau.xlsx"), TODAY)
        assert (doc.number, doc.issued_on) == ("123/KH-SGDĐT", date(2026, 1, 24))
        tasks = by_ref(doc)
        assert list(tasks) == ["1.1", "1.2", "2.1"]
        assert tasks["1.1"].lead == ("Các trường THPT, PT nhiều cấp",)
        assert tasks["1.2"].report_day == "15/12"
        assert tasks["1.2"].timeline.timeline.next_due(date(2026, 1, 24), 1) == [date(2026, 12, 15)]
        assert tasks["2.1"].checklist == ("Bố trí phòng họp", "Kiểm tra đường truyền",
                                          "Gửi danh sách dự")  # fmt: skip

    def test_the_csv_template_reads_back(self, tmp_path):
        doc = read_plan_file(write_template(tmp_path / "mau.csv"), TODAY)
        assert [t.ref for t in doc.tasks] == ["1.1", "1.2", "2.1"]
        assert any("số kế hoạch" in w for w in doc.warnings)

    def test_applying_it_saves_the_checklist_and_report_day(self, sessions, tmp_path):
        doc = read_plan_file(write_template(tmp_path / "mau.xlsx"), TODAY)
        with session_scope(sessions) as session:
            import_sample(session)
            save_plan(session, doc, "mau.xlsx", "h", TODAY)
        with sessions() as session:
            task = session.scalar(select(Task).where(Task.ref == "2.1"))
            labels = session.scalars(
                select(ChecklistItem.label).where(ChecklistItem.task_id == task.id)
                .order_by(ChecklistItem.position)
            ).all()  # fmt: skip
            assert labels == ["Bố trí phòng họp", "Kiểm tra đường truyền", "Gửi danh sách dự"]
            report = session.scalar(select(Task).where(Task.ref == "1.2"))
            assert report.policy == {"report_day": "15/12"}

    def test_plan_template_command(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(app, ["plan", "template"])
        assert result.exit_code == 0 and (tmp_path / "mau-ke-hoach.xlsx").is_file()


def _truncated(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("kh.pages", lambda tmp: b"anything", "định dạng không hỗ trợ"),
        ("kh.odt", lambda tmp: b"PK\x03\x04 not an OpenDocument", "LibreOffice không đọc được"),
        ("kh.docx", lambda tmp: b"", "tệp rỗng"),
        ("kh.docx", lambda tmp: b"\x00\x01 random bytes " * 50, "không đọc được tệp DOCX"),
        ("kh.docx", lambda tmp: _truncated(docx_000(tmp / "a.docx")), "không đọc được tệp DOCX"),
        ("kh.pdf", lambda tmp: b"%PDF-1.4 garbage " * 20, "không đọc được tệp PDF"),
        ("kh.pdf", lambda tmp: _truncated(DATA / "plan_000.pdf"), "không đọc được tệp PDF"),
        ("kh.xlsx", lambda tmp: b"PK\x03\x04 not a workbook", "không đọc được tệp Excel"),
        ("kh.xlsx", lambda tmp: _truncated(write_template(tmp / "m.xlsx")),
         "không đọc được tệp Excel"),
        ("kh.txt", lambda tmp: "Kế hoạch".encode("utf-16"), "không phải văn bản UTF-8"),
        ("kh.txt", lambda tmp: "Một văn bản không có thời hạn nào.".encode(), "không tìm thấy"),
        ("kh.csv", lambda tmp: "Tên,Ghi chú\nA,B\n".encode(), "Không thấy dòng tiêu đề bảng"),
    ],
)  # fmt: skip
def test_each_bad_file_is_one_clear_message(tmp_path, name, make, message):
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(make(tmp_path), name, TODAY)
    assert message in str(caught.value)


def test_a_table_with_missing_columns_is_named(tmp_path):
    path = docx_plan(tmp_path / "x.docx", ["KẾ HOẠCH", "Thử"], ["TT", "Nhiệm vụ", "Ghi chú"],
                     [["1.1", "Việc", ""]])  # fmt: skip
    with pytest.raises(PlanReadError, match="thiếu cột: Cơ quan chủ trì, Thời gian thực hiện"):
        read_plan_file(path, TODAY)


def test_an_encrypted_pdf_asks_for_an_unlocked_copy():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Ke hoach")
    pdf.set_encryption(owner_password="office", user_password="secret")
    with pytest.raises(PlanReadError, match="mật khẩu"):
        read_plan_bytes(bytes(pdf.output()), "locked.pdf", TODAY)


def test_a_file_over_the_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.seek(MAX_BYTES)
        handle.write(b"x")
    with pytest.raises(PlanReadError, match="lớn hơn 20 MB"):
        read_plan_file(big, TODAY)


def test_a_failed_import_from_the_command_line_changes_nothing(
    engine, db_url, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "kh.docx"
    broken.write_bytes(io.BytesIO(b"\x00" * 100).getvalue())
    result = CliRunner().invoke(app, ["plan", "import", str(broken), "--apply"],
                                env={"DATABASE_URL": db_url})  # fmt: skip
    assert result.exit_code == 2 and "Cannot import" in result.output
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        assert session.scalars(select(Task)).all() == []


def test_an_xlsx_made_from_seed_000_reads_like_the_pdf(tmp_path):
    from openpyxl import Workbook

    from tests.plan_fixtures import HEADER_000, ROWS_000

    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiệm vụ"
    sheet.append(HEADER_000)
    for row in ROWS_000:
        sheet.append(row)
    details = book.create_sheet("Kế hoạch")
    details.append(["Số", "91/KH-SGDĐT"])
    details.append(["Ngày ban hành", "10/01/2025"])
    book.save(tmp_path / "kh91.xlsx")
    doc = read_plan_file(tmp_path / "kh91.xlsx", TODAY)
    assert [t.ref for t in doc.tasks] == REFS_000
    assert by_ref(doc)["2.5"].lead == ("Sở Xây dựng", "UBND quận huyện")
    assert doc.number == "91/KH-SGDĐT" and doc.issued_on == date(2025, 1, 10)


def test_an_unreadable_timeline_is_kept_with_its_text_and_flagged(tmp_path):
    path = tmp_path / "kh.csv"
    path.write_text(
        "TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian thực hiện\n"
        "1.1,Tổng kết,Đơn vị trực thuộc,,đầu năm 2025\n",
        encoding="utf-8",
    )
    doc = read_plan_file(path, TODAY)
    [task] = doc.tasks
    assert task.timeline.timeline is None and task.timeline.text == "đầu năm 2025"
    assert any("1.1: không đọc được thời hạn 'đầu năm 2025'" in w for w in doc.warnings)
    assert doc.to_json(TODAY)["tasks"][0]["timeline"] == {
        "text": "đầu năm 2025", "error": "Thời hạn không cụ thể: 'đầu năm 2025'"
    }  # fmt: skip


def test_the_preview_flags_only_what_it_could_not_read(tmp_path):
    plan = docx_plan(
        tmp_path / "kh1520.docx",
        ["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 1520/KH-SGDĐT", "Hà Tĩnh, ngày 12 tháng 8 năm 2025",
         "KẾ HOẠCH", "Chuẩn bị năm học 2025-2026"],
        ["STT", "Nội dung công việc", "Thời gian", "Đơn vị thực hiện"],
        [["1", "Tổ chức khai giảng năm học mới", "Ngày 05/9/2025", "Các trường"],
         ["2", "Kiểm tra nề nếp", "Thường xuyên", "Các trường"],
         ["3", "Tổng kết", "Sau khi có hướng dẫn của Bộ", "Các trường"]],
    )  # fmt: skip
    result = CliRunner().invoke(app, ["plan", "import", str(plan)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()}  # fmt: skip
    # A happening shows its day and ongoing work says so: neither is a problem to flag.
    assert "sự kiện 2025-09-05" in rows["1"] and "⚠" not in rows["1"]
    assert "thường xuyên" in rows["2"] and "⚠" not in rows["2"]
    assert "⚠" in rows["3"]  # after something undated: the office must give the day


def test_an_office_spreadsheet_takes_its_heading_rows_as_the_plans_header(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO"])
    sheet.append(["Số: 88/KH-SGDĐT", None, "Hà Nam, ngày 01 tháng 12 năm 2025"])
    sheet.append(["KẾ HOẠCH CÔNG TÁC THÁNG 12/2025"])
    sheet.append([])
    sheet.append(["STT", "Công việc", "Đơn vị/Người thực hiện", "Thời hạn", "Ghi chú"])
    sheet.append([1, "Kiểm tra nội bộ các trường", "Thanh tra Sở", "Tuần 2-3 tháng 12", ""])
    path = tmp_path / "ct12.xlsx"
    book.save(path)
    doc = read_plan_file(path, TODAY)
    # The rows above the table are the sheet's header: its number, date and title.
    assert (doc.number, doc.issued_on) == ("88/KH-SGDĐT", date(2025, 12, 1))
    assert doc.title.upper() == "CÔNG TÁC THÁNG 12/2025"
    [task] = doc.tasks
    window = task.timeline.timeline
    assert (window.start, window.due) == (date(2025, 12, 8), date(2025, 12, 21))  # weeks 2–3
