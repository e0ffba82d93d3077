"""The one way a message leaves for Telegram, and what its failure means.

Every proactive message (reminders, digests, notices) goes through `deliver`. It never
raises: Telegram's answer is classified into sent, retry later, gone (the person blocked the
bot or the chat does not exist) or failed for good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from texts.messages import split_for_telegram

log = logging.getLogger(__name__)

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
# Tells the rate limiter (bot/limiter.py) that a message can wait behind replies to people.
BULK = "bulk"


@dataclass(frozen=True)
class Delivery:
    outcome: Literal["sent", "retry", "gone", "failed"]
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in buttons]
    )  # fmt: skip


async def deliver(bot: Bot, chat_id: int, text: str, buttons: Buttons | None = None) -> Delivery:
    """Send `text` (Telegram HTML, already escaped) in pieces under the size limit; the
    buttons go with the last piece."""
    pieces = split_for_telegram(text)
    message_id = None
    try:
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            message = await bot.send_message(
                chat_id,
                piece,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(buttons) if last else None,
                disable_web_page_preview=True,
                rate_limit_args=BULK,
            )
            message_id = message.message_id
    except RetryAfter as error:
        return Delivery(
            "retry", retry_after=_seconds(error.retry_after), error=f"429: {error.message}"
        )
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
