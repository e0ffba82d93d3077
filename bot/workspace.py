"""/web: a one-time sign-in link to the web workspace (and, over HTTPS, the Mini App button).

The link is short-lived and single use (`db/web_auth.py`); it is sent without a preview so
that Telegram's link preview does not open it first (the page asks for one press anyway).
"""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.services import Services, services_of
from db import web_auth
from db.session import session_scope
from duties.permissions import Action, actor_for, authorize, in_private
from texts import messages

log = logging.getLogger(__name__)


def mini_app_url(services: Services) -> str:
    return services.settings.web_public_url + "/app"


def workspace_button(services: Services) -> InlineKeyboardMarkup | None:
    if not services.settings.mini_app:
        return None
    label = messages.text("button.workspace", services.locale)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, web_app=WebAppInfo(mini_app_url(services)))]]
    )


async def web_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    locale, now = services.locale, services.clock()
    if not services.settings.web_port:
        await message.reply_text(messages.text("web.off", locale))
        return
    token = None
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        # A sign-in link is personal: only in a private chat, only for someone linked.
        if actor.private and authorize(session, actor, Action.MEMBER, now, what="web"):
            token, expires = web_auth.create_link(session, user.id, now)
    if token is None:
        await message.reply_text(messages.text("web.not_linked", locale))
        return
    url = f"{services.settings.web_url}/auth/link?t={token}"
    shown = expires.astimezone(services.settings.timezone).strftime("%H:%M %d/%m/%Y")
    await message.reply_text(
        messages.text("web.link", locale, url=url, expires=shown),
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
        reply_markup=workspace_button(services),
    )


async def menu_button(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Over HTTPS, the chat's menu button opens the Mini App."""
    if not services.settings.mini_app:
        return
    button = MenuButtonWebApp(messages.text("button.workspace", services.locale),
                              WebAppInfo(mini_app_url(services)))  # fmt: skip
    try:
        await application.bot.set_chat_menu_button(menu_button=button)
    except TelegramError as error:  # not fatal: /web still works
        log.warning("could not set the menu button: %s", error)
