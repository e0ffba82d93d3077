"""Telegram's flood limits for everything the bot sends, with replies to people first.

Telegram allows about 30 messages a second in all, and 20 a minute in one group. PTB's
AIORateLimiter keeps those, but in one first-come queue: after ten thousand button presses,
their card edits stood in front of a newcomer's /start for six minutes. Here every message
waits for the same 30-a-second slots, but a waiting reply to a person (a command's answer, a
question, a sent card) takes the next slot before any waiting bulk message (a card edit, a
reminder from the outbox, which passes `rate_limit_args=BULK`). Calls that are not messages
(answering a button press, getUpdates, getFile) do not wait at all. With paid broadcasts on,
the outbox's sends (`allow_paid_broadcast`) take slots of their own at the paid rate.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from jobs.sender import BULK, GroupMinutes, Rates, next_slot

log = logging.getLogger(__name__)

INTERACTIVE, BACKGROUND = 0, 1
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


class Slots:
    """Message slots `spacing` seconds apart, the next one to the best waiter: replies
    before bulk, first come within each."""

    def __init__(self, per_second: float) -> None:
        self.spacing = 1.0 / per_second
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._next_slot = 0.0
        self._dispatcher: asyncio.Task[None] | None = None

    async def take(self, priority: int) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if not self._waiting and now >= self._next_slot:
            self._next_slot = next_slot(self._next_slot, now, self.spacing)
            return
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), future))
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = loop.create_task(self._dispatch())
        await future

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            delay = self._next_slot - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            while self._waiting:
                _, _, future = heapq.heappop(self._waiting)
                if not future.done():
                    future.set_result(None)
                    self._next_slot = next_slot(self._next_slot, loop.time(), self.spacing)
                    break

    def cancel(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.cancel()


class PriorityRateLimiter(BaseRateLimiter[str]):
    def __init__(
        self, rates: Rates | None = None, max_retries: int = 3,
        clock: Callable[[], float] | None = None,
    ) -> None:  # fmt: skip
        rates = rates or Rates()
        self.max_retries = max_retries
        self.free = Slots(rates.free_slots)
        # Paid broadcasts (allow_paid_broadcast) have their own limit, up to 1,000 a second.
        self.paid = Slots(rates.paid_slots) if rates.paid else None
        # Each group's last minute, on the clock the outbox plans with: the engine reads the
        # same count and sends a group no more than it has room for.
        self.group_minutes = GroupMinutes()
        self._clock = clock
        self._clear = asyncio.Event()
        self._clear.set()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self.free.cancel()
        if self.paid is not None:
            self.paid.cancel()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _chat_id(data.get("chat_id"))
        slots = self.free
        if self.paid is not None and data.get("allow_paid_broadcast"):
            slots = self.paid
        for attempt in range(self.max_retries + 1):
            await self._clear.wait()
            if chat_id is not None:
                if chat_id < 0:
                    await self._group_minute(chat_id)
                bulk = rate_limit_args == BULK or endpoint in EDITS
                await slots.take(BACKGROUND if bulk else INTERACTIVE)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.max_retries:
                    raise
                seconds = _seconds(error.retry_after) + 0.1
                log.info("Telegram asked to wait %.1f s (429); everything waits", seconds)
                self._clear.clear()  # nobody sends meanwhile
                await asyncio.sleep(seconds)
                self._clear.set()
        raise AssertionError("unreachable")

    async def _group_minute(self, chat_id: int) -> None:
        """Wait until the group has had fewer than GROUP_PER_MINUTE messages in a minute."""
        now = self._clock() if self._clock is not None else asyncio.get_running_loop().time()
        minutes = self.group_minutes
        if not minutes.room(chat_id, now):
            wait = min(60.0, minutes.free_at(chat_id, now) - now)
            log.info("group %s had %d messages this minute: waiting %.1f s", chat_id,
                     minutes.limit, wait)  # fmt: skip
            await asyncio.sleep(wait)
            now += wait
        minutes.record(chat_id, now)


def _chat_id(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None if value is None else -1  # "@channel": limited as a group


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
