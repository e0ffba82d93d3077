"""What a district head does on the phone: open a task, answer, explain a problem, send a
report, tick a checklist, fill in the conference form — through the emulator and real PTB."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from db.models import (
    Attachment,
    AuditLog,
    ChecklistAnswer,
    ChecklistItem,
    FormSubmission,
    Member,
    Occurrence,
    Response,
    Role,
    Status,
    Task,
    UnitStatus,
)
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from plans.matching import remember
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.conftest import OFFICE_ADMIN, emulator_settings
from tests.test_plan_text import SEED_004

HEAD, CENTRE = 5101, 5201  # the head of Phòng GDĐT Kiến An; a centre's head under it
PDF = "application/pdf"


@pytest.fixture
def world(sessions):  # type: ignore[no-untyped-def]
    """Seed 004 imported, its deadline corrected to 2025; two heads linked."""
    with session_scope(sessions) as session:
        import_sample(session)
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    with session_scope(sessions) as session:
        text = SEED_004.replace("trước ngày 05/02/2024", "trước ngày 05/02/2025")
        save_plan(session, parse_plan_text(text, date(2025, 1, 24)), "kh496.txt", "h",
                  date(2025, 1, 24))  # fmt: skip
        for code, user in (("PGD-KIENAN", HEAD), ("TTGDNN-KIENAN", CENTRE)):
            unit = unit_by_code(session, code)
            assert unit is not None
            session.add(Member(unit_id=unit.id, telegram_user_id=user, chat_id=user,
                               full_name=f"Trưởng {code}", role=Role.HEAD))  # fmt: skip
        deadline = session.scalar(select(Task).where(Task.ref == "D1"))
        assert deadline is not None
        for i, label in enumerate(["Bố trí phòng họp", "Kiểm tra đường truyền",
                                   "Gửi danh sách đại biểu"]):  # fmt: skip
            session.add(ChecklistItem(task_id=deadline.id, position=i, label=label))
    return sessions


async def ready(bot, emulator, world):  # type: ignore[no-untyped-def]
    """Occurrences rolled forward as the running bot does at its first tick."""
    emu = emulator.emulator
    for user in (HEAD, CENTRE):
        emu.user(user, first_name=f"Người {user}")
    await bot.bot_data["engine"].tick()
    return emu


def d1(world) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with world() as session:
        occurrence = session.scalar(select(Occurrence).join(Task).where(Task.ref == "D1"))
        unit = unit_by_code(session, "PGD-KIENAN")
        assert occurrence is not None and unit is not None
        return occurrence.id, unit.id


async def say(emu, user: int, text: str, replies: int = 1) -> dict:  # type: ignore[no-untyped-def]
    before = len(emu.bot_messages(user))
    emu.send_text(user, text)
    await emu.wait_for(lambda: len(emu.bot_messages(user)) >= before + replies)
    return emu.bot_messages(user)[-1]


async def press(emu, user: int, message: dict, data: str, replies: int = 0) -> dict:  # type: ignore[no-untyped-def]
    """Press a button; wait for its acknowledgement (and `replies` new messages)."""
    before = len(emu.bot_messages(user))
    query = emu.press(user, message["message_id"], data)
    await emu.wait_for(lambda: query in emu.callback_answers)
    if replies:
        await emu.wait_for(lambda: len(emu.bot_messages(user)) >= before + replies)
    return emu.callback_answers[query]


async def edited(emu, user: int, message: dict, contains: str) -> dict:  # type: ignore[no-untyped-def]
    """The message once it has been edited to show `contains` (the edit follows the ack)."""

    def find():  # type: ignore[no-untyped-def]
        for m in emu.bot_messages(user):
            if m["message_id"] == message["message_id"] and contains in m["text"]:
                return m
        return None

    return await emu.wait_for(find)


def buttons(message: dict) -> list[str]:  # type: ignore[type-arg]
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


async def open_card(emu, user: int = HEAD) -> dict:  # type: ignore[no-untyped-def]
    listing = await say(emu, user, "/viec")
    assert "Việc của Phòng GDĐT quận Kiến An" in listing["text"]
    opener = next(b for b in buttons(listing) if b.startswith("o:"))
    await press(emu, user, listing, opener, replies=1)
    card = emu.bot_messages(user)[-1]
    assert "Vai trò: chủ trì" in card["text"] and "Hạn: Thứ Ba, 04/02/2025" in card["text"]
    return card


def responses(world) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    with world() as session:
        return [(r.status.value, r.note, r.late)
                for r in session.scalars(select(Response).order_by(Response.id))]  # fmt: skip


async def test_done_with_a_note_and_a_report_file(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    assert buttons(card)[:4] == [f"s:{occurrence}:{unit}:{c}" for c in "dpbf"]
    assert all(len(b.encode()) <= 64 for b in buttons(card))

    answer = await press(emu, HEAD, card, f"s:{occurrence}:{unit}:d", replies=1)
    assert answer["text"] == "Đã ghi nhận: ✅ Hoàn thành"
    shown = await edited(emu, HEAD, card, "Đã ghi nhận")
    assert "Đã ghi nhận: ✅ Hoàn thành — Trưởng PGD-KIENAN, 08:00 24/01/2025" in shown["text"]
    assert "Trạng thái: ✅ Hoàn thành" in shown["text"]
    assert "ghi chú hoặc gửi tệp báo cáo" in emu.bot_messages(HEAD)[-1]["text"]

    saved = await say(emu, HEAD, "Đã gửi UBND quận ngày 25/01")
    assert "Đã lưu ghi chú cho nhiệm vụ D1" in saved["text"]
    assert responses(world) == [("done", "", False), ("done", "Đã gửi UBND quận ngày 25/01", False)]

    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:f", replies=1)
    assert "Hãy gửi tệp báo cáo cho nhiệm vụ D1" in emu.bot_messages(HEAD)[-1]["text"]
    emu.send_document(HEAD, b"%PDF-1.4 report", "Bao cao diem cau.pdf", PDF)
    got = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(HEAD) if "Đã nhận tệp" in m["text"]), None)
    )
    assert "Bao cao diem cau.pdf" in got["text"]
    emu.send_photo(HEAD, b"\xff\xd8 a photo of the signed report " * 10)  # nothing is asked now
    hint = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(HEAD) if "bấm 📎 Gửi báo cáo" in m["text"]),
                     None)
    )  # fmt: skip
    assert hint
    with world() as session:
        files = session.scalars(select(Attachment)).all()
    assert [(f.file_name, f.mime_type, f.size, f.unit_id) for f in files] == [
        ("Bao cao diem cau.pdf", PDF, 15, unit)
    ]
    assert files[0].response_id is not None


async def test_a_photo_is_kept_and_bad_files_are_refused_with_a_reason(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:f", replies=1)
    emu.send_document(HEAD, b"MZ\x90", "virus.exe", "application/octet-stream")
    refused = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(HEAD) if "virus.exe" in m["text"]), None)
    )
    assert "Không nhận loại tệp" in refused["text"]
    emu.send_photo(HEAD, b"\xff\xd8" + b"x" * 5000)
    await emu.wait_for(lambda: "Đã nhận tệp" in emu.bot_messages(HEAD)[-1]["text"])
    with world() as session:
        photo = session.scalars(select(Attachment)).one()
    assert photo.mime_type == "image/jpeg" and photo.size == 5002, "the largest size is kept"


async def test_blocked_asks_what_the_problem_is_and_a_restart_mid_question_loses_nothing(
    bot, emulator, world, clock, sessions, db_url
):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:b", replies=1)
    question = emu.bot_messages(HEAD)[-1]
    assert "Vướng mắc gì?" in question["text"] and buttons(question) == ["q:x"]

    # The bot restarts before the head answers.
    await stop_application(bot)
    settings = emulator_settings(emulator, db_url, OFFICE_ADMINS=str(OFFICE_ADMIN))
    restarted = build_application(Services(settings, sessions, clock), max_retries=3)
    await start_application(restarted, poll_timeout=0.5)
    try:
        saved = await say(emu, HEAD, "Chưa có kinh phí thuê đường truyền")
    finally:
        await stop_application(restarted)
    assert "Đã lưu ghi chú" in saved["text"]
    assert responses(world) == [
        ("blocked", "", False),
        ("blocked", "Chưa có kinh phí thuê đường truyền", False),
    ]


async def test_cancel_leaves_the_status_and_asks_nothing_more(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:b", replies=1)
    question = emu.bot_messages(HEAD)[-1]
    cancelled = await press(emu, HEAD, question, "q:x")
    assert cancelled["text"] == "Đã hủy."
    reply = await say(emu, HEAD, "xin chào")
    assert "không chờ câu trả lời nào" in reply["text"]
    assert responses(world) == [("blocked", "", False)]


async def test_a_member_of_another_unit_cannot_answer_and_the_refusal_is_kept(
    bot, emulator, world, clock
):
    emu = await ready(bot, emulator, world)
    occurrence, unit = d1(world)
    listing = await say(emu, CENTRE, "/viec")
    # A forged button: the centre's head presses the district's task.
    refused = await press(emu, CENTRE, listing, f"s:{occurrence}:{unit}:d")
    no_right = ("Đồng chí không có quyền trả lời cho đơn vị này: chỉ cán bộ đã liên kết của "
                "đơn vị (hoặc Văn phòng Sở) mới báo cáo được.")  # fmt: skip
    assert refused == {"text": no_right, "show_alert": True}
    assert responses(world) == []
    with world() as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "refused:answer")).one()
    assert audit.actor_user_id == CENTRE and audit.unit_id == unit
    stranger = 9999
    emu.user(stranger)
    listing = await say(emu, stranger, "/viec")
    assert "chưa được liên kết" in listing["text"]
    refused = await press(emu, stranger, listing, f"s:{occurrence}:{unit}:d")
    assert refused["show_alert"] and responses(world) == []


async def test_the_office_may_answer_for_a_unit_on_the_phone(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    occurrence, unit = d1(world)
    emu.user(OFFICE_ADMIN)
    note = await say(emu, OFFICE_ADMIN, "/viec")
    answer = await press(emu, OFFICE_ADMIN, note, f"s:{occurrence}:{unit}:p")
    assert answer["text"] == "Đã ghi nhận: 🔄 Đang thực hiện"
    assert responses(world) == [("in_progress", "", False)]


async def test_a_button_on_an_old_message_after_the_task_left_the_plan(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    with session_scope(world) as session:
        session.scalars(select(Task).where(Task.ref == "D1")).one().active = False
    answer = await press(emu, HEAD, card, f"s:{occurrence}:{unit}:d")
    assert "đã thay đổi hoặc không còn" in answer["text"] and answer["show_alert"]
    assert responses(world) == []


async def test_an_answer_after_the_deadline_is_accepted_and_marked_late(
    bot, emulator, world, clock
):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    clock.now = datetime(2025, 2, 6, 2, 0, tzinfo=UTC)  # two days after 04/02
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:d", replies=1)
    late = await edited(emu, HEAD, card, "(quá hạn)")
    assert "quá hạn 2 ngày" in late["text"]
    assert responses(world) == [("done", "", True)]
    with world() as session:
        status = session.scalars(select(UnitStatus)).one()
    assert status.status == Status.DONE and status.late


async def test_html_in_a_note_is_shown_as_text_and_a_10000_character_note_is_kept(
    bot, emulator, world, clock
):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:b", replies=1)
    injected = '<b>gấp</b> <a href="http://x">bấm</a> & </i>'
    saved = await say(emu, HEAD, injected)
    assert injected in saved["text"], "shown literally, not as markup"
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:b", replies=1)
    long_note = ("Thiếu thiết bị. " * 700)[:10_000]
    saved = await say(emu, HEAD, long_note)
    assert "Đã lưu ghi chú" in saved["text"] and len(saved["text"]) < 4096
    notes = [note for _, note, _ in responses(world) if note]
    assert notes == [injected, long_note]
    history = await say(emu, HEAD, "/lichsu")
    assert "Báo cáo gần đây của Phòng GDĐT quận Kiến An" in history["text"]
    assert "&lt;b&gt;" not in history["text"] and "<b>gấp</b>" in history["text"]


async def test_a_checklist_saves_each_tick_and_submits_with_the_count(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    assert f"c:{occurrence}:{unit}" in buttons(card)
    await press(emu, HEAD, card, f"c:{occurrence}:{unit}", replies=1)
    checklist = emu.bot_messages(HEAD)[-1]
    assert "☐ 1. Bố trí phòng họp" in checklist["text"]
    toggles = [b for b in buttons(checklist) if b.startswith("k:")]
    assert len(toggles) == 3
    await press(emu, HEAD, checklist, toggles[0])
    await press(emu, HEAD, checklist, toggles[1])
    with world() as session:
        ticked = session.scalars(select(ChecklistAnswer).where(ChecklistAnswer.checked)).all()
    assert len(ticked) == 2, "partial progress is saved at once"
    await press(emu, HEAD, checklist, f"ks:{occurrence}:{unit}")
    await edited(emu, HEAD, checklist, "Đã gửi danh sách kiểm tra nhiệm vụ D1: 2/3 mục")
    assert responses(world) == [("in_progress", "Danh sách kiểm tra: 2/3", False)]
    # A forged item id from another task is refused as gone, not ticked.
    answer = await press(emu, HEAD, checklist, f"k:{occurrence}:{unit}:999999")
    assert answer["show_alert"]


async def test_the_conference_form_one_question_at_a_time_through_a_restart(
    bot, emulator, world, clock, sessions, db_url
):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    assert f"f:{occurrence}:{unit}" in buttons(card)
    await press(emu, HEAD, card, f"f:{occurrence}:{unit}", replies=1)
    first = emu.bot_messages(HEAD)[-1]
    assert "Số lượng điểm cầu" in first["text"]
    wrong = await say(emu, HEAD, "hai", replies=2)
    assert "Cần một số nguyên không âm" in emu.bot_messages(HEAD)[-2]["text"]
    assert "Số lượng điểm cầu" in wrong["text"], "the same question again"
    question = await say(emu, HEAD, "2")
    assert "lần 1/2" in question["text"] and "Các địa điểm đặt điểm cầu" in question["text"]
    await say(emu, HEAD, "Hội trường UBND quận Kiến An")

    await stop_application(bot)
    settings = emulator_settings(emulator, db_url, OFFICE_ADMINS=str(OFFICE_ADMIN))
    restarted = build_application(Services(settings, sessions, clock), max_retries=3)
    await start_application(restarted, poll_timeout=0.5)
    try:
        question = await say(emu, HEAD, "Phòng GDĐT; THCS Trần Phú")
        assert "Số lượng CBQL, GV" in question["text"]
        await say(emu, HEAD, "-3", replies=2)
        assert "Cần một số nguyên không âm" in emu.bot_messages(HEAD)[-2]["text"]
        question = await say(emu, HEAD, "45")
        assert "lần 2/2" in question["text"]
        await say(emu, HEAD, "Trường THPT Kiến An")
        await say(emu, HEAD, "THPT Kiến An")
        summary = await say(emu, HEAD, "30")
        assert "Kiểm tra lại trước khi gửi" in summary["text"]
        assert "Số lượng CBQL, GV tại từng điểm cầu (2): 30" in summary["text"]
        await press(emu, HEAD, summary, f"fc:{occurrence}:{unit}", replies=1)
        assert "Đã gửi biểu mẫu cho nhiệm vụ D1" in emu.bot_messages(HEAD)[-1]["text"]
    finally:
        await stop_application(restarted)
    with world() as session:
        submission = session.scalars(select(FormSubmission)).one()
    assert submission.answers == {"final": {
        "f1": 2,
        "diem_cau": [
            {"f2": "Hội trường UBND quận Kiến An", "f3": "Phòng GDĐT; THCS Trần Phú", "f4": 45},
            {"f2": "Trường THPT Kiến An", "f3": "THPT Kiến An", "f4": 30},
        ],
    }}  # fmt: skip
    assert responses(world)[-1][0] == "done"


async def test_a_sent_form_can_be_corrected_until_the_deadline_only(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"f:{occurrence}:{unit}", replies=1)
    summary = await say(emu, HEAD, "0")  # no bridge point: straight to the summary
    await press(emu, HEAD, summary, f"fc:{occurrence}:{unit}", replies=1)
    await press(emu, HEAD, card, f"fe:{occurrence}:{unit}", replies=1)
    assert "Số lượng điểm cầu" in emu.bot_messages(HEAD)[-1]["text"], "a correction starts"
    clock.now = datetime(2025, 2, 5, 2, 0, tzinfo=UTC)
    closed = await press(emu, HEAD, card, f"f:{occurrence}:{unit}")
    assert "không sửa được" in closed["text"]
    with world() as session:
        assert session.scalars(select(FormSubmission)).one().answers["final"] == {
            "f1": 0, "diem_cau": []
        }  # fmt: skip


async def test_the_office_asks_an_overdue_unit_to_explain_and_reads_the_answer(
    bot, emulator, world, clock
):
    emu = await ready(bot, emulator, world)
    occurrence, unit = d1(world)
    emu.user(OFFICE_ADMIN)
    anything = await say(emu, OFFICE_ADMIN, "/huongdan")
    clock.now = datetime(2025, 2, 14, 2, 0, tzinfo=UTC)
    await press(emu, OFFICE_ADMIN, anything, f"x:{occurrence}:{unit}", replies=1)
    assert (
        "Đã gửi yêu cầu giải trình tới Phòng GDĐT quận Kiến An"
        in (emu.bot_messages(OFFICE_ADMIN)[-1]["text"])
    )
    await bot.bot_data["engine"].tick()
    request = next(m for m in emu.bot_messages(HEAD) if "Yêu cầu giải trình" in m["text"])
    assert buttons(request) == [f"e:{occurrence}:{unit}"]
    await press(emu, HEAD, request, f"e:{occurrence}:{unit}", replies=1)
    saved = await say(emu, HEAD, "Tết Nguyên đán nên chậm tổng hợp số liệu")
    assert "Đã lưu giải trình" in saved["text"]
    with world() as session:
        status = session.scalars(select(UnitStatus)).one()
    assert status.explanation == "Tết Nguyên đán nên chậm tổng hợp số liệu"
    assert status.explanation_requested_at is not None
    await bot.bot_data["engine"].tick()
    told = [m for m in emu.bot_messages(OFFICE_ADMIN) if "giải trình nhiệm vụ D1" in m["text"]]
    assert told and "Tết Nguyên đán" in told[0]["text"]
    # Only the office may ask.
    own = await say(emu, CENTRE, "/viec")
    refused = await press(emu, CENTRE, own, f"x:{occurrence}:{unit}")
    assert refused["show_alert"]


async def test_the_command_menu_is_in_vietnamese(bot, emulator):
    menu = next(iter(emulator.emulator.commands.values()))
    commands = {c["command"]: c["description"] for c in menu}
    assert commands["viec"] == "Việc của đơn vị tôi"
    assert commands["lichsu"] == "Các báo cáo gần đây"


async def test_skipping_the_optional_note_after_done_keeps_the_answer(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:d", replies=1)
    question = emu.bot_messages(HEAD)[-1]
    assert "ghi chú hoặc gửi tệp báo cáo" in question["text"] and buttons(question) == ["q:s"]
    toast = await press(emu, HEAD, question, "q:s")
    assert "đã ghi nhận vẫn giữ nguyên" in toast["text"] and "hủy" not in toast["text"]
    assert responses(world) == [("done", "", False)]


async def test_form_answers_are_bound_to_the_question_they_answer(bot, emulator, world, clock):
    """Typed ahead (two answers before the next question came) or delivered again after a
    crash, an answer is never applied to the next question: the first is refused aloud, the
    second taken once."""
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"f:{occurrence}:{unit}", replies=1)
    assert "Số lượng điểm cầu" in emu.bot_messages(HEAD)[-1]["text"]

    two = emu.send_text(HEAD, "2")
    ahead = emu.send_text(HEAD, "Hội trường UBND")  # before "lần 1/2" was asked
    await emu.wait_for(lambda: "chưa được ghi" in emu.bot_messages(HEAD)[-2]["text"])
    refusal = emu.bot_messages(HEAD)[-2]
    assert "Hội trường UBND" in refusal["text"]
    assert "lần 1/2" in emu.bot_messages(HEAD)[-1]["text"], "asked again, not skipped"

    before = len(emu.bot_messages(HEAD))
    emu.redeliver(two)  # the crash case: Telegram gives the bot "2" once more
    emu.redeliver(ahead)
    answer = await say(emu, HEAD, "Trường THPT Kiến An")
    assert len(emu.bot_messages(HEAD)) == before + 1, "the redelivered ones said nothing"
    assert "Đơn vị phụ trách" in answer["text"] or "lần 1/2" in answer["text"]
    with world() as session:
        submission = session.scalars(select(FormSubmission)).one()
    draft = submission.answers["draft"]
    assert draft["f1"] == 2 and draft["diem_cau"][0]["f2"] == "Trường THPT Kiến An"


async def test_a_nul_in_a_note_and_a_300_character_file_name_are_stored(
    bot, emulator, world, clock
):
    """PostgreSQL refuses NUL in text: the note is kept without it; a file name longer than
    its column is kept cut, and the file has its record."""
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:b", replies=1)
    saved = await say(emu, HEAD, "Thiếu\x00 kinh phí")
    assert "Thiếu kinh phí" in saved["text"]
    await press(emu, HEAD, card, f"s:{occurrence}:{unit}:f", replies=1)
    name = "Báo cáo " + "rất dài " * 36 + ".pdf"
    assert len(name) > 255
    emu.send_document(HEAD, b"%PDF-1.4 report", name, PDF)
    got = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(HEAD) if "Đã nhận tệp" in m["text"]), None)
    )
    assert got and "lỗi" not in got["text"]
    with world() as session:
        attachment = session.scalars(select(Attachment)).one()
        note = session.scalars(select(Response.note).where(Response.note != "")).one()
    assert len(attachment.file_name) <= 255 and attachment.file_name.startswith("Báo cáo rất dài")
    assert note == "Thiếu kinh phí"


async def test_a_button_from_an_old_message_is_answered_clearly(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    stale = "Nút này thuộc một tin nhắn cũ và không còn dùng được."
    # A tag this version has no button for, and a known tag whose data it cannot read.
    for data in (f"zz:{occurrence}:{unit}", f"s:{occurrence}:{unit}:z", "q:?"):
        answer = await press(emu, HEAD, card, data)
        assert answer["show_alert"] and answer["text"].startswith(stale)
    listing = await say(emu, HEAD, "/viec")  # and the bot still works
    assert "Việc của" in listing["text"]
