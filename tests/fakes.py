"""Fakes for the edges: a Telegram bot that records what it was asked to send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from jobs.sender import keyboard


@dataclass
class Sent:
    at: datetime
    chat_id: int
    text: str
    buttons: list[str] = field(default_factory=list)  # callback data, in order


class FakeBot:
    """Stands in for telegram.Bot where the engine sends: records every message, and raises
    the errors a test queues for a chat (`fail(chat_id, error, times)`)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self._failures: dict[int, list[BaseException]] = {}
        self._next_id = 0

    def fail(self, chat_id: int, error: BaseException, times: int = 1) -> None:
        self._failures.setdefault(chat_id, []).extend([error] * times)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> SimpleNamespace:
        queued = self._failures.get(chat_id)
        if queued:
            raise queued.pop(0)
        markup = kwargs.get("reply_markup")
        buttons = [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []
        self._next_id += 1
        self.sent.append(Sent(self.clock(), chat_id, text, buttons))
        return SimpleNamespace(message_id=self._next_id)

    async def send_text(self, chat_id: int, text: str, buttons: Any, paid: bool) -> int:
        """The outbox's send (jobs.sender.OutboxBot), through send_message as the real bot's
        is, so that a test overriding send_message sees the outbox's messages too."""
        markup = keyboard(buttons)
        sent = await self.send_message(chat_id, text, reply_markup=markup, paid=paid)
        return int(sent.message_id)

    async def get_me(self) -> SimpleNamespace:
        return SimpleNamespace(id=1, username="fake_bot")

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]
