"""HTTP face of the emulator: the Bot API at /bot<token>/<method>, files at
/file/bot<token>/<path>, and a small control API at /control/… for other processes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from emulator.state import FAULTS, JSON, ApiError, Emulator

log = logging.getLogger(__name__)

EMULATOR = web.AppKey("emulator", Emulator)
CONTROL_TOKEN = web.AppKey("control_token", str)

Method = Callable[[Emulator, int, JSON], Awaitable[Any] | Any]


def _int(params: JSON, name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    if value is None:
        raise ApiError(400, f"Bad Request: parameter {name} is required")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name} specified") from None


def _json(params: JSON, name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    return value


def _text(params: JSON, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


async def _get_updates(emu: Emulator, bot_id: int, p: JSON) -> Any:
    allowed = _json(p, "allowed_updates")
    return await emu.get_updates(
        offset=_int(p, "offset", 0),
        limit=_int(p, "limit", 100),
        timeout=float(p.get("timeout") or 0),
        allowed=allowed or None,
    )


def _send_message(emu: Emulator, bot_id: int, p: JSON) -> Any:
    return emu.api_send_message(
        bot_id,
        _int(p, "chat_id"),
        _text(p, "text") or "",
        parse_mode=_text(p, "parse_mode"),
        reply_markup=_json(p, "reply_markup"),
    )


def _send_document(emu: Emulator, bot_id: int, p: JSON) -> Any:
    document = p.get("document")
    markup = _json(p, "reply_markup")
    caption = _text(p, "caption") or ""
    if isinstance(document, tuple):  # an upload: (content, file name, mime type)
        content, name, mime = document
        return emu.api_send_document(
            bot_id, _int(p, "chat_id"), content, name, mime, None, caption, markup
        )
    if not document:
        raise ApiError(400, "Bad Request: there is no document in the request")
    return emu.api_send_document(
        bot_id, _int(p, "chat_id"), None, "", "", str(document), caption, markup
    )


def _edit_text(emu: Emulator, bot_id: int, p: JSON) -> Any:
    return emu.edit_message(
        _int(p, "chat_id"),
        _int(p, "message_id"),
        text=_text(p, "text") or "",
        reply_markup=_json(p, "reply_markup"),
        markup_given="reply_markup" in p,
        parse_mode=_text(p, "parse_mode"),
    )


def _edit_markup(emu: Emulator, bot_id: int, p: JSON) -> Any:
    return emu.edit_message(
        _int(p, "chat_id"),
        _int(p, "message_id"),
        reply_markup=_json(p, "reply_markup"),
        markup_given=True,
    )


def _set_commands(emu: Emulator, bot_id: int, p: JSON) -> Any:
    scope = json.dumps(_json(p, "scope") or {"type": "default"}, sort_keys=True)
    key = f"{scope}|{p.get('language_code') or ''}"
    emu.commands[key] = _json(p, "commands") or []
    return True


def _get_commands(emu: Emulator, bot_id: int, p: JSON) -> Any:
    scope = json.dumps(_json(p, "scope") or {"type": "default"}, sort_keys=True)
    return emu.commands.get(f"{scope}|{p.get('language_code') or ''}", [])


def _set_webhook(emu: Emulator, bot_id: int, p: JSON) -> Any:
    emu.webhook = {"url": _text(p, "url") or "", "secret_token": _text(p, "secret_token") or ""}
    return True


def _delete_webhook(emu: Emulator, bot_id: int, p: JSON) -> Any:
    emu.webhook = {}
    return True


def _webhook_info(emu: Emulator, bot_id: int, p: JSON) -> Any:
    return {
        "url": emu.webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


def _set_menu_button(emu: Emulator, bot_id: int, p: JSON) -> Any:
    button = _json(p, "menu_button") or {"type": "default"}
    if button.get("type") == "web_app":
        url = str((button.get("web_app") or {}).get("url", ""))
        if not url.startswith("https://"):  # as Telegram: a Mini App is served over HTTPS
            raise ApiError(400, "Bad Request: inline keyboard button Web App URL is invalid: "
                           "only HTTPS links are allowed")  # fmt: skip
    emu.menu_buttons[str(p.get("chat_id") or "")] = button
    return True


def _get_menu_button(emu: Emulator, bot_id: int, p: JSON) -> Any:
    return emu.menu_buttons.get(str(p.get("chat_id") or ""), {"type": "default"})


METHODS: dict[str, Method] = {
    "getme": lambda emu, bot_id, p: emu.bot_user(bot_id),
    "getupdates": _get_updates,
    "sendmessage": _send_message,
    "senddocument": _send_document,
    "editmessagetext": _edit_text,
    "editmessagereplymarkup": _edit_markup,
    "answercallbackquery": lambda emu, bot_id, p: emu.answer_callback(
        _text(p, "callback_query_id") or "",
        _text(p, "text") or "",
        str(p.get("show_alert", "")).lower() in ("true", "1"),
    ),
    "getfile": lambda emu, bot_id, p: emu.get_file(_text(p, "file_id") or ""),
    "setmycommands": _set_commands,
    "getmycommands": _get_commands,
    "deletemycommands": lambda emu, bot_id, p: True,
    "setwebhook": _set_webhook,
    "setchatmenubutton": _set_menu_button,
    "getchatmenubutton": _get_menu_button,
    "deletewebhook": _delete_webhook,
    "getwebhookinfo": _webhook_info,
    "logout": lambda emu, bot_id, p: True,
    "close": lambda emu, bot_id, p: True,
}
# The spelling Telegram uses in its docs, for the call log (method names are case-insensitive).
CANONICAL = {
    "getme": "getMe",
    "getupdates": "getUpdates",
    "sendmessage": "sendMessage",
    "senddocument": "sendDocument",
    "editmessagetext": "editMessageText",
    "editmessagereplymarkup": "editMessageReplyMarkup",
    "answercallbackquery": "answerCallbackQuery",
    "getfile": "getFile",
    "setmycommands": "setMyCommands",
    "getmycommands": "getMyCommands",
    "deletemycommands": "deleteMyCommands",
    "setwebhook": "setWebhook",
    "setchatmenubutton": "setChatMenuButton",
    "getchatmenubutton": "getChatMenuButton",
    "deletewebhook": "deleteWebhook",
    "getwebhookinfo": "getWebhookInfo",
    "logout": "logOut",
    "close": "close",
}


async def _read_params(request: web.Request) -> JSON:
    params: JSON = dict(request.query)
    if not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON") from None
        params.update(body if isinstance(body, dict) else {})
    elif ctype == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:
                content = await part.read()
                mime = part.headers.get("Content-Type", "application/octet-stream")
                params[part.name] = (bytes(content), part.filename, mime)
            else:
                params[part.name] = await part.text()
    else:
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _bot_id(token: str) -> int:
    bot_id, sep, secret = token.partition(":")
    if not sep or not bot_id.isdigit() or not secret:
        raise ApiError(401, "Unauthorized")
    return int(bot_id)


async def bot_api(request: web.Request) -> web.StreamResponse:
    emu: Emulator = request.app[EMULATOR]
    name = request.match_info["method"].lower()
    try:
        bot_id = _bot_id(request.match_info["token"])
        emu.bot_id = bot_id
        method = METHODS.get(name)
        if method is None:
            raise ApiError(404, "Not Found")
        params = await _read_params(request)
        canonical = CANONICAL[name]
        emu.calls.append((canonical, {k: v for k, v in params.items() if not isinstance(v, tuple)}))
        emu.stats[f"call_{canonical}"] += 1
        if emu.limits.latency:
            await asyncio.sleep(emu.limits.latency)
        chat_id = params.get("chat_id")
        chat = (
            int(chat_id)
            if isinstance(chat_id, str | int) and str(chat_id).lstrip("-").isdigit()
            else None
        )
        rule = emu.take_fault(canonical, chat)
        if rule is not None:
            if rule.kind == "timeout":
                await asyncio.sleep(rule.seconds)
                raise ApiError(504, "Gateway Timeout")
            if rule.kind == "malformed":
                return web.Response(status=200, text="<html>not json", content_type="text/html")
            raise FAULTS[rule.kind](rule)
        paid = str(params.get("allow_paid_broadcast", "")).lower() in ("true", "1")
        emu.check_limits(canonical, chat, paid)
        result = method(emu, bot_id, params)
        if asyncio.iscoroutine(result):
            result = await result
        return web.json_response({"ok": True, "result": result})
    except ApiError as error:
        return web.json_response(error.envelope(), status=error.code)
    finally:
        emu.touch()


async def file_download(request: web.Request) -> web.StreamResponse:
    emu: Emulator = request.app[EMULATOR]
    stored = emu.file_by_path(request.match_info["path"])
    if stored is None:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
    return web.Response(body=stored.content, content_type="application/octet-stream")


# ---- control API: for a test or the demo running in another process -------------------------


async def control(request: web.Request) -> web.StreamResponse:
    emu: Emulator = request.app[EMULATOR]
    token = request.app[CONTROL_TOKEN]
    given = request.headers.get("X-Control-Token", "")
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        return web.json_response({"ok": False, "description": "control token required"},
                                 status=401)  # fmt: skip
    action = request.match_info["action"]
    body: JSON = {}
    if request.can_read_body:
        body = await request.json()
    try:
        result = _control(emu, action, body, request.query)
    except (KeyError, ValueError, TypeError) as error:
        return web.json_response({"ok": False, "description": str(error)}, status=400)
    return web.json_response({"ok": True, "result": result})


def _control(emu: Emulator, action: str, body: JSON, query: Any) -> Any:
    if action == "send_text":
        return emu.send_text(int(body["user_id"]), body["text"], body.get("chat_id"))
    if action == "send_document":
        return emu.send_document(
            int(body["user_id"]),
            base64.b64decode(body["content_b64"]),
            body["file_name"],
            body.get("mime_type", "application/octet-stream"),
            body.get("caption", ""),
        )
    if action == "press":
        return emu.press(
            int(body["user_id"]), int(body["message_id"]), body["data"], body.get("chat_id")
        )
    if action == "user":
        return emu.user(int(body["user_id"]), body.get("first_name", ""), body.get("username", ""))
    if action == "block":
        emu.block(int(body["chat_id"]), bool(body.get("blocked", True)))
        return True
    if action == "messages":
        return emu.bot_messages(int(query["chat_id"]))
    if action == "callback_answer":
        return emu.callback_answers.get(query["id"])
    if action == "fault":
        rule = emu.add_fault(body.pop("kind"), **body)
        return rule.__dict__
    if action == "clear_faults":
        emu.faults.clear()
        return True
    if action == "limits":
        for key, value in body.items():
            if not hasattr(emu.limits, key):
                raise KeyError(key)
            setattr(emu.limits, key, type(getattr(emu.limits, key))(value))
        return emu.limits.__dict__
    if action == "stats":
        return dict(emu.stats)
    # Batches, for load tests driving the emulator from another process.
    if action == "users":
        return [emu.user(int(uid)) for uid in body["user_ids"]]
    if action == "bot_messages":
        return [
            emu.api_send_message(int(body["bot_id"]), int(m["chat_id"]), m["text"],
                                 None, m.get("reply_markup"))
            for m in body["messages"]
        ]  # fmt: skip
    if action == "press_many":
        return [
            emu.press(int(p["user_id"]), int(p["message_id"]), p["data"]) for p in body["presses"]
        ]
    if action == "answered":
        return sum(1 for query_id in body["ids"] if query_id in emu.callback_answers)
    raise KeyError(f"unknown control action {action!r}")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def make_app(emulator: Emulator, control_token: str = "") -> web.Application:
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app[EMULATOR] = emulator
    app[CONTROL_TOKEN] = control_token
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", file_download)
    app.router.add_route("*", "/control/{action}", control)
    return app


class EmulatorServer:
    """Runs an Emulator on 127.0.0.1 inside the current event loop."""

    def __init__(
        self,
        emulator: Emulator | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        control_token: str = "",
    ) -> None:
        # Its control API plays every user: on an address others can reach, only with a token.
        if not is_loopback(host) and not control_token:
            raise ValueError(
                f"the emulator listens on {host}, not loopback: its control API would let "
                "anyone there act as any user; give a control token (--control-token)"
            )
        self.emulator = emulator or Emulator()
        self.host = host
        self.port = port
        self.control_token = control_token
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> EmulatorServer:
        app = make_app(self.emulator, self.control_token)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            # Long polls in flight would otherwise hold shutdown for their whole timeout.
            self.emulator._new_update.set()
            with contextlib.suppress(Exception):
                await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> EmulatorServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def serve_forever(host: str, port: int, control_token: str = "") -> None:
    async with EmulatorServer(host=host, port=port, control_token=control_token) as server:
        log.info("emulator listening base_url=%s", server.base_url)
        await asyncio.Event().wait()
