"""🚫 Không thuộc phạm vi: a unit says a task is not its own, optionally says why; the office
confirms (the unit is unassigned) or keeps it assigned (reminders resume). Through the duty
actions and the outbox, as every other answer."""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import pressed, prompt_buttons, send_question, toast
from bot.replies import refused_or_gone
from bot.services import Services, services_of
from bot.steps import Reply, step
from db.models import ChatState, ScopeClaim, Task, Unit
from db.session import session_scope
from db.text import clean
from duties import actions
from duties.permissions import actor_for
from jobs import notices
from texts import messages
from texts.buttons import OUT_OF_SCOPE, SCOPE_DECIDE


async def out_of_scope_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    press = await pressed(update, context, OUT_OF_SCOPE)
    if press is None:
        return
    query, user = press.query, press.user
    key = (int(press.values[0]), int(press.values[1]))
    locale, now, chat_id = services.locale, services.clock(), press.ask_in
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id)
        outcome, task_id = actions.claim_out_of_scope(session, actor, key, now, chat_id)
        if outcome.duty is not None and task_id is not None:
            claim = session.get(ScopeClaim, (task_id, key[1]))
            assert claim is not None
            notices.queue_scope_claim(session, services.settings, outcome.duty, task_id,
                                      claim.claimed_at, locale)  # fmt: skip
    if await refused_or_gone(query, outcome, locale):
        return
    assert outcome.duty is not None
    if not outcome.asks:  # done already: nothing to claim
        await query.answer(messages.text("scope.not_now", locale), show_alert=True)
        return
    await query.answer(toast(press, "🚫", locale) if press.in_group else None)
    await send_question(context, press,
                        messages.text("scope.ask_reason", locale, ref=outcome.duty.task_ref),
                        prompt_buttons(locale, skip=True))  # fmt: skip


@step(actions.OUT_OF_SCOPE)
def _reason(
    session: Session, state: ChatState, message: Message, user: User, services: Services
) -> Reply:
    reason = clean(message.text or "")[:1000]
    locale, now = services.locale, services.clock()
    data = dict(state.data)
    key = (int(data["occurrence_id"]), int(data["unit_id"]))
    actor = actor_for(session, services.settings.office_admins, user.id)
    done = actions.scope_reason(session, actor, key, reason, now)
    claim = session.get(ScopeClaim, (int(data["task_id"]), key[1]))
    if done.duty is not None and claim is not None and claim.state == "pending":
        notices.add_scope_reason(session, services.settings, done.duty, claim.task_id,
                                 claim.claimed_at, reason, now, locale)  # fmt: skip
    session.delete(state)

    async def reply() -> None:
        if await refused_or_gone(message, done, locale):
            return
        await message.reply_text(messages.text("scope.reason_saved", locale, reason=reason))

    return reply


async def scope_decide_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    press = await pressed(update, context, SCOPE_DECIDE)
    if press is None:
        return
    query, user = press.query, press.user
    task_id, unit_id, code = int(press.values[0]), int(press.values[1]), press.values[2]
    locale, now = services.locale, services.clock()
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id)
        claim = actions.decide_scope(session, actor, task_id, unit_id, code == "y", now)
        allowed = actor.is_office
        if claim is not None:
            task, unit = session.get(Task, task_id), session.get(Unit, unit_id)
            assert task is not None and unit is not None
            notices.queue_scope_decision(session, unit_id, unit.name, task.ref,
                                         claim.state == "confirmed", now, locale)  # fmt: skip
            decision = messages.text(
                "button.scope_confirm" if claim.state == "confirmed" else "button.scope_reject",
                locale,
            )
    if not allowed:
        await query.answer(messages.text("refused.office", locale), show_alert=True)
        return
    if claim is None:
        await query.answer(messages.text("scope.already", locale), show_alert=True)
        return
    await query.answer(messages.text("scope.decided", locale, decision=decision))
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(
        query.message.chat.id, messages.text("scope.decided", locale, decision=decision),
        parse_mode=ParseMode.HTML,
    )  # fmt: skip
