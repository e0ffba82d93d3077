"""The office sends a plan to the bot, reads the summary, and presses Apply."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from db.models import AuditLog, ChatState, Plan, Task
from db.registry import import_sample
from db.session import session_scope
from tests.conftest import OFFICE_ADMIN, emulator_settings
from tests.plan_fixtures import docx_004

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plans(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(func.count(Plan.id))) or 0


async def send_plan(emu, tmp_path, user=OFFICE_ADMIN):  # type: ignore[no-untyped-def]
    before = len(emu.bot_messages(user))
    emu.send_document(user, docx_004(tmp_path / "kh496.docx").read_bytes(), "kh496.docx", DOCX)
    return await emu.wait_for(
        lambda: len(emu.bot_messages(user)) > before and emu.bot_messages(user)[-1]
    )


async def press(emu, message, data, user=OFFICE_ADMIN):  # type: ignore[no-untyped-def]
    query = emu.press(user, message["message_id"], data)
    await emu.wait_for(lambda: query in emu.callback_answers)
    return query


async def test_the_office_reads_the_summary_and_applies(bot, emulator, sessions, tmp_path):
    with session_scope(sessions) as session:
        import_sample(session)
    emu = emulator.emulator
    summary = await send_plan(emu, tmp_path)
    assert "Kế hoạch 496/KH-SGDĐT" in summary["text"] and "24/01/2025" in summary["text"]
    assert "có lẽ là 05/02/2025" in summary["text"]
    assert "Các quận, huyện" in summary["text"]  # unmatched: to map once
    buttons = summary["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["plan:apply", "plan:cancel"]
    assert plans(sessions) == 0  # nothing saved before Apply

    await press(emu, summary, "plan:apply")
    done = await emu.wait_for(
        lambda: "Đã lưu kế hoạch" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"]
    )
    assert done
    assert plans(sessions) == 1
    with sessions() as session:
        assert set(session.scalars(select(Task.ref))) == {"D1", "E1"}
        assert session.scalar(select(func.count(ChatState.chat_id))) == 0

    # The same file again: the office is told nothing changed, not "2 tasks updated".
    await press(emu, await send_plan(emu, tmp_path), "plan:apply")
    again = await emu.wait_for(
        lambda: "không có gì thay đổi" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"]
    )
    assert again and plans(sessions) == 1


async def test_cancel_saves_nothing(bot, emulator, sessions, tmp_path):
    emu = emulator.emulator
    summary = await send_plan(emu, tmp_path)
    await press(emu, summary, "plan:cancel")
    await emu.wait_for(lambda: "Đã hủy" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"])
    assert plans(sessions) == 0
    again = await press(emu, summary, "plan:apply")  # an old button after the import ended
    assert "không còn" in emu.callback_answers[again]["text"]
    assert plans(sessions) == 0


async def test_a_restart_between_summary_and_apply_loses_nothing(
    bot, emulator, sessions, db_url, clock, tmp_path
):
    emu = emulator.emulator
    summary = await send_plan(emu, tmp_path)
    await stop_application(bot)  # the bot restarts; the pending import is in the database
    settings = emulator_settings(emulator, db_url, OFFICE_ADMINS=str(OFFICE_ADMIN))
    restarted = build_application(Services(settings, sessions, clock))
    await start_application(restarted, poll_timeout=0.5)
    try:
        await press(emu, summary, "plan:apply")
        await emu.wait_for(lambda: "Đã lưu kế hoạch" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"])
    finally:
        await stop_application(restarted)
        await start_application(bot, poll_timeout=0.5)  # the fixture stops it at the end
    assert plans(sessions) == 1


async def test_a_staff_member_cannot_import_a_plan(bot, emulator, sessions, tmp_path):
    emu = emulator.emulator
    reply = await send_plan(emu, tmp_path, user=777)
    assert "chưa được liên kết" in reply["text"]
    assert plans(sessions) == 0
    with sessions() as session:
        refusal = session.scalar(select(AuditLog).where(AuditLog.action == "refused:plan_upload"))
        assert refusal is not None and refusal.actor_user_id == 777


async def test_an_unreadable_file_is_one_clear_message(bot, emulator, sessions):
    emu = emulator.emulator
    emu.send_document(OFFICE_ADMIN, b"\x00\x01garbage", "kh.docx", DOCX)
    reply = await emu.wait_for(lambda: emu.last_bot_message(OFFICE_ADMIN))
    assert "Không nhập được kế hoạch" in reply["text"] and "Chưa có gì được lưu" in reply["text"]
    assert plans(sessions) == 0


async def test_the_preview_names_the_report_regime_and_apply_confirms_it(bot, emulator, sessions):
    from tests.test_plan_text import SEED_000

    with session_scope(sessions) as session:
        import_sample(session)
    emu = emulator.emulator
    before = len(emu.bot_messages(OFFICE_ADMIN))
    emu.send_document(OFFICE_ADMIN, SEED_000.encode(), "kh91.txt", "text/plain")
    summary = await emu.wait_for(
        lambda: len(emu.bot_messages(OFFICE_ADMIN)) > before and emu.bot_messages(OFFICE_ADMIN)[-1]
    )
    text = summary["text"]
    # Section III's duties, unit by unit, and the regime their "theo quy định" was read as.
    assert "III.2.2" in text and "Các trường THPT" in text
    assert "Chế độ báo cáo “theo quy định” — 6 tháng một lần, hạn 15/06 và 15/12" in text
    assert "Nghị định 09/2019" in text and "✅ Áp dụng là xác nhận" in text
    await press(emu, summary, "plan:apply")
    assert await emu.wait_for(
        lambda: "Đã lưu kế hoạch" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"]
    )
    with sessions() as session:
        report = session.scalar(select(Task).where(Task.ref == "III.2.2"))
        assert report is not None and "15/6 và 15/12" in report.timeline_text


async def test_a_letters_summary_says_it_is_a_letter_and_who_each_deadline_is_for(
    bot, emulator, sessions
):
    from tests.test_letters import as_docx

    with session_scope(sessions) as session:
        import_sample(session)
    emu = emulator.emulator
    emu.send_document(OFFICE_ADMIN, as_docx(), "cv2315.docx", DOCX)
    summary = await emu.wait_for(
        lambda: emu.bot_messages(OFFICE_ADMIN) and emu.bot_messages(OFFICE_ADMIN)[-1]
    )
    text = summary["text"]
    print(text)  # the transcript, looked at with `pytest -s`
    assert text.startswith("📄 Công văn 2315/SGDĐT-GDTrH ngày 15/12/2025 (cv2315.docx)")
    assert "Báo cáo kết quả thực hiện nhiệm vụ học kỳ I năm học 2025-2026" in text
    assert "Các trường THPT" in text and "Hiệu trưởng các trường PT DTNT" in text
    assert text.endswith("Lưu công văn này?") and "kế hoạch" not in text.lower()


async def test_a_letter_saved_as_a_web_page_is_read_and_saved_as_a_letter(bot, emulator, sessions):
    from tests.test_realdocs import REALDOCS

    with session_scope(sessions) as session:
        import_sample(session)
    emu = emulator.emulator
    page = (REALDOCS / "ldtbxh-cv2638-2019.html").read_bytes()
    emu.send_document(OFFICE_ADMIN, page, "cv2638.html", "text/html")
    summary = await emu.wait_for(
        lambda: emu.bot_messages(OFFICE_ADMIN) and emu.bot_messages(OFFICE_ADMIN)[-1]
    )
    print(summary["text"])  # the transcript, looked at with `pytest -s`
    assert summary["text"].startswith("📄 Công văn 2638/LĐTBXH-KHTC ngày 03/07/2019")
    assert "trước ngày 12/07/2019" in summary["text"]
    assert summary["text"].endswith("Lưu công văn này?")
    await press(emu, summary, "plan:apply")
    saved = await emu.wait_for(
        lambda: (
            "Đã lưu" in emu.bot_messages(OFFICE_ADMIN)[-1]["text"]
            and emu.bot_messages(OFFICE_ADMIN)[-1]["text"]
        )
    )
    print(saved)
    assert saved.startswith("✅ Đã lưu công văn") and plans(sessions) == 1
