"""Saying why nothing was done, in one place: the same words whether a button was pressed
(an alert on the press) or a message was typed (a reply)."""

from __future__ import annotations

from typing import Any, Protocol

from texts import messages


class HasProblem(Protocol):
    @property
    def problem(self) -> str | None: ...


async def refused_or_gone(target: Any, outcome: HasProblem, locale: str) -> bool:
    """Tell the person the action was refused or its task is gone; True when it was.

    `target` is a pressed button's query or the message to reply to."""
    key = outcome.problem
    if key is None:
        return False
    await say(target, messages.text(key, locale), alert=True)
    return True


async def say(target: Any, text: str, alert: bool = False) -> None:
    """A short answer: a toast (or alert) on a press, a plain reply to a message."""
    if hasattr(target, "data") and hasattr(target, "answer"):  # a CallbackQuery
        await target.answer(text, show_alert=alert)
    else:
        await target.reply_text(text)
