"""School heads link their Telegram accounts by invitation; the office sees who is reachable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.invites import MAX_FAILURES, create_invite, hash_token
from db.models import AuditLog, Invite, Member, Role
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from duties.permissions import Action, actor_for, authorize
from tests.conftest import OFFICE_ADMIN

HEAD, STAFF, OTHER = 501, 502, 503


@pytest.fixture
def registry(sessions):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        import_sample(session)
    return sessions


def invite(sessions, clock, code="THPT-NGOQUYEN", role=Role.HEAD) -> str:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        return create_invite(session, code, role, clock()).token


async def say(emu, user_id: int, text: str) -> str:  # type: ignore[no-untyped-def]
    """The user sends text; returns the bot's next reply in that chat."""
    before = len(emu.bot_messages(user_id))
    emu.send_text(user_id, text)
    await emu.wait_for(lambda: len(emu.bot_messages(user_id)) > before)
    return emu.bot_messages(user_id)[-1]["text"]


async def test_the_head_of_thpt_ngo_quyen_links_with_an_invitation(bot, emulator, registry, clock):
    emu = emulator.emulator
    emu.user(HEAD, first_name="Nguyễn Văn An")
    token = invite(registry, clock)

    reply = await say(emu, HEAD, f"/start {token}")

    assert "Kính chào đồng chí Nguyễn Văn An" in reply
    assert "Trường THPT Ngô Quyền" in reply
    assert "Thủ trưởng đơn vị" in reply
    with registry() as session:
        member = session.scalars(select(Member)).one()
        assert (member.telegram_user_id, member.chat_id, member.role) == (HEAD, HEAD, Role.HEAD)
        stored = session.scalars(select(Invite)).one()
        assert stored.token_hash == hash_token(token) and token not in stored.token_hash
        assert stored.used_by_member_id == member.id
    assert "Trường THPT Ngô Quyền" in await say(emu, HEAD, "/toi")


async def test_a_used_link_is_refused_for_the_next_person(bot, emulator, registry, clock):
    emu = emulator.emulator
    token = invite(registry, clock)
    await say(emu, HEAD, f"/start {token}")
    assert "đã được sử dụng" in await say(emu, OTHER, f"/start {token}")


async def test_an_expired_link_is_refused(bot, emulator, registry, clock):
    token = invite(registry, clock)
    clock.advance(days=14, seconds=1)
    assert "hết hạn" in await say(emulator.emulator, HEAD, f"/start {token}")


async def test_wrong_links_are_refused_then_throttled(bot, emulator, registry, clock):
    emu = emulator.emulator
    for _ in range(MAX_FAILURES):
        assert "không hợp lệ" in await say(emu, OTHER, "/start not-a-real-token")
    good = invite(registry, clock)
    assert "thử lại sau 15 phút" in await say(emu, OTHER, f"/start {good}")
    clock.advance(minutes=16)
    assert "Kính chào đồng chí" in await say(emu, OTHER, f"/start {good}")


async def test_a_person_belongs_to_one_unit(bot, emulator, registry, clock):
    emu = emulator.emulator
    await say(emu, HEAD, f"/start {invite(registry, clock)}")
    other_school = invite(registry, clock, code="THPT-THAIPHIEN")
    reply = await say(emu, HEAD, f"/start {other_school}")
    assert "đang thuộc" in reply and "Trường THPT Ngô Quyền" in reply


async def test_an_unlinked_user_gets_only_the_instructions(bot, emulator, registry):
    emu = emulator.emulator
    assert "chưa được liên kết" in await say(emu, OTHER, "/toi")
    assert "chỉ dành cho Văn phòng Sở" in await say(emu, OTHER, "/donvi")


async def test_staff_cannot_use_office_commands_and_the_refusal_is_audited(
    bot, emulator, registry, clock
):
    emu = emulator.emulator
    await say(emu, STAFF, f"/start {invite(registry, clock, role=Role.STAFF)}")
    assert "chỉ dành cho Văn phòng Sở" in await say(emu, STAFF, "/donvi")
    assert "chỉ dành cho Văn phòng Sở" in await say(emu, STAFF, "/moi THPT-NGOQUYEN")
    with registry() as session:
        refused = session.scalars(select(AuditLog).where(AuditLog.allowed.is_(False))).all()
        assert {r.action for r in refused} == {"refused:donvi", "refused:moi"}
        assert {r.actor_user_id for r in refused} == {STAFF}


async def test_the_office_lists_units_with_the_unreachable_first(bot, emulator, registry, clock):
    emu = emulator.emulator
    await say(emu, HEAD, f"/start {invite(registry, clock)}")
    reply = await say(emu, OFFICE_ADMIN, "/donvi")
    assert "Đơn vị: 46" in reply
    assert "chưa có thành viên hay nhóm (sẽ không nhận nhắc việc): 45" in reply
    lines = [line for line in reply.splitlines()[1:] if line.strip()]
    assert all(line.startswith("⛔") for line in lines[:45])
    assert lines[-1].startswith("✅") and "THPT-NGOQUYEN" in lines[-1]


