"""Yêu cầu giải trình: the office asks an overdue unit to explain; the unit's answer is
recorded as its explanation, shown in the office's reports and passed on to the office."""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import check, pressed, prompt_buttons, send_question, toast
from bot.replies import refused_or_gone
from bot.services import Services, services_of
from bot.steps import Reply, step
from db.models import ChatState
from db.session import session_scope
from duties import actions
from duties.actions import ask
from duties.permissions import actor_for, in_private, refusal
from jobs import notices, outbox
from texts import cards, messages
from texts.buttons import EXPLAIN, EXPLAIN_REQUEST

KIND = "explanation"


async def request_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📝 under an escalation (office only): send the unit a formal request."""
    services = services_of(context)
    press = await pressed(update, context, EXPLAIN_REQUEST)
    if press is None:
        return
    query, user = press.query, press.user
    occurrence_id, unit_id = press.values
    locale, now, tz = services.locale, services.clock(), services.settings.timezone
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        done = actions.request_explanation(session, actor, (occurrence_id, unit_id), now)
        info = done.duty
        if info is not None:
            notices.queue_explanation_request(session, info, now, locale, tz)
    if not done.allowed:  # an office action: the refusal says where it may be used
        await query.answer(messages.text(refusal(actor), locale), show_alert=True)
        return
    if await refused_or_gone(query, done, locale):
        return
    assert info is not None
    said = messages.text("explain.requested", locale, unit=info.unit_name, ref=info.task_ref)
    await query.answer()
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, said, parse_mode=ParseMode.HTML)


async def explain_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✍️ on the request: the next text from this chat is the explanation."""
    services = services_of(context)
    press = await pressed(update, context, EXPLAIN)
    if press is None:
        return
    query, user = press.query, press.user
    occurrence_id, unit_id = press.values
    with session_scope(services.sessions) as session:
        asked = check(session, services, user.id, occurrence_id, unit_id, "explanation")
        if asked.info is not None:
            ask(
                session,
                press.ask_in,
                asked.actor.member,
                KIND,
                {"occurrence_id": occurrence_id, "unit_id": unit_id, "ref": asked.info.task_ref},
                services.clock(),
            )
    if await refused_or_gone(query, asked, services.locale):
        return
    assert asked.info is not None
    await query.answer(toast(press, "✍️", services.locale) if press.in_group else None)
    await send_question(
        context, press, messages.text("explain.ask", services.locale, ref=asked.info.task_ref),
        prompt_buttons(services.locale),
    )  # fmt: skip


@step(KIND)
def explanation_text(
    session: Session, state: ChatState, message: Message, user: User, services: Services
) -> Reply:
    assert message.text is not None
    locale, now = services.locale, services.clock()
    data = dict(state.data)
    occurrence_id, unit_id = int(data["occurrence_id"]), int(data["unit_id"])
    actor = actor_for(session, services.settings.office_admins, user.id)
    done = actions.explain(session, actor, (occurrence_id, unit_id), message.text, now)
    if done.duty is not None:
        body = messages.text(
            "explain.to_office",
            locale,
            unit=done.duty.unit_name,
            ref=done.duty.task_ref,
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

    async def reply() -> None:
        if await refused_or_gone(message, done, locale):
            return
        assert done.duty is not None
        await message.reply_text(
            messages.text("explain.saved", locale, unit=done.duty.unit_name,
                          ref=done.duty.task_ref)
        )  # fmt: skip

    return reply
