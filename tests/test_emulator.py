"""The emulator behaves like Telegram where the bot can tell: limits, faults, edits, files."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from tests.conftest import BOT_TOKEN

CHAT = 777


@pytest.fixture
async def tg(emulator):  # type: ignore[no-untyped-def]
    """A plain PTB Bot (no rate limiter) pointed at the emulator."""
    emulator.emulator.user(CHAT, first_name="Trần Thị Bình")
    bot = Bot(
        BOT_TOKEN,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
        request=HTTPXRequest(read_timeout=2.0),
    )
    async with bot:
        yield bot


async def test_get_me_names_the_bot(tg):
    me = await tg.get_me()
    assert me.username == "nhacviec_bot"
    assert me.id == 123456


async def test_a_wrong_token_is_unauthorized(emulator):
    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://127.0.0.1:{emulator.port}/botnot-a-token/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_not_found(emulator):
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{emulator.base_url}{BOT_TOKEN}/sendCarrierPigeon")
    assert response.json()["error_code"] == 404


async def test_html_messages_with_keyboards_are_kept_in_the_chat(tg, emulator):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Hoàn thành", callback_data="d:1")]])
    sent = await tg.send_message(
        CHAT, "<b>Nhiệm vụ 1.1</b>", parse_mode="HTML", reply_markup=markup
    )
    stored = emulator.emulator.last_bot_message(CHAT)
    assert stored["message_id"] == sent.message_id
    assert stored["text"] == "Nhiệm vụ 1.1"  # what the user sees
    assert stored["html"] == "<b>Nhiệm vụ 1.1</b>"
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "d:1"


@pytest.mark.parametrize("markup", ["<b>unclosed", "<script>x</script>", "a </i> b"])
async def test_html_telegram_would_refuse_is_a_400(tg, markup):
    with pytest.raises(BadRequest, match="parse entities"):
        await tg.send_message(CHAT, markup, parse_mode="HTML")


async def test_escaped_user_text_shows_as_typed(tg, emulator):
    await tg.send_message(CHAT, "Ghi chú: &lt;b&gt;x&lt;/b&gt; &amp; y", parse_mode="HTML")
    assert emulator.emulator.last_bot_message(CHAT)["text"] == "Ghi chú: <b>x</b> & y"


async def test_editing_text_and_markup(tg, emulator):
    sent = await tg.send_message(CHAT, "Trước")
    await tg.edit_message_text("Sau", chat_id=CHAT, message_id=sent.message_id)
    assert emulator.emulator.last_bot_message(CHAT)["text"] == "Sau"
    with pytest.raises(BadRequest, match="not modified"):
        await tg.edit_message_text("Sau", chat_id=CHAT, message_id=sent.message_id)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]])
    await tg.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=markup)
    assert "reply_markup" in emulator.emulator.last_bot_message(CHAT)
    await tg.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)
    assert "reply_markup" not in emulator.emulator.last_bot_message(CHAT)


async def test_a_document_round_trip_upload_get_file_download(tg, emulator):
    sent = await tg.send_document(CHAT, b"bao cao quy IV", filename="baocao.txt")
    assert sent.document.file_name == "baocao.txt"
    file = await tg.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"bao cao quy IV"


async def test_a_users_document_can_be_downloaded_by_the_bot(tg, emulator):
    message = emulator.emulator.send_document(
        CHAT, b"%PDF-1.4 ...", "ke-hoach.pdf", "application/pdf"
    )
    file = await tg.get_file(message["document"]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 ..."


async def test_long_polling_returns_updates_and_forgets_confirmed_ones(tg, emulator):
    emulator.emulator.send_text(CHAT, "xin chào")
    updates = await tg.get_updates(timeout=1)
    assert [u.message.text for u in updates] == ["xin chào"]
    assert await tg.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_limits_answer_429_with_retry_after(tg, emulator):
    emulator.emulator.limits.enforce = True
    await tg.send_message(CHAT, "một")
    with pytest.raises(RetryAfter) as caught:
        await tg.send_message(CHAT, "hai")  # a second message to one chat within a second
    assert caught.value.retry_after == timedelta(seconds=1)  # PTB_TIMEDELTA (bot/__init__)
    for chat in range(1000, 1029):
        emulator.emulator.user(chat)
        await tg.send_message(chat, "broadcast")  # 30 in this second with the first
    emulator.emulator.user(2000)
    with pytest.raises(RetryAfter):
        await tg.send_message(2000, "the 31st")
    assert emulator.emulator.stats["http_429"] == 2


@pytest.mark.parametrize(
    ("kind", "error", "text"),
    [
        ("blocked", Forbidden, "bot was blocked by the user"),
        ("chat_not_found", BadRequest, "Chat not found"),
        ("server_error", NetworkError, "Internal Server Error"),
        ("bad_gateway", NetworkError, "Bad Gateway"),
    ],
)
async def test_injected_faults_read_like_telegrams(tg, emulator, kind, error, text):
    emulator.emulator.add_fault(kind, method="sendMessage", times=1)
    with pytest.raises(error, match=text):
        await tg.send_message(CHAT, "x")
    await tg.send_message(CHAT, "x")  # the fault was used up
    assert len(emulator.emulator.bot_messages(CHAT)) == 1


async def test_a_malformed_response_and_a_timeout(tg, emulator):
    emulator.emulator.add_fault("malformed", method="getMe")
    with pytest.raises(TelegramError, match="Invalid server response"):
        await tg.get_me()
    emulator.emulator.add_fault("timeout", method="sendMessage", seconds=5)
    with pytest.raises(TimedOut):
        await tg.send_message(CHAT, "x")


async def test_a_blocked_chat_refuses_messages(tg, emulator):
    emulator.emulator.block(CHAT)
    with pytest.raises(Forbidden):
        await tg.send_message(CHAT, "x")


async def test_a_never_seen_chat_is_not_found(tg):
    with pytest.raises(BadRequest, match="Chat not found"):
        await tg.send_message(424242, "x")


async def test_the_control_api_plays_a_user_from_another_process(emulator):
    base = f"http://127.0.0.1:{emulator.port}/control"
    async with httpx.AsyncClient() as client:
        sent = (
            await client.post(f"{base}/send_text", json={"user_id": 55, "text": "/start"})
        ).json()
        assert sent["result"]["entities"][0]["type"] == "bot_command"
        fault = await client.post(f"{base}/fault", json={"kind": "blocked", "chat_id": 55})
        assert fault.json()["result"]["kind"] == "blocked"
        limits = await client.post(f"{base}/limits", json={"latency": 0.1, "enforce": True})
        assert limits.json()["result"]["latency"] == 0.1
        messages = await client.get(f"{base}/messages", params={"chat_id": 55})
        assert messages.json()["result"] == []
        bad = await client.post(f"{base}/fault", json={"kind": "meteor"})
        assert bad.status_code == 400
