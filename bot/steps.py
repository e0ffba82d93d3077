"""Conversation steps: what a typed message answers depends on what the chat is being asked
(`ChatState.kind`, stored so a restart mid-question loses nothing). Each kind's step is
registered here by the module that asks the question; `text_reply` looks it up.

A registry rather than an if/elif over the kinds: the modules that ask questions import this
one, never each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.orm import Session
from telegram import Message, Update, User
from telegram.ext import ContextTypes

from bot.services import Services, services_of
from db.models import ChatState
from db.session import session_scope
from texts import messages

# What a step says once its work is committed.
Reply = Callable[[], Awaitable[None]]
# A step gets the update's one session, what the chat is asked (its ChatState), the typed
# message (with text), who typed it and the services; it records in the session and returns
# its reply, sent after the commit: stored before it is acknowledged.
Step = Callable[[Session, ChatState, Message, User, Services], Reply]
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
    reply = None
    with session_scope(services.sessions) as session:  # the update's one session
        state = session.get(ChatState, message.chat.id)
        found = _STEPS.get(state.kind) if state is not None else None
        if found is not None and state is not None:
            reply = found(session, state, message, user, services)
    if reply is None:
        await message.reply_text(messages.text("answer.nothing_asked", services.locale))
        return
    await reply()
