"""Update handlers: read the update, call a service, reply."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import people
from bot.services import services_of
from db.models import AuditLog
from db.session import session_scope
from texts import messages
from texts.buttons import HELP

log = logging.getLogger(__name__)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet a newcomer and explain how to get linked; with an invitation token, link them."""
    services = services_of(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    if context.args:
        await people.link(update, context, context.args[0])
        return
    with session_scope(services.sessions) as session:
        session.add(AuditLog(at=services.clock(), actor_user_id=user.id, action="start"))
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    messages.text("button.help", services.locale), callback_data=HELP.data()
                )
            ]
        ]
    )
    await message.reply_text(
        messages.text("start.welcome", services.locale, name=user.full_name),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show how to use the bot."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            messages.text("help", services_of(context).locale), parse_mode=ParseMode.HTML
        )


async def help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Help button: acknowledge the press, then show the help text."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if query.message is not None:
        await context.bot.send_message(
            query.message.chat.id,
            messages.text("help", services_of(context).locale),
            parse_mode=ParseMode.HTML,
        )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first; then tell the user something went wrong, if there is a user to tell."""
    log.error("update failed update=%s", getattr(update, "update_id", None), exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                messages.text("error.generic", services_of(context).locale),
            )
        except Exception:  # the error path must not raise in turn
            log.warning("could not tell chat=%s about an error", update.effective_chat.id)
