"""A real python-telegram-bot Application talks to the local Bot API emulator."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditLog

HEAD = 501


async def test_a_newcomer_sends_start_and_is_told_how_to_get_linked(bot, emulator, sessions):
    emu = emulator.emulator
    emu.user(HEAD, first_name="Nguyễn Văn An")
    emu.send_text(HEAD, "/start")

    reply = await emu.wait_for(lambda: emu.last_bot_message(HEAD))
    assert "Kính chào đồng chí Nguyễn Văn An" in reply["text"]
    assert "đường link mời" in reply["text"]
    assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "help"
    with sessions() as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "start")).one()
        assert audit.actor_user_id == HEAD


async def test_pressing_the_help_button_reaches_its_handler_and_is_answered(bot, emulator):
    emu = emulator.emulator
    emu.send_text(HEAD, "/start")
    welcome = await emu.wait_for(lambda: emu.last_bot_message(HEAD))

    query_id = emu.press(HEAD, welcome["message_id"], "help")

    await emu.wait_for(lambda: query_id in emu.callback_answers)
    help_text = await emu.wait_for(
        lambda: len(emu.bot_messages(HEAD)) == 2 and emu.bot_messages(HEAD)[-1]
    )
    assert "Hướng dẫn sử dụng" in help_text["text"]


async def test_the_command_menu_is_registered_in_vietnamese(bot, emulator):
    commands = emulator.emulator.calls_to("setMyCommands")
    assert commands, "setMyCommands was not called at start-up"
    menu = {
        c["command"]: c["description"] for c in emulator.emulator.commands['{"type": "default"}|']
    }
    assert menu["huongdan"] == "Hướng dẫn sử dụng"


async def test_a_429_is_retried_after_retry_after_and_the_message_arrives_once(bot, emulator):
    emu = emulator.emulator
    emu.add_fault("retry_after", method="sendMessage", chat_id=HEAD, times=1, retry_after=1)

    emu.send_text(HEAD, "/huongdan")

    reply = await emu.wait_for(lambda: emu.last_bot_message(HEAD), timeout=15)
    assert "Hướng dẫn" in reply["text"]
    assert emu.stats["fault_retry_after"] == 1
    assert len(emu.calls_to("sendMessage")) == 2  # the refused try and the retry
    assert len(emu.bot_messages(HEAD)) == 1  # delivered exactly once
