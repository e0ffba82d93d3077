"""The seeds' content as a DOCX or PDF with real tables, the form most plans arrive in."""

from __future__ import annotations

from pathlib import Path

HEADER_000 = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
OTHERS = "Các sở, ngành, địa phương liên quan"
SDGDT = "Sở Giáo dục và Đào tạo"
ROWS_000 = [
    ["1", "Công tác tuyên truyền, quán triệt, phổ biến Kết luận số 91-KL/TW ngày 12/8/2024 của "
          "Bộ Chính trị", "", "", ""],
    ["1.1", "Tổ chức học tập, quán triệt Kết luận số 91-KL/TW", "Các sở ngành địa phương", "",
     "Hoàn thành trong Quý IV/2024"],
    ["1.3", "Tiếp tục tuyên truyền quán triệt sâu rộng và hiệu quả hơn về mục tiêu, yêu cầu, "
            "nội dung đổi mới giáo dục và đào tạo", "Các sở ngành địa phương", "", "Hàng năm"],
    ["2", "Triển khai các nhiệm vụ, giải pháp về đổi mới căn bản, toàn diện giáo dục và đào tạo",
     "", "", ""],
    ["2.1", "Nâng cao hiệu quả quản lý nhà nước về giáo dục và đào tạo, nghiên cứu đề xuất thành "
            "phố ban hành cơ chế chính sách hỗ trợ, tiếp tục đẩy mạnh thực hiện đổi mới căn bản, "
            "toàn diện giáo dục đào đáp ứng yêu cầu xây dựng và phát triển thành phố trong giai "
            "đoạn mới", SDGDT, "Các Sở, ngành, địa phương liên quan", "Hàng năm"],
    ["2.2", "Nâng cao chất lượng giáo dục mầm non, giáo dục phổ thông và giáo dục thường xuyên",
     SDGDT, "Các Sở, ngành, địa phương liên quan", "Hàng năm"],
    ["2.3", "Tiếp tục phát triển giáo dục nghề nghiệp theo hướng mở, linh hoạt, hiện đại, hiệu "
            "quả, hội nhập, gắn với thị trường lao động", "Sở Lao động, Thương binh và Xã hội;",
     OTHERS, "Hàng năm"],
    ["2.4", "Phát triển cơ sở giáo dục đại học trọng điểm, giáo dục đại học sư phạm nhằm tạo đột "
            "phá, chuyển biến mạnh mẽ, toàn diện về chất lượng đào tạo, ngang tầm các nước tiên "
            "tiến", "Trường Đại học Hải Phòng", OTHERS, "Hàng năm"],
    ["2.5", "Rà soát, sắp xếp, ưu tiên bố trí quỹ đất để phát triển mạng lưới cơ sở giáo dục bảo "
            "đảm nhu cầu của người học", "Sở Xây dựng, UBND quận huyện", OTHERS, "Hàng năm"],
    ["2.6", "Đẩy nhanh tiến trình chuyển đổi số trong giáo dục và đào tạo, giáo dục nghề nghiệp",
     "Sở Giáo dục và Đào tạo, Sở Lao động, Thương binh và Xã hội", OTHERS, "Hàng năm"],
    ["2.7", "Phát triển đội ngũ nhà giáo và công chức, viên chức quản lý giáo dục",
     "Sở Giáo dục và Đào tạo, UBND quận huyện", "Sở Nội vụ, Trường Đại học Hải Phòng",
     "Hàng năm"],
    ["2.8", "Bảo đảm đủ điều kiện cơ sở vật chất và nguồn lực tài chính cho phát triển giáo dục "
            "và đào tạo", "Sở Tài chính", "Sở Kế hoạch và Đầu tư; các sở, ngành, địa phương "
            "liên quan", "Hàng năm"],
    ["2.9", "Chủ động hội nhập và nâng cao hiệu quả hợp tác quốc tế trong giáo dục và đào tạo",
     "Sở Giáo dục và Đào tạo, Sở Lao động, Thương binh và Xã hội", "Các Sở, ngành liên quan",
     "Hàng năm"],
]  # fmt: skip
HEAD_000 = [
    "UBND THÀNH PHỐ HẢI PHÒNG",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "Số: 91/KH-SGDĐT",
    "Hải Phòng, ngày 10 tháng 01 năm 2025",
    "KẾ HOẠCH",
    "Thực hiện Kết luận số 91-KL/TW ngày 12/8/2024 của Bộ Chính trị",
    "-----",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Các trường THPT, đơn vị trực thuộc thực hiện chế độ báo cáo Sở Giáo dục và Đào tạo theo "
    "quy định.",
    "Nơi nhận:",
    "- Trường THPT, PT nhiều cấp;",
    "- Đơn vị trực thuộc;",
    "- Lưu: VT, VP.",
    "PHỤ LỤC",
    "Các nhiệm vụ trọng tâm thực hiện Kết luận số 91-KL/TW",
]
BODY_004 = [
    "UBND THÀNH PHỐ HẢI PHÒNG",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "Số: 496/KH-SGDĐT",
    "Hải Phòng, ngày 24 tháng 01 năm 2025",
    "KẾ HOẠCH",
    "Phối hợp tổ chức Hội nghị quán triệt, triển khai thực hiện Kết luận 91-KL/TW",
    "Thực hiện Kế hoạch số 93/KH-BGDĐT ngày 24/01/2025 của Bộ Giáo dục và Đào tạo.",
    "1. Thời gian: từ 14h00 đến 17h00 ngày 06/02/2025 (thứ Năm).",
    "+ Các quận, huyện: Trưởng phòng GDĐT chịu trách nhiệm bố trí các địa điểm phù hợp (gửi "
    "thông tin cụ thể về các điểm cầu theo phụ lục gửi kèm về Văn phòng Sở trước ngày "
    "05/02/2024); có thể kết hợp với các trường THPT trên địa bàn.",
    "Nơi nhận:",
    "- Các phòng GDĐT quận/huyện;",
    "- Các trường THPT, PT nhiều cấp;",
    "- Lưu: VT.",
    "PHỤ LỤC",
    "Thông tin về các điểm cầu cơ sở",
    "(Kèm theo Kế hoạch số: /KH-SGDĐT ngày 24/01/2025 của Sở GDĐT)",
]
FORM_004 = ["TT", "Đơn vị", "Số lượng điểm cầu", "Các địa điểm đặt điểm cầu (ghi tên địa điểm)",
            "Tên các đơn vị tại điểm cầu", "Số lượng CBQL, GV tại từng điểm cầu"]  # fmt: skip