async def test_the_office_creates_an_invitation_in_the_chat(bot, emulator, registry):
    emu = emulator.emulator
    reply = await say(emu, OFFICE_ADMIN, "/moi PGD-NGOQUYEN staff")
    link = reply.splitlines()[-1]
    assert link.startswith("https://t.me/nhacviec_bot?start=")
    assert "Cán bộ đơn vị" in reply
    linked = await say(emu, STAFF, f"/start {link.split('=', 1)[1]}")
    assert "Phòng GDĐT quận Ngô Quyền" in linked
    # The role said in Vietnamese words, as the usage shows them.
    staff = await say(emu, OFFICE_ADMIN, "/moi PGD-NGOQUYEN canbo")
    assert "Cán bộ đơn vị" in staff and staff.splitlines()[-1].startswith("https://t.me/")
    assert "thutruong|canbo|vanphong" in await say(emu, OFFICE_ADMIN, "/moi")
    assert "Không có đơn vị" in await say(emu, OFFICE_ADMIN, "/moi NO-SUCH-UNIT")


async def test_the_office_sends_each_district_office_the_links_of_its_schools(
    bot, emulator, registry, clock
):
    emu = emulator.emulator
    district = 504
    emu.user(district, first_name="Trần Thị Bình")
    await say(emu, district, f"/start {invite(registry, clock, 'PGD-NGOQUYEN')}")
    with registry() as session:  # one school of Ngô Quyền already has its head
        school = unit_by_code(session, "THPT-THAIPHIEN")
        session.add(Member(telegram_user_id=HEAD, chat_id=HEAD, unit_id=school.id, role=Role.HEAD))
        session.commit()
    before = len(emu.bot_messages(district))

    reply = await say(emu, OFFICE_ADMIN, "/moi quan")

    assert "cho 1 phòng GDĐT" in reply and "Phòng GDĐT quận Hồng Bàng" in reply  # unreachable
    links = await emu.wait_for(
        lambda: len(emu.bot_messages(district)) > before and emu.bot_messages(district)[-1]
    )
    text = links["text"]
    assert "Ngô Quyền" in text and "Trường THPT Ngô Quyền" in text
    assert "Trường THPT Thái Phiên" not in text  # linked already
    token = text.split("Trường THPT Ngô Quyền: ", 1)[1].split()[0].split("=", 1)[1]
    assert "Trường THPT Ngô Quyền" in await say(emu, HEAD + 100, f"/start {token}")
    assert "Cách dùng" not in reply


async def test_a_member_who_blocks_the_bot_is_marked_inactive_and_the_office_is_told(
    bot, emulator, registry, clock
):
    emu = emulator.emulator
    emu.user(HEAD, first_name="Nguyễn Văn An")
    await say(emu, HEAD, f"/start {invite(registry, clock)}")
    before = len(emu.bot_messages(OFFICE_ADMIN))

    emu.block(HEAD)

    def inactive() -> bool:
        with registry() as session:
            return not session.scalars(select(Member)).one().active

    # The notice goes through the outbox: sent by the tick after the block was handled (the
    # ticker's own first tick may have come before it, and the next is 30 s away).
    assert await emu.wait_for(inactive)
    await bot.bot_data["engine"].tick()
    notice = await emu.wait_for(
        lambda: len(emu.bot_messages(OFFICE_ADMIN)) > before and emu.bot_messages(OFFICE_ADMIN)[-1]
    )
    assert "Nguyễn Văn An" in notice["text"] and "Trường THPT Ngô Quyền" in notice["text"]
    with registry() as session:
        member = session.scalars(select(Member)).one()
        assert not member.active and member.inactive_reason == "blocked the bot"


def test_a_member_of_one_unit_acting_on_anothers_task_is_refused_and_logged(registry, clock):
    with session_scope(registry) as session:
        ngo_quyen = unit_by_code(session, "THPT-NGOQUYEN")
        thai_phien = unit_by_code(session, "THPT-THAIPHIEN")
        session.add(
            Member(telegram_user_id=HEAD, chat_id=HEAD, unit_id=ngo_quyen.id, role=Role.HEAD)
        )
        session.flush()
        actor = actor_for(session, [OFFICE_ADMIN], HEAD)
        assert authorize(session, actor, Action.UNIT, clock(), unit_id=ngo_quyen.id)
        assert not authorize(session, actor, Action.UNIT, clock(), unit_id=thai_phien.id,
                             what="status", detail={"task": "1.1"})  # fmt: skip
        office = actor_for(session, [OFFICE_ADMIN], OFFICE_ADMIN)
        assert authorize(session, office, Action.UNIT, clock(), unit_id=thai_phien.id)
        stranger = actor_for(session, [OFFICE_ADMIN], OTHER)
        assert not authorize(session, stranger, Action.MEMBER, clock())
    with registry() as session:
        refusals = session.scalars(select(AuditLog).where(AuditLog.allowed.is_(False))).all()
        assert [(r.actor_user_id, r.action, r.unit_id) for r in refusals] == [
            (HEAD, "refused:status", thai_phien.id),
            (OTHER, "refused:member", None),
        ]


def test_invitations_expire_after_14_days_by_default(registry, clock):
    with session_scope(registry) as session:
        created = create_invite(session, "VP", Role.OFFICE, clock())
    assert created.expires_at - clock() == timedelta(days=14)
    assert len(created.token) >= 22  # at least 128 bits of randomness
