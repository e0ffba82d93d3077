"""Every file an office receives: Word 97 and OpenDocument through LibreOffice, a scanned PDF
and a phone photo of a printed task table through Tesseract — read as their born-digital
versions are, with what OCR doubted marked for the office."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from plans.isolated import read_isolated
from plans.reader import OCR_PAGES, read_plan_bytes
from plans.tables import PlanReadError
from tests.plan_fixtures import docx_000

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "files"
TODAY = date(2025, 1, 1)
TOOLS = ("soffice", "tesseract")


@pytest.fixture(autouse=True)
def tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} not installed: `make test` installs them (see .ci/system)")
        pytest.skip(f"needs {missing}: run `make test` as root, or .ci/system")


def reading(path: Path) -> dict:  # type: ignore[type-arg]
    return read_plan_bytes(path.read_bytes(), path.name, TODAY).to_json(TODAY)


@pytest.mark.parametrize("stem", ["sonla-qd254-2023", "vju-tb1010-2025"])
def test_a_word_97_file_reads_as_its_docx(stem):
    assert reading(REALDOCS / f"{stem}.doc") == reading(REALDOCS / f"{stem}.docx")


def soffice(source: Path, target: str) -> Path:
    folder = source.parent
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://"
                    f"{folder}/profile", "--convert-to", target, "--outdir", str(folder),
                    str(source)], capture_output=True, check=True, timeout=120)  # fmt: skip
    return source.with_suffix(f".{target.split(':')[0]}")


def test_opendocument_rtf_and_old_excel_read_as_their_originals(tmp_path):
    from plans.template import write_template

    docx = docx_000(tmp_path / "kh91.docx")
    for target in ("odt", "rtf"):
        assert reading(soffice(docx, target)) == reading(docx), target
    xlsx = write_template(tmp_path / "mau.xlsx")
    xls = soffice(xlsx, "xls")
    assert reading(xls)["tasks"] == reading(xlsx)["tasks"]


def test_the_scanned_notice_is_read_by_ocr_and_says_so():
    """Thông báo 911/TB-ĐHVN (06/09/2024), a scan with no text layer, four pages: students
    submit their certificates before 10/10/2024 (two programmes) and, later, before
    31/12/2024. Bold italic "trước" comes out as "frước" and "rước": read as "trước", and
    said so."""
    scan = REALDOCS / "vju-tb911-2024.orig.pdf"
    pages: list[tuple[int, int]] = []
    doc = read_isolated(scan.read_bytes(), scan.name, TODAY,
                        progress=lambda done, total: pages.append((done, total)))  # fmt: skip
    assert doc.from_ocr and pages == [(1, 4), (2, 4), (3, 4), (4, 4)]
    dues = sorted(str(d.timeline.timeline.due) for d in doc.deadlines if d.timeline.timeline)
    assert dues == ["2024-10-09", "2024-10-09", "2024-12-30"]
    assert doc.warnings[0].startswith("Văn bản được đọc từ ảnh/bản scan bằng OCR (4 trang)")
    assert any("«rước» → «trước»" in w for w in doc.warnings), doc.warnings[:3]
    assert any(w.startswith("OCR không chắc các từ") for w in doc.warnings)


def photo_of(docx: Path, angle: float = 3.0) -> bytes:
    """A phone photo of the DOCX's first page, printed: leaning `angle` degrees, speckled."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(soffice(docx, "pdf").read_bytes())
    page = pdf[0].render(scale=200 / 72).to_pil().convert("L")
    page = page.rotate(angle, expand=True, fillcolor=255, resample=3)
    rng = random.Random(7)
    pixels = page.load()
    for _ in range(page.width * page.height // 60):
        pixels[rng.randrange(page.width), rng.randrange(page.height)] = rng.choice((0, 90, 170))
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=80)
    return out.getvalue()


@pytest.mark.parametrize("angle", [3.0, 90.0, 183.0], ids=["leaning", "sideways", "upside-down"])
def test_a_photo_of_a_printed_task_table_reads_its_rows_from_the_layout(tmp_path, angle):
    docx = docx_000(tmp_path / "kh91.docx")
    born = read_plan_bytes(docx.read_bytes(), docx.name, TODAY)
    doc = read_plan_bytes(photo_of(docx, angle), "anh.jpg", TODAY)
    assert doc.from_ocr and (doc.number, doc.issued_on) == (born.number, born.issued_on)
    shown = {t.ref: t for t in born.tasks}
    # The first page holds section 1 and its tasks 1.1 and 1.3 (whose title goes on over the
    # page): each, cell by cell, as far as the photo shows it.
    assert [t.ref for t in doc.tasks] == ["1.1", "1.3"]
    for task in doc.tasks:
        original = shown[task.ref]
        assert original.title.startswith(task.title) and len(task.title) > 40, task.title
        assert (task.lead, task.timeline.text) == (original.lead, original.timeline.text)
    assert [s.ref for s in doc.sections] == ["1"]
    assert doc.sections[0].title.startswith("Công tác tuyên truyền, quán triệt")


