"""The one way a message leaves for Telegram, and what its failure means.

Every proactive message (reminders, digests, notices) goes through `deliver`. It never
raises: Telegram's answer is classified into sent, retry later, gone (the person blocked the
bot or the chat does not exist) or failed for good.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from texts.messages import split_for_telegram

log = logging.getLogger(__name__)

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
# Tells the rate limiter (bot/limiter.py) that a message can wait behind replies to people.
BULK = "bulk"
# Telegram's limit for one group, besides about 30 a second in all.
GROUP_PER_MINUTE = 20
# Telegram's limit for all chats together, without paid broadcasts.
FREE_PER_SECOND = 30.0
# The rate limiter hands out slots at 97 % of a limit: 30 slots then span 1.03 s, so a
# request that reaches Telegram up to 30 ms later than the one before it (a busy event loop,
# another HTTP connection) still never makes 31 in one second. At 99.7 % the margin was 3 ms
# and a reply mixed into a broadcast met a 429. The outbox paces itself a little below the
# slots, and replies to people take the next slot before bulk messages (bot/limiter.py).
SLOT_SHARE = 0.97
OUTBOX_SHARE = 0.96
# How late a send may start and still keep its place in the schedule (see next_slot).
LATE_SLACK = 0.003


def next_slot(scheduled: float, started: float, spacing: float) -> float:
    """When the send after one that was due at `scheduled` and started at `started` may go.

    Spacing from the actual start loses the few milliseconds every sleep wakes late, at each
    send (29.8 a second planned came out as 28.4). Spacing from the schedule alone would let a
    stalled event loop release a burst. So the schedule keeps its place while a send starts at
    most LATE_SLACK late, and restarts from the actual start after a stall: any run of sends
    then spans at least its spacings less LATE_SLACK."""
    return max(scheduled, started - LATE_SLACK) + spacing


# What the HTTP pool and the requests in flight are sized for: a Bot API call's round trip.
ROUND_TRIP = 0.125


@dataclass(frozen=True)
class Rates:
    """How fast messages may leave. Free: about 30 a second in all. With paid broadcasts
    (PAID_BROADCAST_RATE, Telegram's `allow_paid_broadcast`), the outbox's sends go on their
    own slots up to the paid rate, while replies to people keep the free 30 a second; the
    per-chat and per-group limits hold either way."""

    paid: int = 0  # messages a second paid for; 0: off
    free: float = FREE_PER_SECOND

    @property
    def free_slots(self) -> float:
        return self.free * SLOT_SHARE

    @property
    def paid_slots(self) -> float:
        return self.paid * SLOT_SHARE

    @property
    def outbox(self) -> float:
        """The outbox's pace: a little under its slots."""
        return (self.paid or self.free) * OUTBOX_SHARE

    @property
    def in_flight(self) -> int:
        """Sends the outbox keeps going at once: enough to hold its pace over slow answers."""
        return max(64, math.ceil(self.outbox * ROUND_TRIP * 2))

    @property
    def connections(self) -> int:
        """HTTP connections to the Bot API (one request at a time on each)."""
        return max(8, math.ceil(self.outbox * ROUND_TRIP * 1.25))


class GroupMinutes:
    """What went to each group in the last minute: one count for the rate limiter, which
    records every message as it goes (replies, card edits, reminders), and for the engine,
    which sends no more than a group's minute has room for and leaves the rest in the outbox.
    Times are seconds on the clock the caller plans with."""

    def __init__(self, limit: int = GROUP_PER_MINUTE) -> None:
        self.limit = limit
        self._sent: defaultdict[int, deque[float]] = defaultdict(deque)

    def _window(self, chat_id: int, now: float) -> deque[float]:
        sent = self._sent[chat_id]
        if sent and now < sent[-1]:  # the clock was set back: start the minute afresh
            sent.clear()
        while sent and now - sent[0] >= 60:
            sent.popleft()
        return sent

    def room(self, chat_id: int, now: float) -> int:
        return max(0, self.limit - len(self._window(chat_id, now)))

    def free_at(self, chat_id: int, now: float, needed: int = 1) -> float:
        """When `needed` more messages fit in the group's minute."""
        sent = self._window(chat_id, now)
        over = len(sent) + needed - self.limit
        if over <= 0 or not sent:
            return now
        return sent[min(over, len(sent)) - 1] + 60

    def record(self, chat_id: int, now: float) -> None:
        self._window(chat_id, now).append(now)
        if len(self._sent) > 10_000:  # forget quiet groups: the map stays small
            for key in [k for k, v in self._sent.items() if not v or now - v[-1] >= 60]:
                del self._sent[key]


@dataclass(frozen=True)
class Delivery:
    outcome: Literal["sent", "retry", "gone", "failed", "moved"]
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""
    moved_to: int | None = None  # "moved": the group's new chat id (now a supergroup)


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in buttons]
    )  # fmt: skip


class OutboxBot(Protocol):
    """What the outbox sends through: the application's bot (`bot.tolerant.TolerantBot`) or a
    test's fake. `send_text` raises python-telegram-bot's errors, as `send_message` does."""

    async def send_text(
        self, chat_id: int, text: str, buttons: Buttons | None, paid: bool
    ) -> int:  # the message's id
        ...

    async def get_me(self) -> Any: ...


def send_message_data(
    chat_id: int, text: str, buttons: Buttons | None, paid: bool
) -> dict[str, Any]:
    """sendMessage's parameters for an outbox message: Telegram HTML, no link preview, the
    buttons as an inline keyboard, `allow_paid_broadcast` when the office pays."""
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": ParseMode.HTML.value,
        "link_preview_options": {"is_disabled": True},
    }
    if buttons:
        data["reply_markup"] = {
            "inline_keyboard": [
                [{"text": label, "callback_data": data} for label, data in row] for row in buttons
            ]
        }
    if paid:
        data["allow_paid_broadcast"] = True
    return data


async def deliver(
    bot: OutboxBot, chat_id: int, text: str, buttons: Buttons | None = None, paid: bool = False
) -> Delivery:
    """Send `text` (Telegram HTML, already escaped) in pieces under the size limit; the
    buttons go with the last piece. `paid`: as a paid broadcast (past the free 30 a second)."""
    pieces = split_for_telegram(text)
    message_id = None
    try:
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            message_id = await bot.send_text(chat_id, piece, buttons if last else None, paid)
    except RetryAfter as error:
        return Delivery(
            "retry", retry_after=_seconds(error.retry_after), error=f"429: {error.message}"
        )
    except ChatMigrated as error:
        return Delivery("moved", error=f"400: {error.message}", moved_to=error.new_chat_id)
    except Forbidden as error:
        return Delivery("gone", error=f"403: {error.message}")
    except BadRequest as error:  # before NetworkError: PTB derives one from the other
        if any(marker in error.message.lower() for marker in GONE_MARKERS):
            return Delivery("gone", error=f"400: {error.message}")
        return Delivery("failed", error=f"400: {error.message}")
    except (NetworkError, TelegramError) as error:
        return Delivery("retry", error=f"{type(error).__name__}: {error.message}")
    except Exception as error:  # a bug or an unknown answer must not stop the tick
        log.exception("unexpected error sending to a chat")
        return Delivery("retry", error=f"{type(error).__name__}: {error}")
    return Delivery("sent", message_id)


def _seconds(value: object) -> float:
    # PTB 22 gives an int or a timedelta depending on its PTB_TIMEDELTA switch.
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
