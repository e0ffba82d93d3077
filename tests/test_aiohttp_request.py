"""The bot's requests over aiohttp keep python-telegram-bot's contract: what is sent arrives as
sent (Vietnamese file names included), a timeout is TimedOut, a refused connection is
NetworkError, and the bot's own methods work through it."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.aiohttp_request import AiohttpRequest


class Recorder:
    """A small Bot API stand-in that keeps what it was sent."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []
        self.stall = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "stall":
            await self.stall.wait()
        fields: dict[str, object] = {}
        if request.content_type.startswith("multipart/"):
            async for part in await request.multipart():
                if part.filename:  # type: ignore[union-attr]
                    data = await part.read()  # type: ignore[union-attr]
                    fields[part.name] = (part.filename, data)  # type: ignore[union-attr,index]
                else:
                    fields[part.name] = await part.text()  # type: ignore[union-attr,index]
        elif request.content_type == "application/json":
            fields.update(await request.json())
        else:
            fields.update(await request.post())
        self.seen.append(
            {"method": method, "fields": fields, "agent": request.headers["User-Agent"],
             "type": request.content_type}
        )  # fmt: skip
        if method == "getMe":
            user = {"id": 42, "is_bot": True, "first_name": "Nhắc việc", "username": "nhacviec_bot"}
            return web.json_response({"ok": True, "result": user})
        if method == "sendMessage":
            chat = {"id": int(str(fields.get("chat_id", 7))), "type": "private"}
            message = {"message_id": len(self.seen), "date": 0, "chat": chat}
            return web.json_response({"ok": True, "result": message})
        return web.json_response({"ok": True, "result": True})


@pytest.fixture
async def server() -> AsyncIterator[tuple[Recorder, str]]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", recorder.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield recorder, f"http://127.0.0.1:{port}/bot"
    recorder.stall.set()
    await runner.cleanup()


async def test_a_document_with_a_vietnamese_name_arrives_as_sent(server) -> None:  # type: ignore[no-untyped-def]
    recorder, base = server
    bot = Bot("1:t", base_url=base, request=AiohttpRequest(), get_updates_request=AiohttpRequest())
    async with bot:
        me = await bot.get_me()
        await bot.send_document(
            chat_id=7,
            document=InputFile(b"PK\x03\x04 bang tinh", filename="tổng-hợp-496-KH-SGDĐT.xlsx"),
            caption="Tổng hợp <b>D1</b>",
        )
    assert me.username == "nhacviec_bot"
    sent = recorder.seen[-1]
    assert sent["method"] == "sendDocument"
    fields = sent["fields"]
    assert isinstance(fields, dict)
    assert fields["chat_id"] == "7"
    assert fields["caption"] == "Tổng hợp <b>D1</b>"
    assert fields["document"] == ("tổng-hợp-496-KH-SGDĐT.xlsx", b"PK\x03\x04 bang tinh")
    assert "python-telegram-bot" in str(sent["agent"])


async def test_plain_fields_are_sent_as_one_json_body(server) -> None:  # type: ignore[no-untyped-def]
    """The Bot API takes JSON for any call without files; a form quoted field by field cost a
    fifth of a broadcast's CPU per message."""
    recorder, base = server
    request = AiohttpRequest()
    await request.initialize()
    try:
        keyboard = {"inline_keyboard": [[{"text": "✅", "callback_data": "d"}]]}
        data = RequestData([
            RequestParameter("text", "Hạn 31/12 — <i>gấp</i>", input_files=None),
            RequestParameter("reply_markup", keyboard, input_files=None),
            RequestParameter("allow_paid_broadcast", True, input_files=None),
        ])  # fmt: skip
        status, _ = await request.do_request(f"{base}1:t/sendMessage", "POST", data)
    finally:
        await request.shutdown()
    assert status == 200
    assert recorder.seen[-1]["type"] == "application/json"
    # The values a form would carry (objects as JSON text, "true"): the Bot API reads a string
    # field of a JSON body as it reads a form's.
    sent = recorder.seen[-1]["fields"]
    assert sent == {"text": "Hạn 31/12 — <i>gấp</i>", "reply_markup": json.dumps(keyboard),
                    "allow_paid_broadcast": "true"}  # fmt: skip


async def test_a_stalled_answer_is_a_timeout(server) -> None:  # type: ignore[no-untyped-def]
    _, base = server
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}1:t/stall", "POST")
    finally:
        await request.shutdown()


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:{port}/bot1:t/getMe", "POST")
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut)
    assert "aiohttp." in str(raised.value)


async def test_it_refuses_to_send_before_it_is_started_and_after_it_is_shut() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/bot1:t/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # twice is harmless
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/bot1:t/getMe", "POST")


async def test_a_proxy_from_the_environment_is_used(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Offices reach Telegram through HTTP_PROXY / HTTPS_PROXY; httpx honoured them, so must we."""
    recorder, base = server
    proxy = base.removesuffix("/bot")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, _ = await request.do_request("http://api.telegram.invalid/bot1:t/getMe", "POST")
    finally:
        await request.shutdown()
    assert status == 200  # the name does not resolve: only the proxy could have answered
    assert recorder.seen[-1]["method"] == "getMe"


async def test_no_proxy_keeps_its_hosts_off_the_proxy(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """NO_PROXY is honoured too, read once per host as the proxy is."""
    recorder, base = server
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest()
    await request.initialize()
    try:
        for _ in range(2):
            status, _ = await request.do_request(f"{base}1:t/getMe", "POST")
            assert status == 200
    finally:
        await request.shutdown()
    assert [seen["method"] for seen in recorder.seen] == ["getMe", "getMe"]


async def test_the_outboxs_send_carries_what_ptbs_send_message_carries(server) -> None:  # type: ignore[no-untyped-def]
    """The outbox makes its body once instead of through PTB's parameters: Telegram must see
    the same fields either way (buttons, paid broadcast, no link preview)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

    from bot.tolerant import TolerantBot

    recorder, base = server
    bot = TolerantBot("1:t", base_url=base, request=AiohttpRequest(),
                      get_updates_request=AiohttpRequest())  # fmt: skip
    done = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Xong", callback_data="d:1")]])
    async with bot:
        await bot.send_text(7, "Hạn 31/12 — <b>gấp</b>", [[("✅ Xong", "d:1")]], paid=True)
        await bot.send_message(
            7, "Hạn 31/12 — <b>gấp</b>", parse_mode="HTML",
            link_preview_options=LinkPreviewOptions(is_disabled=True), reply_markup=done,
            allow_paid_broadcast=True,
        )  # fmt: skip
        await bot.send_text(8, "Nhắc <i>hạn</i>", None, paid=False)
    ours, ptbs, plain = (seen["fields"] for seen in recorder.seen[-3:])
    assert ours.keys() == ptbs.keys()  # type: ignore[union-attr]
    for name, value in ours.items():  # type: ignore[union-attr]
        # An object's keys may come in another order; its JSON text means the same.
        assert (
            json.loads(value) == json.loads(ptbs[name])
            if value[:1] in "{["
            else value == ptbs[name]
        )  # type: ignore[index]
    assert plain == {"chat_id": "8", "text": "Nhắc <i>hạn</i>", "parse_mode": "HTML",
                     "link_preview_options": '{"is_disabled": true}'}  # fmt: skip