def scan_of(pages: list, path: Path) -> bytes:  # type: ignore[type-arg]
    """A PDF of page images and nothing else, as a scanner makes."""
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=200)
    return path.read_bytes()


def test_a_scan_past_the_page_limit_is_refused_with_a_message(tmp_path):
    from PIL import Image

    blank = [Image.new("L", (170, 240), 255) for _ in range(OCR_PAGES + 1)]
    with pytest.raises(PlanReadError, match=f"{OCR_PAGES + 1} trang, quá {OCR_PAGES} trang"):
        read_plan_bytes(scan_of(blank, tmp_path / "dai.pdf"), "dai.pdf", TODAY)


def test_without_libreoffice_or_tesseract_the_message_names_the_package(tmp_path, monkeypatch):
    doc = (REALDOCS / "sonla-qd254-2023.doc").read_bytes()
    monkeypatch.setenv("PATH", str(tmp_path))  # neither program can be found
    with pytest.raises(PlanReadError, match="libreoffice-writer-nogui"):
        read_plan_bytes(doc, "kh.doc", TODAY)
    with pytest.raises(PlanReadError, match="tesseract-ocr-vie"):
        read_plan_bytes((REALDOCS / "vju-tb911-2024.orig.pdf").read_bytes(), "scan.pdf", TODAY)


# The chat is the same on both databases; reading the scan is the slow part: SQLite only.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_office_sends_a_scan_and_sees_each_page_counted(bot, emulator, sessions,
                                                                  tmp_path):  # fmt: skip
    """Through the bot: the pages of a two-page scan counted in one edited message, then the
    summary asking the office to check what OCR read."""
    import pypdfium2

    from db.registry import import_sample
    from db.session import session_scope
    from tests.conftest import OFFICE_ADMIN

    with session_scope(sessions) as session:
        import_sample(session)
    pdf = pypdfium2.PdfDocument(soffice(docx_000(tmp_path / "kh91.docx"), "pdf").read_bytes())
    pages = [pdf[i].render(scale=200 / 72).to_pil().convert("L") for i in range(2)]
    emu = emulator.emulator
    emu.send_document(OFFICE_ADMIN, scan_of(pages, tmp_path / "scan.pdf"), "kh91-scan.pdf",
                      "application/pdf")  # fmt: skip
    summary = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(OFFICE_ADMIN) if m.get("reply_markup")), None),
        timeout=240,  # OCR of two pages: ~30 s alone, three times that on a loaded machine
    )
    assert "đọc từ ảnh" in summary["text"] and "1.1" in summary["text"]
    counted = [m for m in emu.bot_messages(OFFICE_ADMIN)
               if "Đã đọc xong" in m["text"] or "Đang đọc bản scan" in m["text"]]  # fmt: skip
    assert len(counted) == 1, "one message, edited, not one per page"
    assert "Đã đọc xong 2 trang" in counted[0]["text"]
    edits = [c for c in emu.calls_to("editMessageText")
             if str(c.get("message_id")) == str(counted[0]["message_id"])]  # fmt: skip
    assert edits, "the page count was edited in place"


def test_a_letter_printed_to_pdf_keeps_its_header_columns_apart(tmp_path):
    # Agency, number and a V/v over three lines on the left; the motto and the dateline on the
    # right, with no rules: read straight across, the lines interleave ("… thực hiện nhiệm" /
    # "vụ Quảng Ninh, ngày 15 tháng 12 năm" / "học kỳ I … 2025") and lose the date and subject.
    from tests.test_letters import as_docx

    docx = tmp_path / "cv2315.docx"
    docx.write_bytes(as_docx())
    pdf = read_plan_bytes(soffice(docx, "pdf").read_bytes(), "cv2315.pdf", TODAY)
    assert (pdf.number, pdf.issued_on, pdf.kind) == (
        "2315/SGDĐT-GDTrH",
        date(2025, 12, 15),
        "Công văn",
    )
    assert pdf.title == "Báo cáo kết quả thực hiện nhiệm vụ học kỳ I năm học 2025-2026"
    letter = read_plan_bytes(docx.read_bytes(), docx.name, TODAY)
    assert pdf.recipients == letter.recipients
    assert [(d.applies_to, d.timeline.timeline.rule) for d in pdf.deadlines] == [
        (d.applies_to, d.timeline.timeline.rule) for d in letter.deadlines
    ]
