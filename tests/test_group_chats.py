"""A unit's Telegram group and the office's: the head links the group, the group gets the
unit's reminders, only the unit's own people may answer there (their follow-up questions go
to their own chat), the office's group gets its digest, a group hears at most 20 messages a
minute, and a group the bot was removed from (or that moved to a new id) is followed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import GroupChat, Member, Reminder, ReminderState, Response, Role
from db.registry import unit_by_code
from db.session import session_scope
from jobs import outbox
from jobs.schedule import Recipient
from tests.conftest import OFFICE_ADMIN
from tests.head_story import HEAD, at, seed

GROUP = -1002001
OFFICE_GROUP = -1002002
STAFF = 5002  # linked to the head's unit, not its head
OUTSIDER = 5003  # in the group, linked to nothing
OTHER_HEAD = 5004  # the head of another unit


def people(sessions: Any, emu: Any) -> None:
    seed(sessions)
    with session_scope(sessions) as session:
        own, other = unit_by_code(session, "SGDDT"), unit_by_code(session, "THPT-NGOQUYEN")
        assert own is not None and other is not None
        session.add_all([
            Member(unit_id=own.id, telegram_user_id=STAFF, chat_id=STAFF, full_name="Cán bộ",
                   role=Role.STAFF),
            Member(unit_id=other.id, telegram_user_id=OTHER_HEAD, chat_id=OTHER_HEAD,
                   full_name="Hiệu trưởng khác", role=Role.HEAD),
        ])  # fmt: skip
    for user, name in ((HEAD, "Hiệu"), (STAFF, "Cán bộ"), (OUTSIDER, "Khách"),
                       (OTHER_HEAD, "Hiệu trưởng khác")):  # fmt: skip
        emu.user(user, first_name=name)


async def said_in(emu: Any, chat: int, user: int, text: str) -> str:
    before = len(emu.bot_messages(chat))
    emu.send_text(user, text, chat_id=chat)
    await emu.wait_for(lambda: len(emu.bot_messages(chat)) > before)
    return str(emu.bot_messages(chat)[-1]["text"])


async def linked_group(emu: Any, chat: int = GROUP, by: int = HEAD) -> None:
    before = len(emu.bot_messages(chat))
    emu.add_bot_to_group(chat, by, "Tổ công tác")
    await emu.wait_for(lambda: len(emu.bot_messages(chat)) > before)
    assert "/lienketnhom" in emu.bot_messages(chat)[-1]["text"]
    assert "đã được liên kết" in await said_in(emu, chat, by, "/lienketnhom")


async def a_linked_group(emulator: Any, sessions: Any, clock: Any) -> Any:
    """The story so far: the head's unit and its people, and the head links their group on
    the 23rd. Returns the emulator's state."""
    emu = emulator.emulator
    people(sessions, emu)
    clock.now = at(23)
    await linked_group(emu)
    return emu


async def press(emu: Any, user: int, chat: int, message: dict, data: str) -> str:  # type: ignore[type-arg]
    query = emu.press(user, message["message_id"], data, chat_id=chat)
    await emu.wait_for(lambda: query in emu.callback_answers)
    return str(emu.callback_answers[query].get("text") or "")


