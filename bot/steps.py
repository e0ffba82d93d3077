"""Conversation steps: what a typed message answers depends on what the chat is being asked
(`ChatState.kind`, stored so a restart mid-question loses nothing). Each kind's step is
registered here by the module that asks the question; `text_reply` looks it up.

A registry rather than an if/elif over the kinds: the modules that ask questions import this
one, never each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from bot.services import Services, services_of
from db.models import ChatState
from texts import messages

# A step gets the typed message (with text), who typed it, and the bot's services.
Step = Callable[[Message, User, Services], Awaitable[None]]
_STEPS: dict[str, Step] = {}


def step(kind: str) -> Callable[[Step], Step]:
    """Register the function that takes a typed answer when the chat is asked `kind`."""

    def register(function: Step) -> Step:
        if _STEPS.get(kind, function) is not function:
            raise ValueError(f"two steps for {kind!r}")
        _STEPS[kind] = function
        return function

    return register


def kinds() -> set[str]:
    return set(_STEPS)


async def text_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text in a private chat: the answer to whatever the chat is being asked."""
    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    with services.sessions() as session:
        state = session.get(ChatState, message.chat.id)
        kind = state.kind if state is not None else ""
    found = _STEPS.get(kind)
    if found is None:
        await message.reply_text(messages.text("answer.nothing_asked", services.locale))
        return
    await found(message, user, services)
