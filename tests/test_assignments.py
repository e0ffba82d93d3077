"""Who does what, said unit by unit at the end of a plan ("Tổ chức thực hiện") or article by
article in a regulation; what "chế độ báo cáo theo quy định" means is the office's regime."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from cli.main import app
from config.settings import ConfigError, load_settings
from plans.assignments import DEFAULT_REGIME, RegimeError, regime_of, use_regime
from plans.text import parse_plan_text

TODAY = date(2025, 3, 1)
HEAD = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/KH-SGDĐT\nHà Nội, ngày 10 tháng 01 năm 2025\n"


def plan(body: str):  # type: ignore[no-untyped-def]
    return parse_plan_text(HEAD + body, TODAY)


def by_ref(doc) -> dict:  # type: ignore[no-untyped-def]
    return {t.ref: t for t in doc.tasks}


@pytest.mark.parametrize(
    "section",
    [
        # A heading line, the duty below it.
        "IV. TỔ CHỨC THỰC HIỆN\n1. Phòng GDĐT các quận, huyện\nTổng hợp số liệu, gửi báo "
        "cáo về Sở trước ngày 20/3/2025.\n",
        # A label and a colon.
        "IV. TỔ CHỨC THỰC HIỆN\n1. Phòng GDĐT các quận, huyện: tổng hợp số liệu, gửi báo cáo "
        "về Sở trước ngày 20/3/2025.\n",
        # "Giao" before the unit, a bullet for the duty.
        "IV. TRÁCH NHIỆM THỰC HIỆN\n1. Giao Phòng GDĐT các quận, huyện:\n- Tổng hợp số liệu, "
        "gửi báo cáo về Sở trước ngày 20/3/2025.\n",
        # The unit as the sentence's subject.
        "IV. TỔ CHỨC THỰC HIỆN\n1. Phòng GDĐT các quận, huyện chủ động tổng hợp số liệu, gửi "
        "báo cáo về Sở trước ngày 20/3/2025.\n",
    ],
)
def test_a_unit_and_its_dated_duty_in_any_wording(section):
    doc = plan("I. MỤC ĐÍCH\nNâng cao chất lượng.\n" + section)
    [task] = doc.tasks
    assert task.lead == ("Phòng GDĐT các quận, huyện",)
    assert task.timeline.timeline.due == date(2025, 3, 19)
    assert task.ref == "IV.1" and [s.title for s in doc.sections] == [task.lead[0]]
    assert doc.deadlines == []  # read once, as the unit's task


def test_duties_without_a_day_are_ongoing_and_say_so():
    doc = plan(
        "III. TỔ CHỨC THỰC HIỆN\n2. Các trường THCS\n- Xây dựng kế hoạch của đơn vị.\n"
        "- Tổ chức tuyên truyền đến giáo viên, học sinh.\n"
    )
    tasks = by_ref(doc)
    assert list(tasks) == ["III.2.1", "III.2.2"]
    assert {t.timeline.timeline.kind for t in doc.tasks} == {"continuous"}
    assert "không nêu" in dict(tasks["III.2.1"].extra)["Thời hạn"]


def test_reporting_by_the_rules_follows_the_regime_and_the_office_can_change_it():
    doc = plan(
        "III. TỔ CHỨC THỰC HIỆN\n1. Các trường THPT\nTriển khai thực hiện Kế hoạch; thực hiện "
        "chế độ báo cáo về Sở theo quy định.\n"
    )
    report = by_ref(doc)["III.1.2"]
    assert report.timeline.text == DEFAULT_REGIME
    assert report.timeline.timeline.next_due(TODAY, 2) == [date(2025, 6, 15), date(2025, 12, 15)]
    assert "09/2019" in regime_of(doc)
    use_regime(doc, "Báo cáo quý: ngày 20 tháng cuối quý", TODAY)
    report = by_ref(doc)["III.1.2"]
    assert report.timeline.timeline.next_due(TODAY, 2) == [date(2025, 3, 20), date(2025, 6, 20)]
    assert "Văn phòng" in regime_of(doc)
    with pytest.raises(RegimeError):
        use_regime(doc, "theo quy định", TODAY)


def test_a_regime_that_is_no_cycle_is_refused_at_start(tmp_path):
    env = tmp_path / ".env"
    env.write_text("REPORT_REGIME=trước ngày 05/02/2025\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="REPORT_REGIME"):
        load_settings(env_file=env, environ={})


def test_an_article_binds_its_unit_to_report_cycles():
    doc = plan(
        "Chương II\nTRÁCH NHIỆM\nĐiều 5. Trách nhiệm của Phòng Giáo dục và Đào tạo\n"
        "1. Hướng dẫn các trường thực hiện Quy chế.\n"
        "2. Tổng hợp báo cáo tháng gửi Sở chậm nhất ngày 5 tháng tiếp theo.\n"
        "3. Báo cáo năm gửi Sở trước ngày 10/01 của năm liền kề năm báo cáo.\n"
        "Điều 6. Các trường có nhiệm vụ\n1. Báo cáo số liệu ngày làm việc cuối cùng của tháng.\n"
    )
    tasks = by_ref(doc)
    assert list(tasks) == ["Đ5.2", "Đ5.3", "Đ6.1"]  # 5.1 is a standing rule, no cycle
    assert tasks["Đ5.2"].lead == ("Phòng Giáo dục và Đào tạo",)
    assert tasks["Đ5.2"].timeline.timeline.next_due(TODAY, 1) == [date(2025, 3, 5)]
    assert tasks["Đ5.3"].timeline.timeline.next_due(TODAY, 1) == [date(2026, 1, 9)]
    assert tasks["Đ6.1"].lead == ("Các trường",)
    assert tasks["Đ6.1"].timeline.timeline.next_due(TODAY, 1) == [date(2025, 3, 31)]


def test_the_preview_names_the_regime_for_the_clerk_to_confirm(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "kh.txt"
    source.write_text(
        HEAD + "III. TỔ CHỨC THỰC HIỆN\n1. Các trường THPT\nThực hiện chế độ báo cáo theo quy "
        "định.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    shown = runner.invoke(app, ["plan", "import", str(source), "--today", "2025-03-01"])
    assert shown.exit_code == 0, shown.output
    assert "Chế độ báo cáo — 6 tháng một lần, hạn 15/06 và 15/12" in shown.output
    quarterly = "hằng quý, ngày 20 tháng cuối quý"
    changed = runner.invoke(app, ["plan", "import", str(source), "--today", "2025-03-01",
                                  "--report-regime", quarterly])  # fmt: skip
    assert changed.exit_code == 0 and "hằng quý" in changed.output
    bad = runner.invoke(app, ["plan", "import", str(source), "--report-regime", "mai"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_a_units_name_ends_where_what_it_does_begins_in_lower_case():
    tasks = by_ref(plan(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Phòng Kế hoạch - Tài chính bố trí kinh phí thực hiện kế hoạch.\n"
        "2. Thanh tra Sở kiểm tra việc thực hiện kế hoạch tại các đơn vị.\n"
        "3. Phòng Kiểm tra và Quản lý chất lượng đề xuất danh sách trước ngày 20/3/2025.\n"
        "4. Tổ Công tác được thành lập theo Quyết định số 5/QĐ-SGDĐT thực hiện nhiệm vụ "
        "theo dõi, đôn đốc.\n"
        "Trên đây là Kế hoạch …\n"
    ))  # fmt: skip
    assert tasks["III.1"].lead == ("Phòng Kế hoạch - Tài chính",)
    assert tasks["III.1"].title == "Bố trí kinh phí thực hiện kế hoạch"
    assert tasks["III.2"].lead == ("Thanh tra Sở",)
    # The same words capitalised are the name's ("Phòng Kiểm tra …").
    assert tasks["III.3"].lead == ("Phòng Kiểm tra và Quản lý chất lượng",)
    # What was done to the unit is part of its name ("được thành lập theo …").
    assert tasks["III.4"].lead[0].startswith("Tổ Công tác được thành lập theo Quyết định")
