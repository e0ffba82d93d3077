"""What one cell of a task table may say about who acts, as Sở plans write it."""

from __future__ import annotations

import io
from datetime import date

from plans.reader import read_plan_bytes

ROWS = [
    ("1", "Xây dựng kế hoạch tổ chức các hoạt động tại đơn vị", "Các trường THPT",
     "Trước ngày 15/02/2026"),
    ("2", "Tổ chức Hội trại truyền thống",
     "Phòng GDTrH chủ trì; Đoàn trường các trường THPT phối hợp", "Tháng 3/2026"),
    ("3", "Hội thi tin học trẻ", "Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở GDĐT và "
     "UBND các huyện", "Tháng 4/2026"),
    ("4", "Kiểm tra, đánh giá việc thực hiện", "Văn phòng Sở, phòng GDTrH",
     "Từ 01/4 đến 15/4/2026"),
    ("5", "Tổng kết", "Các trường THPT, trường PT DTNT tỉnh", "Tháng 5/2026"),
    ("6", "Báo cáo", "Sở Lao động, Thương binh và Xã hội", "Tháng 5/2026"),
]  # fmt: skip


def plan_with_table() -> bytes:
    from docx import Document

    document = Document()
    for line in (
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Số: 88/KH-SGDĐT",
        "Hà Tĩnh, ngày 10 tháng 01 năm 2026",
        "KẾ HOẠCH",
        "Hoạt động năm 2026",
    ):
        document.add_paragraph(line)  # fmt: skip
    table = document.add_table(rows=1, cols=4)
    for cell, label in zip(
        table.rows[0].cells, ("TT", "Nội dung", "Đơn vị thực hiện", "Thời gian"), strict=True
    ):
        cell.text = label
    for row in ROWS:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_one_cell_that_says_who_leads_and_who_helps_is_read_as_both():
    tasks = {
        t.ref: t for t in read_plan_bytes(plan_with_table(), "kh88.docx", date(2026, 1, 10)).tasks
    }
    assert (tasks["1"].lead, tasks["1"].coordinators) == (("Các trường THPT",), ())
    assert (tasks["2"].lead, tasks["2"].coordinators) == (
        ("Phòng GDTrH",),
        ("Đoàn trường các trường THPT",),
    )
    assert (tasks["3"].lead, tasks["3"].coordinators) == (
        ("Sở Khoa học và Công nghệ",),
        ("Sở GDĐT", "UBND các huyện"),
    )
    # Several units, a comma or "và" apart, also in lower case as in running text; a comma
    # inside a unit's name does not part it.
    assert tasks["4"].lead == ("Văn phòng Sở", "phòng GDTrH")
    assert tasks["5"].lead == ("Các trường THPT", "trường PT DTNT tỉnh")
    assert tasks["6"].lead == ("Sở Lao động, Thương binh và Xã hội",)
