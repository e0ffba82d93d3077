"""A task's form in the chat: one question at a time, checked, a group repeated as often as
the unit said, a summary to confirm, and corrections until the deadline.

The draft lives in the database (FormSubmission.answers["draft"]) and where the form is
follows from the draft alone, so a restart mid-form resumes at the same question.

An answer is bound to the question it answers. In a private chat the person's messages and
the bot's share one rising sequence of message ids, so the chat state keeps the id of the
question last asked and of the last message dealt with: a message older than the question shown
was typed for an earlier one (the person typed ahead, or the bot was down) and is refused
aloud, never applied to the next question; a message already taken (Telegram delivers it
again after a crash) is not taken twice.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.answers import Asked, check, pressed, prompt_buttons, send_question, toast
from bot.replies import refused_or_gone
from bot.services import Services, services_of
from bot.steps import Reply, step
from db.models import ChatState, FormDefinition, FormSubmission, Occurrence
from db.session import session_scope
from duties import actions, rules
from duties.actions import ask
from duties.answers import form_submission
from jobs.sender import keyboard
from plans.forms import Form, FormError, answer, form_from_json, next_question, summary
from texts import cards, messages
from texts.buttons import FORM, FORM_CONFIRM, FORM_EDIT

KIND = "form"


def _form_of(session: Session, occurrence_id: int) -> tuple[FormDefinition, Form] | None:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        return None
    definition = session.scalar(
        select(FormDefinition).where(FormDefinition.task_id == occurrence.task_id)
    )
    if definition is None:
        return None
    try:
        return definition, form_from_json(definition.title, definition.fields)
    except FormError:
        return None


def _step(form: Form, draft: dict[str, Any], occurrence_id: int, unit_id: int,
          locale: str) -> tuple[str, Any]:  # fmt: skip
    """The next question, or the summary with Send / Start again."""
    question = next_question(form, draft)
    if question is None:
        lines = [messages.text("form.summary", locale, title=form.title)]
        lines += [messages.text("form.summary_line", locale, label=label, value=value)
                  for label, value in summary(form, draft)]  # fmt: skip
        key = (occurrence_id, unit_id)
        buttons = keyboard([[
            (messages.text("form.button_confirm", locale), FORM_CONFIRM.data(*key)),
            (messages.text("form.button_edit", locale), FORM_EDIT.data(*key)),
        ]])  # fmt: skip
        return "\n".join(lines), buttons
    label = question.field.label
    if question.field.type == "number":
        label += " " + messages.text("form.hint_number", locale)
    if question.repetition >= 0:
        body = messages.text("form.question_group", locale, title=form.title, label=label,
                             r=question.repetition + 1, of=question.of)  # fmt: skip
    else:
        body = messages.text("form.question", locale, title=form.title, label=label)
    return body, prompt_buttons(locale)


def _question_key(form: Form, draft: dict[str, Any]) -> str:
    """Which question the draft is at ("summary" when complete)."""
    question = next_question(form, draft)
    return "summary" if question is None else f"{question.field.key}#{question.repetition}"


async def form_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """f: start or resume · fe: start again · fc: send."""
    services = services_of(context)
    press = await pressed(update, context, FORM, FORM_EDIT, FORM_CONFIRM)
    if press is None:
        return
    query, user, kind = press.query, press.user, press.kind
    occurrence_id, unit_id = press.values
    locale, now, chat_id = services.locale, services.clock(), press.ask_in
    reply: tuple[str, Any] | None = None
    problem = None
    asking = ""
    with session_scope(services.sessions) as session:
        asked = check(session, services, user.id, occurrence_id, unit_id, "form")
        found = _form_of(session, occurrence_id) if asked.info is not None else None
        if asked.info is not None and found is None:
            problem = "form.none"
        elif asked.info is not None and found is not None:
            definition, form = found
            submission = form_submission(session, definition.id, occurrence_id, unit_id)
            if rules.form_closed(bool(submission.answers.get("final")), asked.info.due_at, now):
                problem = "form.closed"
            elif kind is FORM_CONFIRM:
                reply = _send(session, services, asked, submission, form, occurrence_id, unit_id)
                session.query(ChatState).filter(ChatState.chat_id == chat_id).delete()
            else:
                answers = dict(submission.answers)
                if kind is FORM_EDIT or "draft" not in answers:
                    # Start again (or afresh): a correction starts from nothing, the form
                    # already sent stays until the new one is sent.
                    answers["draft"] = {}
                submission.answers = answers
                submission.updated_at = now
                ask(session, chat_id, asked.actor.member, KIND,
                    {"occurrence_id": occurrence_id, "unit_id": unit_id,
                     "form_id": definition.id}, now)  # fmt: skip
                reply = _step(form, answers["draft"], occurrence_id, unit_id, locale)
                asking = _question_key(form, answers["draft"])
    if await refused_or_gone(query, asked, locale):
        return
    if problem is not None:
        await query.answer(messages.text(problem, locale), show_alert=True)
        return
    await query.answer(toast(press, "📝", locale) if press.in_group and reply else None)
    if kind in (FORM_CONFIRM, FORM_EDIT):
        await _drop_buttons(query)
    if reply is not None:
        sent = await send_question(context, press, reply[0], reply[1])
        if asking and sent is not None:
            _asked(services, chat_id, sent.message_id, asking)


def _asked(services: Services, chat_id: int, message_id: int, key: str) -> None:
    """The question just sent (`key`, at `message_id`) is the one an answer must have been
    typed after to count for it."""
    with session_scope(services.sessions) as session:
        state = session.get(ChatState, chat_id)
        if state is not None and state.kind == KIND:
            state.data = {**state.data, "asked_id": message_id, "asked_key": key}


async def _drop_buttons(query: Any) -> None:
    with contextlib.suppress(BadRequest):  # an old summary: nothing to tidy
        await query.edit_message_reply_markup(None)


def _send(session: Session, services: Services, asked: Asked, submission: FormSubmission,
          form: Form, occurrence_id: int, unit_id: int) -> tuple[str, Any]:  # fmt: skip
    locale, now = services.locale, services.clock()
    answers = dict(submission.answers)
    draft = answers.get("draft")
    if draft is None or next_question(form, draft) is not None:
        return _step(form, draft or {}, occurrence_id, unit_id, locale)
    assert asked.info is not None
    sent = actions.submit_form(session, asked.actor, (occurrence_id, unit_id),
                               submission.form_id, form.title, draft, now)  # fmt: skip
    if sent.recorded is None:  # closed meanwhile, or no longer theirs
        return messages.text("form.closed", locale), None
    late = messages.text("answer.late", locale) if sent.recorded.late else ""
    return messages.text("form.submitted", locale, ref=asked.info.task_ref, late=late), None


@step(KIND)
def form_text(
    session: Session, state: ChatState, message: Message, user: User, services: Services
) -> Reply:
    """The answer to the current question: checked, saved, then the next question."""
    assert message.text is not None
    locale, now = services.locale, services.clock()
    error = None
    reply: tuple[str, Any] | None = None
    stale = asking = ""
    data = dict(state.data)
    occurrence_id, unit_id = int(data["occurrence_id"]), int(data["unit_id"])
    asked = check(session, services, user.id, occurrence_id, unit_id, "form")
    found = _form_of(session, occurrence_id) if asked.info is not None else None
    if found is None:
        session.delete(state)
    else:
        definition, form = found
        submission = form_submission(session, definition.id, occurrence_id, unit_id)
        answers = dict(submission.answers)
        draft = answers.get("draft") or {}
        if message.message_id <= int(data.get("seen_id", 0)):
            return _nothing  # delivered again after a crash: dealt with the first time
        state.data = {**data, "seen_id": message.message_id}
        shown = data.get("asked_key")
        if message.message_id < int(data.get("asked_id", 0)) or (
            shown is not None and shown != _question_key(form, draft)
        ):
            # Typed before the question now due was shown: for an earlier one (the
            # person typed ahead, or the bot died before it could ask the next).
            stale = message.text
        else:
            draft, error = answer(form, draft, message.text)
            answers["draft"] = draft
            submission.answers, submission.updated_at = answers, now
        reply = _step(form, draft, occurrence_id, unit_id, locale)
        asking = _question_key(form, draft)

    async def say() -> None:
        if await refused_or_gone(message, asked, locale):
            return
        if found is None:  # the form was taken off the task meanwhile
            await message.reply_text(messages.text("answer.gone", locale))
            return
        if stale:
            await message.reply_text(
                messages.text("form.stale", locale, text=cards.short(stale, 100)),
                parse_mode=ParseMode.HTML,
            )
        if error is not None:
            await message.reply_text(messages.text(error, locale))
        assert reply is not None
        sent = await message.reply_text(reply[0], parse_mode=ParseMode.HTML,
                                        reply_markup=reply[1])  # fmt: skip
        # Which question an answer is for is known once Telegram numbered the question: a
        # second, short transaction after the send (never one held across it).
        _asked(services, message.chat.id, sent.message_id, asking)

    return say


async def _nothing() -> None:
    return None
