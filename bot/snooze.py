"""⏰ Nhắc lại sau under a card: the choices (each with its day, none past the deadline), then
the snooze recorded through the duty action, and the card's own buttons back."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.answers import check, pressed
from bot.replies import refused_or_gone
from bot.services import services_of
from db.session import session_scope
from duties import actions
from duties.permissions import actor_for
from jobs.outbox import base_policy
from jobs.sender import keyboard
from texts import cards, messages
from texts.buttons import SNOOZE, SNOOZE_FOR
from timing.snooze import choices


async def snooze_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    press = await pressed(update, context, SNOOZE, SNOOZE_FOR)
    if press is None:
        return
    query, user = press.query, press.user
    occurrence_id, unit_id = press.values[0], press.values[1]
    code = press.values[2] if press.kind is SNOOZE_FOR else ""
    settings, locale, now = services.settings, services.locale, services.clock()
    calendar, send_at = settings.calendar(), base_policy(settings).send_at
    if code in ("", "b"):  # show the choices, or go back to the card's buttons
        with session_scope(services.sessions) as session:
            asked = check(session, services, user.id, occurrence_id, unit_id, "snooze")
        if await refused_or_gone(query, asked, locale):
            return
        assert asked.info is not None
        info = asked.info
        if code == "b":
            await query.answer()
            await _buttons(query, cards.answer_buttons(info, locale))
            return
        offered = choices(info.due_at, now, calendar, send_at)
        if not offered or info.status == "done":
            await query.answer(messages.text("snooze.none", locale), show_alert=True)
            return
        await query.answer(messages.text("snooze.pick", locale))
        await _buttons(query, cards.snooze_buttons(info, offered, settings.timezone, locale))
        return
    with session_scope(services.sessions) as session:
        actor = actor_for(session, settings.office_admins, user.id)
        outcome, choice = actions.snooze(session, actor, (occurrence_id, unit_id), str(code),
                                         now, calendar, send_at)  # fmt: skip
    if await refused_or_gone(query, outcome, locale):
        return
    assert outcome.duty is not None
    if choice is None:
        await query.answer(messages.text("snooze.none", locale), show_alert=True)
        await _buttons(query, cards.answer_buttons(outcome.duty, locale))
        return
    when = choice.moment.astimezone(settings.timezone).strftime("%H:%M %d/%m/%Y")
    await query.answer(messages.text("snooze.done", locale, when=when), show_alert=True)
    await _buttons(query, cards.answer_buttons(outcome.duty, locale))


async def _buttons(query: object, buttons: cards.Buttons) -> None:
    try:
        await query.edit_message_reply_markup(keyboard(buttons))  # type: ignore[attr-defined]
    except BadRequest as error:  # pressed twice: "message is not modified"
        if "not modified" not in error.message.lower():
            raise
