"""The office's view of seed 004's data request to the 14 district offices, from a known set
of answers: exact counts, the workbook read back cell by cell, the calendar parsed back."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from itertools import takewhile

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from config import Settings
from db.models import FormDefinition, FormSubmission, Member, Occurrence, Plan, Role, Status, Task
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from duties.actions import record
from duties.answers import save_explanation
from duties.query import in_scope
from duties.rules import Category
from jobs import outbox
from plans.matching import remember
from plans.store import save_plan
from plans.text import parse_plan_text
from reports import data, excel, summary
from reports.calendar import calendar
from tests.conftest import OFFICE_ADMIN
from tests.test_plan_text import SEED_004

AS_OF = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)  # six days after the 04/02 deadline
TZ = Settings().timezone


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 2, day, hour - 7, 0, tzinfo=UTC)


@pytest.fixture
def answered(sessions, db_url):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        import_sample(session)
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    with session_scope(sessions) as session:
        text = SEED_004.replace("trước ngày 05/02/2024", "trước ngày 05/02/2025")
        doc = parse_plan_text(text, date(2025, 1, 24))
        # The reports' story is the districts' deadline and the conference; the duties of
        # section IV (read in test_plan_text) would only add rows nobody answers here.
        doc.tasks = []
        save_plan(session, doc, "kh496.txt", "h", date(2025, 1, 24))
        outbox.roll_forward(
            session, Settings(database_url=db_url), datetime(2025, 1, 24, 2, tzinfo=UTC)
        )
    with session_scope(sessions) as session:
        occurrence = session.scalar(select(Occurrence).join(Task).where(Task.ref == "D1"))
        assert occurrence is not None
        d1 = occurrence.id

        def unit(code: str) -> int:
            found = unit_by_code(session, code)
            assert found is not None
            return found.id

        head = Member(unit_id=unit("PGD-KIENAN"), telegram_user_id=5101, chat_id=5101,
                      full_name="Trần Kiến An", role=Role.HEAD)  # fmt: skip
        session.add(head)
        session.flush()
        record(session, (d1, unit("PGD-KIENAN")), head.id, Status.DONE, at(1))
        record(session, (d1, unit("PGD-HAIAN")), None, Status.IN_PROGRESS, at(3))
        record(session, (d1, unit("PGD-HAIAN")), None, Status.DONE, at(6))
        record(session, (d1, unit("PGD-LECHAN")), None, Status.IN_PROGRESS, at(1))
        record(session, (d1, unit("PGD-NGOQUYEN")), None, Status.IN_PROGRESS, at(2))
        record(session, (d1, unit("PGD-HONGBANG")), None, Status.BLOCKED, at(3),
                      note='=HYPERLINK("http://x","Thiếu kinh phí")')  # fmt: skip
        save_explanation(session, d1, unit("PGD-LECHAN"), None, "Chờ số liệu trường", at(8))
        form = session.scalar(select(FormDefinition))
        assert form is not None
        points = [
            {"f2": "Hội trường UBND", "f3": "Phòng GDĐT", "f4": 45},
            {"f2": "THPT Kiến An", "f3": "THPT Kiến An", "f4": 30},
        ]
        session.add(
            FormSubmission(
                form_id=form.id,
                occurrence_id=d1,
                unit_id=unit("PGD-KIENAN"),
                submitted_at=at(1),
                answers={"final": {"f1": 2, "diem_cau": points}},
            )
        )
    return sessions


def test_counts_follow_the_government_conventions(answered):
    with answered() as session:
        rows = in_scope(session, AS_OF)
    tasks = summary.by_task(rows)
    d1 = next(t for t in tasks if t.task_ref == "D1")
    assert d1.total == 14
    assert d1.counts == {
        Category.DONE_ON_TIME: 1,
        Category.DONE_LATE: 1,
        Category.IN_PROGRESS_ON_TIME: 0,
        Category.IN_PROGRESS_LATE: 2,
        Category.NOT_REPORTED: 9,
        Category.BLOCKED: 1,
    }
    assert "Phòng GDĐT quận Hồng Bàng" in d1.behind and "Phòng GDĐT quận Kiến An" not in d1.behind
    assert len(summary.overdue(rows)) == 12
    assert [r.unit_name for r in summary.blocked(rows)] == ["Phòng GDĐT quận Hồng Bàng"]
    # The same "in progress", judged before the deadline, is on time.
    with answered() as session:
        early = in_scope(session, at(3, 12))
    early_d1 = next(t for t in summary.by_task(early) if t.task_ref == "D1")
    assert early_d1.counts[Category.IN_PROGRESS_ON_TIME] == 2
    scores = summary.scorecard(r for r in rows if r.task_ref == "D1")
    assert scores[-1].unit_name == "Phòng GDĐT quận Kiến An" and scores[-1].on_time_rate == 1.0
    hai_an = next(s for s in scores if s.unit_name == "Phòng GDĐT quận Hải An")
    assert (hai_an.done_late, hai_an.on_time_rate) == (1, 0.0)


def test_the_workbook_read_back_cell_by_cell(answered):
    with answered() as session:
        plan = session.scalars(select(Plan)).one()
        report = data.plan_report(session, plan, AS_OF)
    book = load_workbook(io.BytesIO(excel.workbook_bytes(report, AS_OF, TZ)))
    assert book.sheetnames == ["Tổng hợp", "Chi tiết", "Trả lời", "Biểu mẫu D1"]

    matrix = book["Tổng hợp"]
    assert "496/KH-SGDĐT" in matrix["A1"].value and "24/01/2025" in matrix["A1"].value
    assert matrix.freeze_panes == "C5"
    header = [c.value for c in matrix[4]]
    assert header[:4] == ["TT", "Đơn vị", "D1: trạng thái", "D1: ngày báo cáo"]
    table = takewhile(lambda row: row[0].value is not None, matrix.iter_rows(min_row=5))
    by_unit = {row[1].value: row for row in table}
    assert len(by_unit) == 14
    kien_an = by_unit["Phòng GDĐT quận Kiến An"]
    assert kien_an[2].value == "Hoàn thành đúng hạn"
    assert kien_an[2].fill.fgColor.rgb.endswith("C6EFCE")
    assert kien_an[3].value == datetime(2025, 2, 1, 9, 0), "a real date, local time"
    assert by_unit["Phòng GDĐT quận Hải An"][2].value == "Hoàn thành quá hạn"
    assert by_unit["Phòng GDĐT quận Hồng Bàng"][2].value == "Vướng mắc"
    assert by_unit["Phòng GDĐT huyện Vĩnh Bảo"][2].value == "Chưa báo cáo"

    details = book["Chi tiết"]
    assert [c.value for c in details[4]][:5] == ["Kế hoạch", "Nhiệm vụ", "Nội dung", "Kỳ", "Hạn"]
    rows = {(r[1].value, r[6].value): r for r in details.iter_rows(min_row=5)}
    blocked = rows[("D1", "Phòng GDĐT quận Hồng Bàng")]
    assert blocked[10].value == '\'=HYPERLINK("http://x","Thiếu kinh phí")', "no formula"
    assert blocked[4].value == datetime(2025, 2, 4, 0, 0)
    assert rows[("D1", "Phòng GDĐT quận Lê Chân")][11].value == "Chờ số liệu trường"

    answers = book["Trả lời"]
    got = [(r[4].value, r[5].value, r[6].value, r[8].value) for r in answers.iter_rows(min_row=5)]
    assert got[0] == ("Phòng GDĐT quận Kiến An", "Hoàn thành", "Không", "Trần Kiến An")
    assert ("Phòng GDĐT quận Hải An", "Hoàn thành", "Có", "Văn phòng Sở") in got
    assert len(got) == 6

    form = book["Biểu mẫu D1"]
    assert [c.value for c in form[4]] == [
        "TT", "Đơn vị", "Số lượng điểm cầu", "Các địa điểm đặt điểm cầu (ghi tên địa điểm)",
        "Tên các đơn vị tại điểm cầu", "Số lượng CBQL, GV tại từng điểm cầu",
    ]  # fmt: skip
    assert [c.value for c in form[5]] == [1, "Phòng GDĐT quận Kiến An", 2, "Hội trường UBND",
                                         "Phòng GDĐT", 45]  # fmt: skip
    assert [c.value for c in form[6]][3:] == ["THPT Kiến An", "THPT Kiến An", 30]
    assert "A5:A6" in {str(m) for m in form.merged_cells.ranges}


def test_csv_neutralises_formulas_and_keeps_vietnamese(answered):
    with answered() as session:
        rows = in_scope(session, AS_OF)
    text = excel.csv_text(rows, TZ)
    assert text.startswith("\ufeffKế hoạch,Nhiệm vụ")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_the_calendar_parses_back(answered):
    with answered() as session:
        entries = data.calendar_entries(session)
        kien_an = unit_by_code(session, "PGD-KIENAN")
        assert kien_an is not None
        mine = data.calendar_entries(session, unit_id=kien_an.id)
    parsed = Calendar.from_ical(calendar(entries, "Nhắc việc", TZ, AS_OF))
    events = {str(e["summary"]): e for e in parsed.walk("VEVENT")}
    deadline = next(e for s, e in events.items() if s.startswith("Hạn [496/KH-SGDĐT] D1"))
    assert deadline.decoded("dtstart") == date(2025, 2, 4)
    meeting = next(e for s, e in events.items() if s.startswith("[496/KH-SGDĐT] E1"))
    assert meeting.decoded("dtstart") == datetime(2025, 2, 6, 14, 0, tzinfo=TZ)
    assert meeting.decoded("dtend") == datetime(2025, 2, 6, 17, 0, tzinfo=TZ)
    assert len({str(e["uid"]) for e in parsed.walk("VEVENT")}) == len(entries)
    assert {e.task_ref for e in mine} == {"D1", "E1"}


def test_the_report_commands_print_tables_and_write_files(answered, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url, "COLUMNS": "250"}  # a wide terminal: rich does not elide
    runner = CliRunner()
    shown = runner.invoke(app, ["report", "summary", "--today", "2025-02-10"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "D1" in shown.output and "Phòng GDĐT quận Kiến An" in shown.output
    late = runner.invoke(app, ["report", "overdue", "--today", "2025-02-10"], env=env)
    assert "12 overdue." in late.output
    written = runner.invoke(app, ["report", "export", "496/KH-SGDĐT", "--csv", "d.csv"], env=env)
    assert written.exit_code == 0, written.output
    assert (tmp_path / "tong-hop-496-KH-SGDĐT.xlsx").exists() and (tmp_path / "d.csv").exists()
    ics = runner.invoke(app, ["report", "calendar", "496/KH-SGDĐT", "--unit", "PGD-KIENAN",
                              "--out", "k.ics"], env=env)  # fmt: skip
    assert ics.exit_code == 0 and "2 entries" in ics.output
    bad = runner.invoke(app, ["report", "export", "999/KH"], env=env)
    assert bad.exit_code == 2 and "No plan '999/KH'" in bad.output


async def test_the_office_commands_in_telegram(answered, bot, emulator, clock):
    emu = emulator.emulator
    clock.now = AS_OF
    for user in (OFFICE_ADMIN, 5101):
        emu.user(user)

    async def say(user: int, text: str, replies: int = 1) -> dict:  # type: ignore[type-arg]
        before = len(emu.bot_messages(user))
        emu.send_text(user, text)
        await emu.wait_for(lambda: len(emu.bot_messages(user)) >= before + replies)
        return emu.bot_messages(user)[-1]

    total = await say(OFFICE_ADMIN, "/tonghop")
    assert "496/KH-SGDĐT · D1" in total["text"]
    counts = (
        "Hoàn thành: ✅ đúng hạn 1 · ☑️ quá hạn 1\n"
        "Đang thực hiện: 🔄 trong hạn 0 · ⏳ quá hạn 2\n"
        "⚠️ Vướng mắc 1 · ⭕ Chưa báo cáo 9"
    )
    assert counts in total["text"]
    late = await say(OFFICE_ADMIN, "/quahan")
    assert "Quá hạn: 12 lượt, 12 đơn vị" in late["text"]
    blocked = await say(OFFICE_ADMIN, "/vuongmac")
    assert '=HYPERLINK("http://x","Thiếu kinh phí")' in blocked["text"]
    ranked = await say(OFFICE_ADMIN, "/xephang")
    assert ranked["text"].splitlines()[-1].startswith("14. Phòng GDĐT quận Kiến An — đúng hạn 100%")
    waiting = await say(OFFICE_ADMIN, "/chuatraloi D1")
    assert "Chưa báo cáo — 496/KH-SGDĐT · D1: 9 đơn vị" in waiting["text"]
    nudge = waiting["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    # The district heads of two silent units are linked; the nudge reaches them.
    with session_scope(answered) as session:
        for code, user in (("PGD-VINHBAO", 5301), ("PGD-ANDUONG", 5302)):
            found = unit_by_code(session, code)
            assert found is not None
            session.add(Member(unit_id=found.id, telegram_user_id=user, chat_id=user,
                               full_name=code, role=Role.HEAD))  # fmt: skip
            emu.user(user)
    query = emu.press(OFFICE_ADMIN, waiting["message_id"], nudge)
    await emu.wait_for(lambda: query in emu.callback_answers)
    await emu.wait_for(
        lambda: "Đã xếp lịch nhắc 2 người" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"]
    )
    await bot.bot_data["engine"].tick()
    for user in (5301, 5302):
        card = next(m for m in emu.bot_messages(user) if "Văn phòng Sở nhắc" in m["text"])
        # On its own card, or in one message with the other reminders due at that moment.
        assert card["reply_markup"]["inline_keyboard"][0][0]["callback_data"][:2] in ("s:", "o:")
    exported = await say(OFFICE_ADMIN, "/xuat")
    assert exported["document"]["file_name"] == "tong-hop-496-KH-SGDĐT.xlsx"
    refused = await say(5101, "/tonghop")
    assert "Văn phòng Sở" in refused["text"] and "D1" not in refused["text"]
    unknown = await say(OFFICE_ADMIN, "/tonghop 999/KH Z1")
    assert "Không thấy kế hoạch '999/KH'" in unknown["text"]


def test_the_workbook_prints_on_landscape_pages_with_no_column_cut(answered, tmp_path):
    """Rendered as LibreOffice prints it: every page as wide as the table, its header on
    each page, the legend and the totals on the summary."""
    import shutil
    import subprocess

    import pdfplumber

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by .ci/system (libreoffice-calc-nogui)"
    with answered() as session:
        plan = session.scalars(select(Plan)).one()
        report = data.plan_report(session, plan, AS_OF)
    book = tmp_path / "tong-hop.xlsx"
    book.write_bytes(excel.workbook_bytes(report, AS_OF, TZ))
    matrix = load_workbook(book)["Tổng hợp"]
    assert matrix.page_setup.orientation == "landscape" and matrix.print_title_rows == "$4:$4"
    converted = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    with pdfplumber.open(tmp_path / "tong-hop.pdf") as pdf:
        pages = [(page.width > page.height, page.extract_text() or "") for page in pdf.pages]
    assert 3 <= len(pages) <= 6 and all(landscape for landscape, _ in pages)
    summary_text = pages[0][1]
    assert "Chú giải và tổng cộng" in summary_text and "Theo quận/huyện" in summary_text
    assert "Chưa báo cáo" in summary_text
    # The details: each page carries the header's first and last columns: none is cut off.
    details = [text for _, text in pages if "Nội dung" in text and "Giải trình" in text]
    assert details and all("Kế hoạch" in text for text in details)
    assert all("Trang" in text for _, text in pages)  # numbered pages


@pytest.mark.parametrize(
    ("key", "words"),
    [("2025-Q1", "Quý I/2025"), ("2025", "Năm 2025"), ("2025-H1", "6 tháng đầu năm 2025"),
     ("2025-H2", "6 tháng cuối năm 2025"), ("2025-03", "Tháng 3/2025"),
     ("2024-2025", "Năm học 2024-2025"), ("checkin-2025-03", "Kiểm tra tháng 3/2025"),
     ("once", ""), ("event", ""), ("2025-W36", "Tuần 1 năm học 2025-2026"),
     ("2026-W02", "Tuần 19 năm học 2025-2026"), ("2026-W36", "Tuần 1 năm học 2026-2027")],
)  # fmt: skip
def test_periods_are_named_as_the_office_names_them(key, words):
    from texts.periods import period_name

    assert period_name(key) == words


def test_the_feed_is_strict_rfc_5545_with_stable_uids_and_alarms(answered):
    """Read back by an independent parser (vobject): the zone the times name is described,
    UIDs do not depend on row ids and differ between offices, summaries end on a word, and a
    deadline rings the day before."""
    import vobject

    from reports.calendar import Entry, installation_id, whole_words

    with answered() as session:
        entries = data.calendar_entries(session)
    ics = calendar(entries, "Nhắc việc", TZ, AS_OF, installation_id("123456:abc", ""))
    text = ics.decode("utf-8")
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Ho_Chi_Minh" in text
    feed = vobject.readOne(text)
    events = feed.vevent_list
    assert len(events) == len(entries)
    deadline = next(e for e in events if e.summary.value.startswith("Hạn [496/KH-SGDĐT] D1"))
    [alarm] = deadline.valarm_list
    assert alarm.trigger.value == timedelta(days=-1) and alarm.action.value == "DISPLAY"
    meeting = next(e for e in events if e.summary.value.startswith("[496/KH-SGDĐT] E1"))
    assert meeting.dtstart.value == datetime(2025, 2, 6, 14, 0, tzinfo=TZ)
    uids = {e.uid.value for e in events}
    assert len(uids) == len(events) and all(u.endswith("@bot123456.nhacviec") for u in uids)
    # Rebuilt from scratch (new row ids), the same deadline keeps its UID; another office's not.
    moved = [Entry(e.occurrence_id + 1000, e.plan_number, e.task_ref, e.title, e.kind, e.due_at,
                   e.starts_at, e.ends_at, e.units, e.period_key) for e in entries]  # fmt: skip
    again = vobject.readOne(calendar(moved, "x", TZ, AS_OF, "bot123456").decode("utf-8"))
    assert {e.uid.value for e in again.vevent_list} == uids
    other = vobject.readOne(calendar(entries, "x", TZ, AS_OF, "bot999").decode("utf-8"))
    assert not {e.uid.value for e in other.vevent_list} & uids
    long = whole_words("Bố trí các điểm cầu tại cơ sở theo đúng yêu cầu " * 5)
    assert long.endswith("…") and not long[:-1].endswith(" ") and len(long) <= 120
    words = ["Bố", "trí", "các", "điểm", "cầu", "tại", "cơ", "sở", "theo", "đúng", "yêu", "cầu"]
    assert long[:-1].split()[-1] in words


def test_a_recurring_deadline_is_one_entry_with_a_rule_where_a_rule_says_its_days():
    """The 22nd of each month: one entry, RRULE, expanded by an independent reader to the
    same days. Where a day moved (off a Sunday), every date stays its own entry."""
    import vobject

    from reports.calendar import Entry, recurrence

    def entry(day: date, i: int) -> Entry:
        due = datetime.combine(day, time(23, 59), tzinfo=TZ).astimezone(UTC)
        return Entry(i, "12/QC-SGDĐT", "Đ5", "Báo cáo tháng", "deadline", due,
                     period_key=f"{day:%Y-%m}")  # fmt: skip

    monthly = [date(2025, m, 22) for m in range(1, 13)]
    assert recurrence(monthly) == {"freq": "MONTHLY", "bymonthday": 22, "until": monthly[-1]}
    assert recurrence([date(2025, 6, 15), date(2025, 12, 15), date(2026, 6, 15)]) == {
        "freq": "MONTHLY", "interval": 6, "bymonthday": 15, "until": date(2026, 6, 15)
    }  # fmt: skip
    moved = [*monthly[:5], date(2025, 6, 20), *monthly[6:]]  # 22/6/2025 is a Sunday
    assert recurrence(moved) is None and recurrence(monthly[:2]) is None

    feed = vobject.readOne(
        calendar([entry(d, i) for i, d in enumerate(monthly)], "x", TZ, AS_OF).decode("utf-8")
    )
    [series] = feed.vevent_list
    assert series.rrule.value.startswith("FREQ=MONTHLY")
    assert [d.date() for d in series.getrruleset()] == monthly
    kept = vobject.readOne(
        calendar([entry(d, i) for i, d in enumerate(moved)], "x", TZ, AS_OF).decode("utf-8")
    )
    assert len(kept.vevent_list) == 12 and not any(hasattr(e, "rrule") for e in kept.vevent_list)
