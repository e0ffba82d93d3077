"""Tasks written in a plan's body, each item followed by who and when, as Sở plans write them."""

from __future__ import annotations

from datetime import date

from plans.text import parse_plan_text

PLAN = """SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 77/KH-SGDĐT
Lào Cai, ngày 05 tháng 01 năm 2026
KẾ HOẠCH
Bồi dưỡng thường xuyên giáo viên năm 2026
II. NỘI DUNG
1. Khảo sát nhu cầu bồi dưỡng của giáo viên
- Đơn vị thực hiện: Các trường THPT, Trung tâm GDNN-GDTX.
- Thời gian: Trước ngày 31/01/2026.
2. Tổ chức bồi dưỡng tập trung
- Đơn vị chủ trì: Phòng GDTrH; đơn vị phối hợp: Trường Cao đẳng Sư phạm.
- Thời gian: Tháng 7 - tháng 8/2026.
3. Báo cáo kết quả bồi dưỡng
- Đơn vị thực hiện: Các trường THPT.
- Thời hạn: Trước ngày 15/9/2026.
"""


def test_each_item_takes_its_who_and_when_lines_even_a_bare_thoi_gian():
    doc = parse_plan_text(PLAN, date(2026, 1, 5))
    assert doc.title == "Bồi dưỡng thường xuyên giáo viên năm 2026"  # not the body after it
    tasks = {t.ref: t for t in doc.tasks}
    assert tasks["1"].lead == ("Các trường THPT", "Trung tâm GDNN-GDTX")
    assert tasks["1"].timeline.timeline.due == date(2026, 1, 30)  # "Thời gian: Trước ngày 31/01"
    # Two fields on one line, "; đơn vị phối hợp:" between them.
    assert (tasks["2"].lead, tasks["2"].coordinators) == (
        ("Phòng GDTrH",),
        ("Trường Cao đẳng Sư phạm",),
    )
    window = tasks["2"].timeline.timeline
    assert (window.start, window.due) == (date(2026, 7, 1), date(2026, 8, 31))
    assert tasks["3"].timeline.timeline.due == date(2026, 9, 14)
    assert doc.deadlines == []  # the dates are the tasks', not the body's


def test_a_bare_thoi_gian_under_an_item_that_names_no_one_stays_the_bodys():
    # Item 4 says when but not who: a happening for everyone the plan is sent to, not a task
    # for nobody.
    doc = parse_plan_text(
        PLAN + "4. Hội nghị tổng kết\n- Thời gian: 14h00 ngày 20/12/2026.\n"
        "5. Nộp sản phẩm bồi dưỡng\n- Thời gian: Trước ngày 30/10/2026.\n",
        date(2026, 1, 5),
    )
    assert {t.ref for t in doc.tasks} == {"1", "2", "3"}
    [event] = doc.events
    assert event.timeline.timeline.start.isoformat() == "2026-12-20T14:00:00"
    [deadline] = doc.deadlines
    assert deadline.timeline.timeline.due == date(2026, 10, 29)


def test_what_an_item_says_about_itself_is_kept_beside_its_title():
    text = PLAN.replace(
        "1. Khảo sát nhu cầu bồi dưỡng của giáo viên\n",
        "1. Khảo sát nhu cầu bồi dưỡng của giáo viên\n"
        "- Nội dung: Các trường khảo sát nhu cầu theo mẫu của Sở, tổng hợp theo môn\n"
        "học và gửi qua hệ thống.\n",
    ).replace(
        "- Thời gian: Tháng 7 - tháng 8/2026.\n",
        "- Thời gian: Tháng 7 - tháng 8/2026.\n- Sản phẩm: Danh sách giáo viên hoàn thành.\n",
    )
    tasks = {t.ref: t for t in parse_plan_text(text, date(2026, 1, 5)).tasks}
    # The title is the item's own line; "Nội dung: …" (wrapped onto the next line) is beside it.
    assert tasks["1"].title == "Khảo sát nhu cầu bồi dưỡng của giáo viên"
    assert dict(tasks["1"].extra) == {
        "Nội dung": "Các trường khảo sát nhu cầu theo mẫu của Sở, tổng hợp theo môn học và gửi "
        "qua hệ thống."
    }
    assert tasks["1"].lead == ("Các trường THPT", "Trung tâm GDNN-GDTX")
    assert dict(tasks["2"].extra) == {"Sản phẩm": "Danh sách giáo viên hoàn thành."}
    assert tasks["2"].timeline.timeline.due == date(2026, 8, 31)
