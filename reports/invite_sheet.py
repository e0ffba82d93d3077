"""The sheet of invitation links an office prints or sends to a district: one row per unit,
its link and a QR code a head scans with the phone's camera to open the bot."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

QR_PIXELS = 100
ROW_POINTS = 84  # a row a little taller than its QR code (100 px = 75 pt)


@dataclass(frozen=True)
class SheetRow:
    code: str
    name: str
    district: str
    link: str
    expires_at: datetime


def _qr_png(link: str) -> bytes:
    import qrcode

    code = qrcode.QRCode(border=1, box_size=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(link)
    code.make(fit=True)
    image = code.make_image().get_image().resize((QR_PIXELS, QR_PIXELS))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_invite_sheet(path: Path, rows: list[SheetRow], title: str, role_label: str) -> Path:
    """An A4 landscape sheet, fit to width, its header on every page."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Liên kết mời"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Mỗi liên kết dùng một lần, cho {role_label} của đơn vị; mở trong Telegram "
                  "hoặc quét mã QR bằng camera điện thoại."])  # fmt: skip
    header = ["STT", "Mã", "Đơn vị", "Quận/huyện", "Liên kết", "Hết hạn", "Mã QR"]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = (5, 16, 36, 16, 44, 12, 18)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for number, row in enumerate(rows, start=1):
        line = sheet.max_row + 1
        values = [number, row.code, row.name, row.district, row.link,
                  row.expires_at.strftime("%d/%m/%Y"), ""]  # fmt: skip
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(line, column, value)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(value, str):
                cell.data_type = "s"  # a name from a file is text, never a formula
        sheet.row_dimensions[line].height = ROW_POINTS
        image = Image(io.BytesIO(_qr_png(row.link)))
        image.width = image.height = QR_PIXELS
        sheet.add_image(image, f"G{line}")
    sheet.print_title_rows = "3:3"
    sheet.freeze_panes = "A4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