def labels(message: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {b["text"]: b["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"] for b in row}  # fmt: skip


def answers(sessions: Any) -> list[Response]:
    with sessions() as session:
        return list(session.scalars(select(Response).order_by(Response.id)))


async def test_only_the_head_links_the_units_group_and_it_gets_the_units_reminders(
    bot, emulator, sessions, clock
):
    emu = emulator.emulator
    people(sessions, emu)
    clock.now = at(23)
    emu.add_bot_to_group(GROUP, STAFF, "Tổ công tác")
    await emu.wait_for(lambda: emu.bot_messages(GROUP))
    for user in (STAFF, OUTSIDER):
        assert "Chỉ thủ trưởng đơn vị" in await said_in(emu, GROUP, user, "/lienketnhom")
    assert "Sở Giáo dục" in await said_in(emu, GROUP, HEAD, "/lienketnhom")
    with sessions() as session:
        group = session.scalars(select(GroupChat)).one()
        assert group.active and group.chat_id == GROUP and group.title == "Tổ công tác"
    # Another unit's head in the group cannot take it over, for their unit nor any.
    for command in ("/lienketnhom", "/lienketnhom THPT-NGOQUYEN", "/lienketnhom SGDDT"):
        assert "Chỉ thủ trưởng" in await said_in(emu, GROUP, OTHER_HEAD, command)
    with sessions() as session:
        assert session.get(GroupChat, group.id).unit_id == group.unit_id  # type: ignore[union-attr]

    clock.now = at(24)
    await bot.bot_data["engine"].tick()
    bundles = [m for m in emu.bot_messages(GROUP) if "việc cần chú ý" in m["text"]]
    assert len(bundles) == 1, "the group gets the unit's bundle, as the head does"
    assert any("việc cần chú ý" in m["text"] for m in emu.bot_messages(HEAD))
    # /viec in the group: the group's unit's tasks, for its people; not for another unit's.
    assert "Sở Giáo dục" in await said_in(emu, GROUP, STAFF, "/viec")
    assert "không có quyền" in await said_in(emu, GROUP, OTHER_HEAD, "/viec")


async def test_in_the_group_only_the_units_people_answer_and_questions_go_to_their_own_chat(
    bot, emulator, sessions, clock
):
    emu = await a_linked_group(emulator, sessions, clock)
    clock.now = at(24)
    await bot.bot_data["engine"].tick()
    bundle = next(m for m in emu.bot_messages(GROUP) if "việc cần chú ý" in m["text"])
    opened = bundle["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert "không có quyền" in await press(emu, OUTSIDER, GROUP, bundle, opened)
    before = len(emu.bot_messages(GROUP))
    await press(emu, STAFF, GROUP, bundle, opened)
    card = await emu.wait_for(
        lambda: len(emu.bot_messages(GROUP)) > before and emu.bot_messages(GROUP)[-1]
    )
    buttons = labels(card)

    # Pressed by someone who is not the unit's: refused, nothing recorded.
    for stranger in (OUTSIDER, OTHER_HEAD):
        assert "không có quyền" in await press(emu, stranger, GROUP, card, buttons["✅ Hoàn thành"])
    assert answers(sessions) == []

    # The unit's staff: recorded; the card in the group says so and by whom; the question
    # about the blocker goes to their own chat, not to the group.
    private_before = len(emu.bot_messages(STAFF))
    said = await press(emu, STAFF, GROUP, card, buttons["⚠️ Vướng mắc"])
    assert "tin nhắn riêng" in said
    question = await emu.wait_for(
        lambda: len(emu.bot_messages(STAFF)) > private_before and emu.bot_messages(STAFF)[-1]
    )
    assert "Vướng mắc gì" in question["text"]
    assert not any("Vướng mắc gì" in m["text"] for m in emu.bot_messages(GROUP))
    edited = await emu.wait_for(lambda: "Cán bộ" in (emu.chats[GROUP].by_id(
        card["message_id"]) or {}).get("text", ""))  # fmt: skip
    assert edited
    recorded = answers(sessions)
    assert [r.status.value for r in recorded] == ["blocked"]

    # What they type in their own chat is the note.
    before = len(emu.bot_messages(STAFF))
    emu.send_text(STAFF, "Chưa có kinh phí in tài liệu")
    await emu.wait_for(lambda: len(emu.bot_messages(STAFF)) > before)
    assert any("Chưa có kinh phí" in r.note for r in answers(sessions))
    # Talk in the group is not taken for an answer (the bot hears commands there only).
    before = len(emu.bot_messages(GROUP))
    emu.send_text(OUTSIDER, "Chưa có kinh phí à?", chat_id=GROUP)
    assert "Hướng dẫn" in await said_in(emu, GROUP, STAFF, "/huongdan")
    assert len(emu.bot_messages(GROUP)) == before + 1, "only the help: nothing said to the talk"
    assert not any("kinh phí à" in r.note for r in answers(sessions))


async def test_the_office_links_its_own_group_for_the_digest(bot, emulator, sessions, clock):
    emu = emulator.emulator
    people(sessions, emu)
    clock.now = at(23)
    emu.add_bot_to_group(OFFICE_GROUP, OFFICE_ADMIN, "Văn phòng Sở")
    await emu.wait_for(lambda: emu.bot_messages(OFFICE_GROUP))
    # A unit's head cannot make their group the office's.
    assert "Chỉ thủ trưởng" not in await said_in(emu, OFFICE_GROUP, OFFICE_ADMIN, "/lienketnhom")
    assert "tổng hợp" in emu.bot_messages(OFFICE_GROUP)[-1]["text"]
    clock.now = at(30)  # a Monday: the Quý IV deadlines fall due this week
    await bot.bot_data["engine"].tick()
    with sessions() as session:
        kinds = set(session.scalars(select(Reminder.kind).where(Reminder.chat_id == OFFICE_GROUP)))
    assert "digest_office" in kinds
    digest = "Tổng hợp ngày Thứ Hai, 30/12/2024"
    assert any(digest in m["text"] for m in emu.bot_messages(OFFICE_GROUP))
    # The unit's reminders are not the office group's.
    assert not any("việc cần chú ý" in m["text"] for m in emu.bot_messages(OFFICE_GROUP))


async def test_a_group_hears_at_most_twenty_messages_a_minute(bot, emulator, sessions, clock):
    emu = await a_linked_group(emulator, sessions, clock)
    # Telegram's limits as the emulator keeps them, on the test's clock: 20 a minute in a
    # group (its 1-a-second advice for a chat allows bursts; here it would hide the group's).
    emu.limits.enforce, emu.limits.per_chat_per_second = True, 1000
    emu.clock = lambda: clock().timestamp()
    with session_scope(sessions) as session:
        group = session.scalars(select(GroupChat)).one()
        for i in range(30):
            outbox.notify(session, [Recipient(GROUP, group_id=group.id)], f"t{i}",
                          f"Thông báo số {i + 1}", clock(), audience="unit")  # fmt: skip
    engine = bot.bot_data["engine"]

    def notices() -> int:
        return sum("Thông báo số" in m["text"] for m in emu.bot_messages(GROUP))

    # This minute the group was greeted and told it is linked, and the unit's morning
    # bundle is due now too: with 17 notices, the minute's 20.
    report = await engine.tick()
    assert len(emu.bot_messages(GROUP)) == 20
    assert report.postponed == 30 - notices() == 13 and report.ok
    clock.advance(seconds=30)
    await engine.tick()
    assert len(emu.bot_messages(GROUP)) == 20, "still the same minute"
    clock.advance(seconds=31)
    await engine.tick()
    assert notices() == 30 and len(emu.bot_messages(GROUP)) == 33
    assert emu.stats["http_429"] == 0
    with sessions() as session:
        states = set(
            session.scalars(
                select(Reminder.state).where(Reminder.chat_id == GROUP, Reminder.kind == "notice")
            )
        )
    assert states == {ReminderState.SENT}


async def test_a_group_the_bot_was_removed_from_is_unlinked_and_its_unit_told(
    bot, emulator, sessions, clock
):
    emu = await a_linked_group(emulator, sessions, clock)
    engine = bot.bot_data["engine"]
    emu.remove_bot_from_group(GROUP, STAFF)
    await emu.wait_for(lambda: _inactive(sessions))
    clock.now = at(24)
    await engine.tick()
    for person in (HEAD, OFFICE_ADMIN):
        # Waited for, not only looked at: the ticker's own tick may be the one sending it.
        assert await emu.wait_for(
            lambda p=person: any("Tổ công tác" in m["text"] and "không còn nhận" in m["text"]
                                 for m in emu.bot_messages(p))
        ), person  # fmt: skip
    assert not any("việc cần chú ý" in m["text"] for m in emu.bot_messages(GROUP))
    # Linked again: it gets the unit's messages again.
    clock.now = at(25)
    await linked_group(emu)
    with sessions() as session:
        assert session.scalars(select(GroupChat)).one().active


async def test_a_send_to_a_removed_group_unlinks_it_too(bot, emulator, sessions, clock):
    """Removed while the bot was down: the first send learns it (403)."""
    emu = await a_linked_group(emulator, sessions, clock)
    emu.chats[GROUP].bot_removed = True  # no update reaches the bot
    clock.now = at(24)
    report = await bot.bot_data["engine"].tick()
    assert report.gone >= 1 and _inactive(sessions)
    await bot.bot_data["engine"].tick()
    assert any("không còn nhận" in m["text"] for m in emu.bot_messages(HEAD))


async def test_a_group_upgraded_to_a_supergroup_is_followed_to_its_new_id(
    bot, emulator, sessions, clock
):
    emu = await a_linked_group(emulator, sessions, clock)
    new_id = -1009990001
    emu.upgrade_group(GROUP, new_id)
    clock.now = at(24)
    engine = bot.bot_data["engine"]
    first = await engine.tick()
    assert first.postponed >= 1 and first.ok
    await engine.tick()
    assert any("việc cần chú ý" in m["text"] for m in emu.bot_messages(new_id))
    with sessions() as session:
        assert session.scalars(select(GroupChat)).one().chat_id == new_id


async def test_the_head_unlinks_the_group_and_the_staff_cannot(bot, emulator, sessions, clock):
    emu = await a_linked_group(emulator, sessions, clock)
    assert "Chỉ thủ trưởng" in await said_in(emu, GROUP, STAFF, "/huylienketnhom")
    assert "Đã hủy liên kết" in await said_in(emu, GROUP, HEAD, "/huylienketnhom")
    assert "chưa được liên kết" in await said_in(emu, GROUP, HEAD, "/huylienketnhom")
    assert "dùng trong nhóm" in await said_in(emu, HEAD, HEAD, "/lienketnhom")
    clock.now = at(24)
    await bot.bot_data["engine"].tick()
    assert not any("việc cần chú ý" in m["text"] for m in emu.bot_messages(GROUP))


def _inactive(sessions: Any) -> bool:
    with sessions() as session:
        group = session.scalars(select(GroupChat)).one()
        return not group.active