def docx_plan(path: Path, paragraphs: list[str], header: list[str], rows: list[list[str]]) -> Path:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        if len(row) > 1 and row[0].isdigit() and not any(row[2:]):
            merged = cells[1].merge(cells[-1])  # a section heading spans the row, as in plans
            cells[0].text, merged.text = row[0], row[1]
            continue
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.save(path)
    return path


def docx_000(path: Path) -> Path:
    return docx_plan(path, HEAD_000, HEADER_000, ROWS_000)


def docx_004(path: Path) -> Path:
    return docx_plan(
        path, BODY_004, FORM_004, [["1.", "Phòng GDĐT quận Ngô Quyền", "", "", "", ""]]
    )


def pdf_000(path: Path, font: str) -> Path:
    """A PDF whose appendix is a ruled table running over several pages (needs a TTF with
    Vietnamese letters; tests/data/make_fixtures.py passes DejaVu Sans)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("body", fname=font)
    pdf.set_font("body", size=11)
    pdf.add_page()
    for text in HEAD_000:
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=10)
    from fpdf.fonts import FontFace

    plain = FontFace(emphasis="")
    with pdf.table(
        col_widths=(10, 70, 35, 40, 30), repeat_headings=1, headings_style=plain
    ) as table:
        for row in [HEADER_000, *ROWS_000, *ROWS_000[3:]]:
            table.row(row if row is HEADER_000 else _renumbered(row))
    pdf.output(str(path))
    return path


_seen: set[str] = set()


def _renumbered(row: list[str]) -> list[str]:
    # The second copy of section 2 becomes section 3, so the table is long enough to need
    # more than one page and every reference stays unique.
    ref = row[0]
    if ref in _seen:
        ref = "3" + ref[1:] if ref.startswith("2") else ref
    _seen.add(row[0])
    return [ref, *row[1:]]


def pdf_of_text(path: Path, text: str, font: str) -> Path:
    """A PDF with no ruled table: lines of text only, like a typed letter."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("body", fname=font)
    pdf.set_font("body", size=9)
    pdf.add_page()
    for line in text.splitlines():
        pdf.multi_cell(0, 4, line or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
