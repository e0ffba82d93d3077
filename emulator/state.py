"""The emulated Telegram: chats, users, updates, files, limits and injected faults.

Plain Python, no I/O: the HTTP server in `server.py` turns Bot API calls into method calls
here, and tests or the demo call the same object to play the users.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import JSON, ApiError
from emulator.html_text import plain_text

FAULTS = {
    "retry_after": lambda rule: ApiError(
        429,
        f"Too Many Requests: retry after {rule.retry_after}",
        retry_after=rule.retry_after,
    ),
    "server_error": lambda rule: ApiError(500, "Internal Server Error"),
    "bad_gateway": lambda rule: ApiError(502, "Bad Gateway"),
    "blocked": lambda rule: ApiError(403, "Forbidden: bot was blocked by the user"),
    "chat_not_found": lambda rule: ApiError(400, "Bad Request: chat not found"),
}
# Faults that are not an API error: the server stalls, or answers with something that is not
# JSON. The server handles these itself.
TRANSPORT_FAULTS = ("timeout", "malformed")


@dataclass
class FaultRule:
    kind: str
    method: str = ""  # "" matches every method
    chat_id: int | None = None
    times: int = 1
    retry_after: int = 1
    seconds: float = 30.0  # how long a "timeout" stalls

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.times <= 0:
            return False
        if self.method and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class Limits:
    enforce: bool = False
    global_per_second: int = 30
    paid_per_second: int = 1000  # messages sent with allow_paid_broadcast
    per_chat_per_second: int = 1
    group_per_minute: int = 20
    latency: float = 0.0  # seconds added to every Bot API call


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    content: bytes
    name: str = ""
    mime_type: str = ""


@dataclass
class ChatLog:
    chat: JSON
    messages: list[JSON] = field(default_factory=list)  # both directions, in order
    blocked: bool = False
    bot_removed: bool = False  # a group the bot was removed from
    moved_to: int | None = None  # a group upgraded to a supergroup under this id

    def by_id(self, message_id: int) -> JSON | None:
        for message in self.messages:
            if message["message_id"] == message_id:
                return message
        return None


SENDING_METHODS = {"sendMessage", "sendDocument", "sendPhoto"}


class Emulator:
    """One emulated Bot API server: any number of bots, each with its own update queue."""

    def __init__(self, bot_username: str = "nhacviec_bot", bot_name: str = "Nhắc việc") -> None:
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.limits = Limits()
        self.faults: list[FaultRule] = []
        self.calls: list[tuple[str, JSON]] = []
        self.stats: defaultdict[str, int] = defaultdict(int)
        self.chats: dict[int, ChatLog] = {}
        self.users: dict[int, JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.menu_buttons: dict[str, JSON] = {}  # by chat id ("" for the default)
        self.webhook: JSON = {}
        self.bot_id = 0  # learnt from the token of the latest Bot API call
        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._new_update = asyncio.Event()
        self._activity = asyncio.Event()
        self._global_window: deque[float] = deque()
        self._paid_window: deque[float] = deque()
        self._chat_window: defaultdict[int, deque[float]] = defaultdict(deque)
        self._group_window: defaultdict[int, deque[float]] = defaultdict(deque)
        self.clock = time.monotonic

    # ---- the users' side: what a test or the demo does ------------------------------------

    def user(self, user_id: int, first_name: str = "", username: str = "") -> JSON:
        profile = self.users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User {user_id}",
            "language_code": "vi",
        }
        if first_name:
            profile["first_name"] = first_name
        if username:
            profile["username"] = username
        self.users[user_id] = profile
        return profile

    def group(self, chat_id: int, title: str = "Nhóm công tác") -> JSON:
        """A group chat (negative id, as Telegram's)."""
        self.chats[chat_id] = ChatLog(chat={"id": chat_id, "type": "supergroup", "title": title})
        return self.chats[chat_id].chat

    def _chat(self, chat_id: int) -> ChatLog:
        if chat_id not in self.chats and chat_id < 0:
            self.group(chat_id)
        if chat_id not in self.chats:
            user = self.users.get(chat_id) or self.user(chat_id)
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
            self.chats[chat_id] = ChatLog(chat=chat)
        return self.chats[chat_id]

    def _user_message(self, user_id: int, chat_id: int | None, **content: Any) -> JSON:
        chat_id = user_id if chat_id is None else chat_id
        log = self._chat(chat_id)
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "from": self.user(user_id),
            "chat": log.chat,
            "date": int(time.time()),
            **content,
        }
        log.messages.append(message)
        self._push({"message": message})
        return message

    def redeliver(self, message: JSON) -> None:
        """Deliver a user's message again, as Telegram does when the bot died before it
        confirmed the update (the offset was not moved past it)."""
        self._push({"message": message})

    def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> JSON:
        """A user types text (a command when it starts with '/')."""
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._user_message(user_id, chat_id, **content)

    def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
        caption: str = "",
        chat_id: int | None = None,
    ) -> JSON:
        stored = self._store_file(content, file_name, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        extra: JSON = {"caption": caption} if caption else {}
        return self._user_message(user_id, chat_id, document=document, **extra)

    def send_photo(
        self, user_id: int, content: bytes, caption: str = "", chat_id: int | None = None
    ) -> JSON:
        """A photo as Telegram sends it: the same picture in several sizes, largest last."""
        stored = self._store_file(content, "photo.jpg", "image/jpeg")
        small = self._store_file(content[:1024], "photo-small.jpg", "image/jpeg")
        sizes = [
            {"file_id": small.file_id, "file_unique_id": small.file_unique_id, "width": 90,
             "height": 67, "file_size": min(len(content), 1024)},
            {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": 1280,
             "height": 960, "file_size": len(content)},
        ]  # fmt: skip
        extra: JSON = {"caption": caption} if caption else {}
        return self._user_message(user_id, chat_id, photo=sizes, **extra)

    def press(self, user_id: int, message_id: int, data: str, chat_id: int | None = None) -> str:
        """A user presses an inline button; returns the callback query id."""
        chat_id = user_id if chat_id is None else chat_id
        message = self._chat(chat_id).by_id(message_id)
        if message is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        query_id = secrets.token_hex(8)
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id),
                    "message": message,
                    "chat_instance": str(chat_id),
                    "data": data,
                }
            }
        )
        return query_id

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends now fail with 403, and the bot is told
        through a my_chat_member update, as Telegram does."""
        log = self._chat(chat_id)
        if log.blocked == blocked:
            return
        log.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self._membership(log, chat_id, old, new)

    def add_bot_to_group(self, chat_id: int, by_user: int, title: str = "Nhóm công tác") -> JSON:
        """Someone adds the bot to a group: the bot hears of it (my_chat_member), as from
        Telegram."""
        log = self._chat(chat_id)
        log.chat["title"] = title
        log.bot_removed = False
        self._membership(log, by_user, "left", "member")
        return log.chat

    def remove_bot_from_group(self, chat_id: int, by_user: int) -> None:
        """Someone removes the bot from the group: sends there fail with 403 from now on."""
        log = self._chat(chat_id)
        log.bot_removed = True
        self._membership(log, by_user, "member", "left")

    def upgrade_group(self, chat_id: int, new_chat_id: int) -> JSON:
        """The group becomes a supergroup under a new id; sends to the old id are refused
        with the new one, as Telegram does."""
        old = self._chat(chat_id)
        old.moved_to = new_chat_id
        new = self._chat(new_chat_id)
        new.chat["title"] = old.chat.get("title", "")
        return new.chat

    def _membership(self, log: ChatLog, by_user: int, old: str, new: str) -> None:
        bot = self.bot_user(self.bot_id)
        self._push(
            {
                "my_chat_member": {
                    "chat": log.chat,
                    "from": self.user(by_user),
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot, "status": old, "until_date": 0},
                    "new_chat_member": {"user": bot, "status": new, "until_date": 0},
                }
            }
        )

    def bot_messages(self, chat_id: int) -> list[JSON]:
        log = self.chats.get(chat_id)
        return [m for m in log.messages if m["from"].get("is_bot")] if log else []

    def last_bot_message(self, chat_id: int) -> JSON | None:
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def calls_to(self, method: str) -> list[JSON]:
        return [params for name, params in self.calls if name == method]

    def add_fault(self, kind: str, **kwargs: Any) -> FaultRule:
        if kind not in FAULTS and kind not in TRANSPORT_FAULTS:
            raise ValueError(f"unknown fault {kind!r}")
        rule = FaultRule(kind=kind, **kwargs)
        self.faults.append(rule)
        return rule

    def touch(self) -> None:
        """Something happened (a Bot API call was answered): wake whoever waits on it."""
        self._activity.set()

    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> Any:  # noqa: ASYNC109
        """Wait until `predicate()` is truthy, re-checking after every Bot API call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("the emulator did not see what was expected in time")
            self._activity.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._activity.wait(), remaining)

    # ---- the bot's side: Bot API methods ---------------------------------------------------

    def bot_user(self, bot_id: int) -> JSON:
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def take_fault(self, method: str, chat_id: int | None) -> FaultRule | None:
        for rule in self.faults:
            if rule.matches(method, chat_id):
                rule.times -= 1
                self.stats[f"fault_{rule.kind}"] += 1
                return rule
        return None

    def check_limits(self, method: str, chat_id: int | None, paid: bool = False) -> None:
        """Telegram's flood limits: about 30 messages/s overall and 1/s per chat; a paid
        broadcast (allow_paid_broadcast) counts against 1,000/s of its own instead of the 30
        (and is paid for: `stats["paid_messages"]`, 0.1 Star each)."""
        if method not in SENDING_METHODS:
            return
        if not self.limits.enforce:
            self.stats["paid_messages"] += paid
            return
        now = self.clock()
        window = self._paid_window if paid else self._global_window
        limit = self.limits.paid_per_second if paid else self.limits.global_per_second
        while window and now - window[0] >= 1.0:
            window.popleft()
        per_chat = self._chat_window[chat_id or 0]
        while per_chat and now - per_chat[0] >= 1.0:
            per_chat.popleft()
        group = self._group_window[chat_id or 0]
        while group and now - group[0] >= 60.0:
            group.popleft()
        if chat_id is not None and chat_id < 0 and len(group) >= self.limits.group_per_minute:
            self.stats["http_429"] += 1
            self.stats["http_429_group"] += 1
            wait = int(group[0] + 60 - now) + 1
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if len(window) >= limit or len(per_chat) >= self.limits.per_chat_per_second:
            self.stats["http_429"] += 1
            if paid:
                self.stats["http_429_paid"] += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        window.append(now)
        per_chat.append(now)
        self.stats["paid_messages"] += paid
        if chat_id is not None and chat_id < 0:
            group.append(now)

    def _push(self, update: JSON) -> None:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()

    async def get_updates(
        self,
        offset: int = 0,
        limit: int = 100,
        timeout: float = 0.0,  # noqa: ASYNC109 - the Bot API long-poll timeout
        allowed: list[str] | None = None,
    ) -> list[JSON]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            # Confirming: updates below the offset are forgotten, as Telegram does.
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
            ready = [
                u
                for u in self._updates
                if not allowed or any(key in allowed for key in u if key != "update_id")
            ][: max(1, min(limit, 100))]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0:
                return ready
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                return []

    def api_send_message(
        self,
        bot_id: int,
        chat_id: int,
        text: str,
        parse_mode: str | None = None,
        reply_markup: JSON | None = None,
        **extra: Any,
    ) -> JSON:
        content = self._text_content(text, parse_mode)
        return self._bot_message(bot_id, chat_id, content, reply_markup)

    def _text_content(self, text: str, parse_mode: str | None) -> JSON:
        """What Telegram keeps of a text: the plain text (the markup checked and removed)."""
        shown = plain_text(text) if (parse_mode or "").upper() == "HTML" else text
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(shown) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        content: JSON = {"text": shown}
        if parse_mode:
            # Kept for tests (Telegram returns entities instead).
            content["parse_mode"] = parse_mode
            content["html"] = text
        return content

    def api_send_document(
        self,
        bot_id: int,
        chat_id: int,
        content: bytes | None,
        file_name: str,
        mime_type: str,
        file_id: str | None = None,
        caption: str = "",
        reply_markup: JSON | None = None,
    ) -> JSON:
        if file_id is not None:
            stored = self.files.get(file_id)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:
            stored = self._store_file(content or b"", file_name, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.content),
        }
        body: JSON = {"document": document}
        if caption:
            body["caption"] = caption
        return self._bot_message(bot_id, chat_id, body, reply_markup)

    def _bot_message(
        self, bot_id: int, chat_id: int, content: JSON, reply_markup: JSON | None
    ) -> JSON:
        if chat_id not in self.chats and chat_id not in self.users:
            raise ApiError(400, "Bad Request: chat not found")
        log = self._chat(chat_id)
        if log.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if log.moved_to is not None:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           migrate_to_chat_id=log.moved_to)  # fmt: skip
        if log.bot_removed:
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        message: JSON = {
            "message_id": next(self._message_ids[chat_id]),
            "from": self.bot_user(bot_id),
            "chat": log.chat,
            "date": int(time.time()),
            **content,
        }
        if reply_markup:
            message["reply_markup"] = reply_markup
        log.messages.append(message)
        self.stats["messages_sent"] += 1
        return message

    def edit_message(
        self,
        chat_id: int,
        message_id: int,
        text: str | None = None,
        reply_markup: JSON | None = None,
        markup_given: bool = False,
        parse_mode: str | None = None,
    ) -> JSON:
        log = self.chats.get(chat_id)
        message = log.by_id(message_id) if log else None
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if text is not None:
            content = self._text_content(text, parse_mode)
            text = content["text"]
            if text == message.get("text") and reply_markup == message.get("reply_markup"):
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content "
                    "and reply markup are exactly the same as a current content and reply "
                    "markup of the message",
                )
            message.update(content)
        if text is not None or markup_given:
            if reply_markup:
                message["reply_markup"] = reply_markup
            else:
                message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        return message

    def answer_callback(self, query_id: str, text: str = "", show_alert: bool = False) -> bool:
        self.callback_answers[query_id] = {"text": text, "show_alert": show_alert}
        return True

    def get_file(self, file_id: str) -> JSON:
        stored = self.files.get(file_id)
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.path,
        }

    def file_by_path(self, path: str) -> StoredFile | None:
        for stored in self.files.values():
            if stored.path == path:
                return stored
        return None

    def _store_file(self, content: bytes, name: str, mime_type: str) -> StoredFile:
        unique = secrets.token_hex(6)
        file_id = "BQAC" + secrets.token_urlsafe(24)
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            path=f"documents/file_{len(self.files)}_{unique}",
            content=content,
            name=name,
            mime_type=mime_type,
        )
        self.files[file_id] = stored
        return stored
