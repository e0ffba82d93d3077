"""The office's own Excel/CSV template for a plan, written by `nhacviec plan template`."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
          "Danh mục kiểm tra", "Ngày báo cáo"]  # fmt: skip
EXAMPLES = [
    ["1", "Công tác tuyên truyền, quán triệt", "", "", "", "", ""],
    ["1.1", "Tổ chức học tập, quán triệt Kết luận số 91-KL/TW", "Các trường THPT, PT nhiều cấp",
     "", "Hoàn thành trong Quý IV/2025", "", ""],
    ["1.2", "Báo cáo kết quả thực hiện", "Các trường THPT, PT nhiều cấp", "Đơn vị trực thuộc",
     "Hằng năm", "", "15/12"],
    ["2", "Hội nghị trực tuyến", "", "", "", "", ""],
    ["2.1", "Chuẩn bị điểm cầu tại đơn vị", "Các trường THPT, PT nhiều cấp", "",
     "trước ngày 05/02/2026", "Bố trí phòng họp; Kiểm tra đường truyền; Gửi danh sách dự", ""],
]  # fmt: skip
DETAILS = [
    ["Số", "123/KH-SGDĐT"],
    ["Ngày ban hành", "24/01/2026"],
    ["Cơ quan ban hành", "Sở Giáo dục và Đào tạo"],
    ["Tiêu đề", "Kế hoạch mẫu — thay bằng tiêu đề của kế hoạch"],
]
NOTES = [
    "TT: số thứ tự như trong kế hoạch (1 là mục, 1.1 là nhiệm vụ).",
    "Cơ quan chủ trì / phối hợp: tên đơn vị hoặc nhóm đơn vị, cách nhau bằng dấu phẩy.",
    "Thời gian thực hiện: như trong kế hoạch (Hằng năm, Quý IV/2025, trước ngày 05/02/2026…).",
    "Danh mục kiểm tra: các việc cần đánh dấu, cách nhau bằng dấu chấm phẩy (không bắt buộc).",
    "Ngày báo cáo: ngày báo cáo định kỳ, ví dụ 15/12 (không bắt buộc).",
]


def write_template(path: Path) -> Path:
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(EXAMPLES)
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    tasks = book.active
    tasks.title = "Nhiệm vụ"
    tasks.append(HEADER)
    for row in EXAMPLES:
        tasks.append(row)
    for cell in tasks[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    tasks.freeze_panes = "A2"
    for column, width in zip("ABCDEFG", (6, 50, 30, 30, 28, 40, 14), strict=True):
        tasks.column_dimensions[column].width = width
    details = book.create_sheet("Kế hoạch")
    for row in DETAILS:
        details.append(row)
    details.append([])
    for note in NOTES:
        details.append([note])
    details.column_dimensions["A"].width = 20
    details.column_dimensions["B"].width = 60
    book.save(path)
    return path
