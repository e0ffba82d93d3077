"""The office hands the bot a plan as text extracted from a PDF; the bot shows what it read."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from plans.agencies import split_agencies
from plans.text import parse_plan_text

SEEDS = Path(__file__).parent / "data" / "seeds"
TODAY = date(2026, 11, 23)
SEED_000 = (SEEDS / "000_1e4b81b5c3e88a0d.txt").read_text(encoding="utf-8")
SEED_004 = (SEEDS / "004_66d166af538caf9b.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan_000() -> dict:
    return parse_plan_text(SEED_000, TODAY).to_json(TODAY)


@pytest.fixture(scope="module")
def plan_004() -> dict:
    return parse_plan_text(SEED_004, TODAY).to_json(TODAY)


def task(plan: dict, ref: str) -> dict:
    return next(t for t in plan["tasks"] if t["ref"] == ref)


def appendix(plan: dict) -> list[dict]:
    return [t for t in plan["tasks"] if not t["ref"].startswith(("III.", "IV."))]


class TestSeed000TaskTable:
    def test_exactly_the_tasks_of_the_appendix_with_the_numbering_as_written(self, plan_000):
        refs = [t["ref"] for t in appendix(plan_000)]
        assert refs == ["1.1", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9"]

    def test_the_section_headings_are_kept(self, plan_000):
        assert plan_000["sections"][2:] == [
            {"ref": "1", "title": "Công tác tuyên truyền, quán triệt, phổ biến Kết luận số "
                                  "91-KL/TW ngày 12/8/2024 của Bộ Chính trị"},
            {"ref": "2", "title": "Triển khai các nhiệm vụ, giải pháp về đổi mới căn bản, toàn "
                                  "diện giáo dục và đào tạo"},
        ]  # fmt: skip
        assert {t["section"] for t in appendix(plan_000)} == {"1", "2"}


class TestSeed000SchoolsDuties:
    """Section III ("Tổ chức thực hiện") gives the schools their own work and a report cycle."""

    def test_each_unit_of_section_three_is_a_section_with_its_duties(self, plan_000):
        assert plan_000["sections"][:2] == [
            {"ref": "III.1", "title": "Sở Giáo dục và Đào tạo"},
            {"ref": "III.2", "title": "Các trường THPT, đơn vị trực thuộc"},
        ]

    def test_the_schools_build_and_carry_out_their_own_plan(self, plan_000):
        own = task(plan_000, "III.2.1")
        assert own["lead"] == ["Các trường THPT", "đơn vị trực thuộc"]
        assert own["title"].startswith("Xây dựng kế hoạch, tổ chức nghiên cứu, triển khai")
        assert own["timeline"]["kind"] == "continuous"  # no date: ongoing, checked in on
        assert "không nêu" in own["extra"]["Thời hạn"]

    def test_the_schools_report_by_the_default_regime_of_decree_09_2019(self, plan_000):
        report = task(plan_000, "III.2.2")
        assert report["title"] == "Thực hiện chế độ báo cáo Sở Giáo dục và Đào tạo theo quy định"
        assert report["lead"] == ["Các trường THPT", "đơn vị trực thuộc"]
        assert report["timeline"]["kind"] == "recurring"
        # Read from the plan's earliest date (30/12/2024): the first half-year's report first.
        assert report["timeline"]["next_due"] == ["2025-06-15", "2025-12-15", "2026-06-15"]
        assert "09/2019" in report["extra"]["Chế độ báo cáo"]

    def test_the_department_reports_to_the_city_the_same_way(self, plan_000):
        assert task(plan_000, "III.1.3")["timeline"]["kind"] == "recurring"
        assert task(plan_000, "III.1.1")["lead"] == ["Sở Giáo dục và Đào tạo"]

    def test_a_title_cut_by_a_page_break_is_rejoined_whole(self, plan_000):
        assert task(plan_000, "2.1")["title"] == (
            "Nâng cao hiệu quả quản lý nhà nước về giáo dục và đào tạo, nghiên cứu đề xuất "
            "thành phố ban hành cơ chế chính sách hỗ trợ, tiếp tục đẩy mạnh thực hiện đổi mới "
            "căn bản, toàn diện giáo dục đào đáp ứng yêu cầu xây dựng và phát triển thành phố "
            "trong giai đoạn mới"
        )
        assert task(plan_000, "1.3")["title"] == (
            "Tiếp tục tuyên truyền quán triệt sâu rộng và hiệu quả hơn về mục tiêu, yêu cầu, "
            "nội dung đổi mới giáo dục và đào tạo"
        )

    @pytest.mark.parametrize(
        ("ref", "lead", "coordinators"),
        [
            ("1.1", ["Các sở ngành địa phương"], []),
            ("2.1", ["Sở Giáo dục và Đào tạo"], ["Các Sở, ngành, địa phương liên quan"]),
            ("2.3", ["Sở Lao động, Thương binh và Xã hội"],
             ["Các sở, ngành, địa phương liên quan"]),
            ("2.4", ["Trường Đại học Hải Phòng"], ["Các sở, ngành, địa phương liên quan"]),
            ("2.5", ["Sở Xây dựng", "UBND quận huyện"], ["Các sở, ngành, địa phương liên quan"]),
            ("2.7", ["Sở Giáo dục và Đào tạo", "UBND quận huyện"],
             ["Sở Nội vụ", "Trường Đại học Hải Phòng"]),
            ("2.8", ["Sở Tài chính"],
             ["Sở Kế hoạch và Đầu tư", "các sở, ngành, địa phương liên quan"]),
            ("2.9", ["Sở Giáo dục và Đào tạo", "Sở Lao động, Thương binh và Xã hội"],
             ["Các Sở, ngành liên quan"]),
        ],
    )  # fmt: skip
    def test_lead_and_coordinating_units_are_separated(self, plan_000, ref, lead, coordinators):
        row = task(plan_000, ref)
        assert (row["lead"], row["coordinators"]) == (lead, coordinators)

    def test_each_timeline_is_parsed(self, plan_000):
        first = task(plan_000, "1.1")["timeline"]
        assert (first["text"], first["kind"], first["due"]) == (
            "Hoàn thành trong Quý IV/2024", "once", "2024-12-31"
        )  # fmt: skip
        for ref in ("1.3", "2.1", "2.5", "2.9"):
            timeline = task(plan_000, ref)["timeline"]
            assert (timeline["text"], timeline["kind"]) == ("Hàng năm", "recurring")
            # No date of issue: read from the latest date the plan cites (30/12/2024).
            assert timeline["next_due"][0] == "2024-12-31"

    def test_a_plan_without_number_or_date_says_so(self, plan_000):
        assert plan_000["plan"]["number"] == "" and plan_000["plan"]["issued_on"] is None
        assert any("số kế hoạch" in w for w in plan_000["warnings"])
        assert any(
            "ngày ban hành" in w and "không thể sớm hơn ngày 30/12/2024" in w
            for w in plan_000["warnings"]
        )
        assert plan_000["plan"]["title"].startswith("thực hiện Kết luận số 91-KL/TW")
        assert plan_000["plan"]["title"].endswith("hội nhập quốc tế”")

    def test_recipients(self, plan_000):
        assert plan_000["recipients"] == [
            "Các phòng CMNV Sở GDĐT", "Trường THPT, PT nhiều cấp", "Đơn vị trực thuộc"
        ]  # fmt: skip


class TestSeed004ConferencePlan:
    def test_the_plans_details(self, plan_004):
        assert plan_004["plan"] == {
            "number": "496/KH-SGDĐT",
            "issued_on": "2025-01-24",
            "issuer": "Sở Giáo dục và Đào tạo",
            "title": "Phối hợp tổ chức Hội nghị quán triệt, triển khai thực hiện Kết luận "
            "91-KL/TW ngày 12/8/2024, Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị "
            "và Chiến lược phát triển Giáo dục đến năm 2030, tầm nhìn đến năm 2045",
            "kind": "Kế hoạch",
        }

    def test_the_districts_data_deadline_with_its_year_typo_flagged(self, plan_004):
        [deadline] = plan_004["deadlines"]
        assert deadline["applies_to"] == ["Các quận, huyện"]
        assert "Trưởng phòng GDĐT" in deadline["sentence"]
        assert deadline["timeline"]["text"] == "trước ngày 05/02/2024"
        assert deadline["timeline"]["due"] == "2024-02-04"
        assert "có lẽ là 05/02/2025" in deadline["timeline"]["warnings"][0]
        assert any("có lẽ là 05/02/2025" in w for w in plan_004["warnings"])

    def test_the_conference_is_an_event_from_14h_to_17h(self, plan_004):
        [event] = plan_004["events"]
        assert event["timeline"]["start"] == "2025-02-06T14:00:00"
        assert event["timeline"]["end"] == "2025-02-06T17:00:00"
        assert event["timeline"]["warnings"] == []  # 06/02/2025 is indeed a Thursday

    def test_the_appendix_is_a_form_with_typed_questions(self, plan_004):
        assert plan_004["form"] == {
            "title": "Thông tin về các điểm cầu cơ sở",
            "fields": [
                {"label": "Số lượng điểm cầu", "type": "number"},
                {"label": "Các địa điểm đặt điểm cầu (ghi tên địa điểm)", "type": "text"},
                {"label": "Tên các đơn vị tại điểm cầu", "type": "text"},
                {"label": "Số lượng CBQL, GV tại từng điểm cầu", "type": "number"},
            ],
        }

    def test_the_duties_of_section_four_are_due_by_the_conference(self, plan_004):
        refs = [t["ref"] for t in plan_004["tasks"]]
        assert refs == ["IV.1.1", "IV.1.2", "IV.1.3", "IV.1.4", "IV.1.5", "IV.2", "IV.3.1",
                        "IV.3.2"]  # fmt: skip
        assert task(plan_004, "IV.1.5")["title"] == "Mời các cơ quan báo chí dự Hội nghị"
        assert task(plan_004, "IV.1.5")["lead"] == ["Văn phòng Sở"]
        # A unit named over three lines, four kinds of head.
        assert task(plan_004, "IV.3.1")["lead"] == [
            "Trưởng phòng GDĐT quận, huyện",
            "Hiệu trưởng các trường THPT, Phổ thông có nhiều cấp học",
            "Giám đốc trung tâm GDTX-GDNN quận, huyện",
            "Thủ trưởng đơn vị trực thuộc",
        ]
        placing = task(plan_004, "IV.3.1")["title"]
        assert placing == "Bố trí các điểm cầu tại cơ sở theo đúng yêu cầu"
        assert {t["timeline"]["due"] for t in plan_004["tasks"]} == {"2025-02-06"}

    def test_recipients_without_the_archive_line_nor_those_only_informed(self, plan_004):
        # "Bộ GDĐT (để báo cáo)", "UBND thành phố (để báo cáo)": told of the conference, not
        # invited to it nor asked to map.
        assert plan_004["recipients"][:2] == ["Ban Giám đốc Sở", "Trưởng các phòng cơ quan Sở"]
        assert "TT GDNN-GDTX quận, huyện" in plan_004["recipients"]
        assert not any(r.startswith(("Lưu", "Bộ GDĐT", "UBND")) for r in plan_004["recipients"])
        assert len(plan_004["recipients"]) == 7


def test_the_json_has_exactly_the_contracts_keys(plan_000, plan_004):
    for plan in (plan_000, plan_004):
        assert list(plan) == ["plan", "sections", "tasks", "deadlines", "events", "form", "columns",
                              "recipients", "warnings"]  # fmt: skip
        assert list(plan["plan"]) == ["number", "issued_on", "issuer", "title", "kind"]
    assert list(appendix(plan_000)[0]) == ["ref", "section", "title", "lead", "coordinators",
                                           "timeline"]  # fmt: skip
    # Columns with no role, or how a date was decided, are kept beside the task.
    assert list(task(plan_000, "III.2.2")) == ["ref", "section", "title", "lead",
                                               "coordinators", "timeline", "extra"]  # fmt: skip
    assert list(plan_004["deadlines"][0]) == ["sentence", "applies_to", "timeline"]
    assert list(plan_004["events"][0]) == ["sentence", "timeline"]


@pytest.mark.parametrize(
    ("cell", "agencies"),
    [
        ("Sở Xây dựng, UBND quận huyện", ("Sở Xây dựng", "UBND quận huyện")),
        ("Sở Lao động, Thương binh và Xã hội;", ("Sở Lao động, Thương binh và Xã hội",)),
        ("Sở Kế hoạch và Đầu tư; các sở, ngành", ("Sở Kế hoạch và Đầu tư", "các sở, ngành")),
        ("", ()),
    ],
)
def test_splitting_a_cell_into_agencies(cell, agencies):
    assert split_agencies(cell) == agencies


runner = CliRunner()


def test_plan_import_json_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "kh496.txt"
    plan.write_text(SEED_004, encoding="utf-8")
    result = runner.invoke(app, ["plan", "import", str(plan), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plan"]["number"] == "496/KH-SGDĐT"
    readable = runner.invoke(app, ["plan", "import", str(plan)])
    assert "Nothing saved." in readable.stdout and "Biểu mẫu" in readable.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kh.pages", b"PK\x03\x04", "định dạng không hỗ trợ"),
        ("kh.docx", b"PK\x03\x04", "không đọc được tệp DOCX"),
        ("empty.txt", b"   \n", "tệp rỗng"),
        (
            "latin1.txt",
            "Kế hoạch".encode("cp1258", errors="replace") + b"\xff\xfe",
            "không phải văn bản UTF-8",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_one_clear_message(
    tmp_path, monkeypatch, name, content, message
):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["plan", "import", str(path), "--today", "2025-01-24"])
    assert result.exit_code == 2
    assert message in result.stderr


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.sampled_from([SEED_000[:3000], SEED_004[-2500:], ""]))
def test_garbage_never_crashes_the_reader(noise, base):
    parse_plan_text(base + noise, TODAY).to_json(TODAY)


REGULATION = """\
UBND TỈNH LÀO CAI
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 12/QĐ-SGDĐT
Lào Cai, ngày 10 tháng 01 năm 2025
QUY CHẾ
Chế độ thông tin, báo cáo của ngành Giáo dục
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định chế độ báo cáo định kỳ của các đơn vị trực thuộc Sở.
Điều 5. Báo cáo định kỳ
1. Các trường THPT gửi báo cáo tháng về Sở trước ngày 22 hàng tháng.
2. Phòng GDĐT các huyện gửi báo cáo quý chậm nhất 15 ngày kể từ ngày kết thúc quý.
3. Báo cáo năm của các đơn vị gửi trước ngày 10/01 của năm liền kề năm báo cáo.
Điều 7. Hiệu lực thi hành
Quy chế này có hiệu lực kể từ ngày ký.
"""


def test_a_regulations_articles_set_report_cycles_for_whom_each_clause_names():
    doc = parse_plan_text(REGULATION, date(2025, 1, 10))
    assert doc.title == "Chế độ thông tin, báo cáo của ngành Giáo dục"  # not its articles
    cycles = {d.applies_to: d.timeline.timeline for d in doc.deadlines}
    # The article's heading is not the subject of its first clause.
    monthly = cycles[("Các trường THPT",)]
    assert monthly.next_due(date(2025, 2, 1), 1) == [date(2025, 2, 21)]
    # "15 ngày kể từ ngày kết thúc quý": each quarter, after its end — not a day after an event.
    quarterly = cycles[("Phòng GDĐT các huyện",)]
    assert quarterly.next_due(date(2025, 2, 1), 2) == [date(2025, 4, 15), date(2025, 7, 15)]
    # "trước ngày 10/01 của năm liền kề năm báo cáo": every year, for the year before.
    [yearly] = [t for t in cycles.values() if t.recurrence and t.recurrence.freq == "yearly"]
    assert yearly.next_due(date(2025, 2, 1), 1) == [date(2026, 1, 9)]
    assert not any("sự kiện" in w for w in doc.warnings)


EVENT_DUTIES = """\
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 301/KH-SGDĐT
Ninh Bình, ngày 03 tháng 3 năm 2025
KẾ HOẠCH
Tổ chức Ngày hội đọc sách năm 2025
II. NỘI DUNG
1. Thời gian: Ngày hội diễn ra vào ngày 21/4/2025.
III. TỔ CHỨC THỰC HIỆN
1. Phòng Giáo dục Trung học: chủ trì tổ chức Ngày hội.
2. Các trường THPT:
- Đăng ký tham gia (theo mẫu) gửi về Sở trước ngày 25/3/2025;
- Báo cáo kết quả tại đơn vị trong vòng 07 ngày sau khi kết thúc Ngày hội.
"""


def test_a_units_duty_counted_from_the_plans_event_is_dated_by_it():
    doc = parse_plan_text(EVENT_DUTIES, date(2025, 3, 3))
    tasks = {t.ref: t for t in doc.tasks}
    # "trong vòng 07 ngày sau khi kết thúc Ngày hội": 7 days after 21/04, not "thường xuyên".
    report = tasks["III.2.2"].timeline.timeline
    assert report is not None and report.due == date(2025, 4, 28)
    assert any("III.2.2" in w and "21/04/2025" in w for w in doc.warnings)
    # A plan for one happening: what it leaves undated is due by its day.
    assert tasks["III.1"].timeline.timeline.due == date(2025, 4, 21)
    assert tasks["III.2.1"].timeline.timeline.due == date(2025, 3, 24)
