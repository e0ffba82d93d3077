"""Yêu cầu giải trình: the office asks an overdue unit to explain; the unit's answer is
recorded as its explanation, shown in the office's reports and passed on to the office."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import ask, check, pressed, prompt_buttons
from bot.permissions import Action, actor_for, authorize, in_private, refusal
from bot.services import services_of
from db.answers import request_explanation, save_explanation
from db.models import ChatState
from db.session import session_scope
from duties.query import by_pair
from jobs import outbox
from texts import cards, messages

KIND = "explanation"


async def request_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📝 under an escalation (office only): send the unit a formal request."""
    services = services_of(context)
    press = await pressed(update, cards.parse_pair)
    if press is None:
        return
    query, user = press.query, press.user
    _, occurrence_id, unit_id, _ = press.parsed
    locale, now, tz = services.locale, services.clock(), services.settings.timezone
    info = None
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        allowed = authorize(
            session, actor, Action.OFFICE, now, unit_id=unit_id, what="explanation_request"
        )
        if allowed:
            info = by_pair(session, [(occurrence_id, unit_id)], now).get((occurrence_id, unit_id))
        if info is not None:
            request_explanation(session, occurrence_id, unit_id, now)
            due = info.due_at.astimezone(tz).date()
            body = messages.text(
                "explain.notice",
                locale,
                unit=info.unit_name,
                ref=info.task_ref,
                title=cards.short(info.task_title, 300),
                due=cards.day_text(due, locale),
            )
            button = [[(messages.text("button.explain", locale), f"e:{occurrence_id}:{unit_id}")]]
            outbox.notify(
                session,
                outbox.unit_recipients(session, unit_id),
                f"explain:{occurrence_id}:{unit_id}:{now:%Y%m%d%H%M%S}",
                body,
                now,
                unit_id,
                button,
                audience="unit",
            )
    if not allowed:
        await query.answer(messages.text(refusal(actor), locale), show_alert=True)
        return
    if info is None:
        await query.answer(messages.text("answer.gone", locale), show_alert=True)
        return
    done = messages.text("explain.requested", locale, unit=info.unit_name, ref=info.task_ref)
    await query.answer()
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, done, parse_mode=ParseMode.HTML)


async def explain_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✍️ on the request: the next text from this chat is the explanation."""
    services = services_of(context)
    press = await pressed(update, cards.parse_pair)
    if press is None:
        return
    query, user, parsed = press.query, press.user, press.parsed
    _, occurrence_id, unit_id, _ = parsed
    with session_scope(services.sessions) as session:
        asked = check(session, services, user.id, occurrence_id, unit_id, "explanation")
        if asked.info is not None:
            ask(
                session,
                query.message.chat.id,
                asked.actor.member,
                KIND,
                {"occurrence_id": occurrence_id, "unit_id": unit_id, "ref": asked.info.task_ref},
                services.clock(),
            )
    if asked.info is None:
        key = "answer.refused" if not asked.allowed else "answer.gone"
        await query.answer(messages.text(key, services.locale), show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(
        query.message.chat.id,
        messages.text("explain.ask", services.locale, ref=asked.info.task_ref),
        parse_mode=ParseMode.HTML,
        reply_markup=prompt_buttons(services.locale),
    )


async def explanation_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    locale, now = services.locale, services.clock()
    with session_scope(services.sessions) as session:
        state = session.get(ChatState, message.chat.id)
        if state is None or state.kind != KIND:
            return
        data = dict(state.data)
        occurrence_id, unit_id = int(data["occurrence_id"]), int(data["unit_id"])
        asked = check(session, services, user.id, occurrence_id, unit_id, "explanation")
        if asked.info is not None:
            member_id = asked.actor.member.id if asked.actor.member is not None else None
            save_explanation(session, occurrence_id, unit_id, member_id, message.text, now)
            body = messages.text(
                "explain.to_office",
                locale,
                unit=asked.info.unit_name,
                ref=asked.info.task_ref,
                text=cards.short(message.text, 1500),
            )
            outbox.notify_office(
                session,
                services.settings,
                f"explained:{occurrence_id}:{unit_id}:{now:%Y%m%d%H%M%S}",
                body,
                now,
                unit_id,
                except_chat=message.chat.id,
            )
        session.delete(state)
    if asked.info is None:
        key = "answer.refused" if not asked.allowed else "answer.gone"
        await message.reply_text(messages.text(key, locale))
        return
    await message.reply_text(
        messages.text("explain.saved", locale, unit=asked.info.unit_name, ref=asked.info.task_ref)
    )
