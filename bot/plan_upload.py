"""The office sends a plan document to the bot: a summary, then Apply or Cancel.

The pending import is a row in chat_state (the file's Telegram id and hash), so a restart
between the summary and the button loses nothing; Apply reads the file again and checks it
is the one summarized.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import logging
from typing import Any

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services import Services, services_of
from db.models import ChatState
from db.session import session_scope
from duties.permissions import Action, actor_for, authorize, in_private
from plans.assignments import RegimeError, regime_of, use_regime
from plans.isolated import read_isolated_async
from plans.matching import Registry
from plans.model import PlanDocument
from plans.reader import MAX_BYTES
from plans.store import save_plan
from plans.tables import PlanReadError
from texts import messages
from texts.buttons import PLAN_APPLY, PLAN_CANCEL
from texts.cards import short

log = logging.getLogger(__name__)
KIND = "plan_import"
APPLY, CANCEL = PLAN_APPLY.data(), PLAN_CANCEL.data()


def _today(services: Services):  # type: ignore[no-untyped-def]
    return services.clock().astimezone(services.settings.timezone).date()


async def _download(context: ContextTypes.DEFAULT_TYPE, file_id: str) -> bytes:
    file = await context.bot.get_file(file_id)
    return bytes(await file.download_as_bytearray())


PHOTO_NAME = "anh-ke-hoach.jpg"


async def plan_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document (or a photo of a page) in a private chat: from the office, a plan."""
    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or (message.document is None and not message.photo):
        return
    locale = services.locale
    refusal = None
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        if not authorize(session, actor, Action.OFFICE, services.clock(), what="plan_upload"):
            refusal = "plan.not_office" if actor.linked else "not_linked"
    if refusal is not None:  # the refusal is stored before it is said
        await message.reply_text(messages.text(refusal, locale), parse_mode=ParseMode.HTML)
        return
    document = message.document or message.photo[-1]  # a photo: its largest size
    name = (message.document.file_name if message.document else PHOTO_NAME) or "ke-hoach"
    if (document.file_size or 0) > MAX_BYTES:
        await message.reply_text(messages.text("plan.too_big", locale, name=name))
        return
    data = await _download(context, document.file_id)
    try:
        # In a child process with a memory and time limit: a hostile file costs a refusal,
        # and everyone else is answered meanwhile; a scan's pages are counted in the chat.
        doc = await _read_showing_pages(message, data, name, _today(services), locale)
        use_regime(doc, services.settings.report_regime, _today(services))
    except (PlanReadError, RegimeError) as error:
        await message.reply_text(
            messages.text("plan.unreadable", locale, problem=str(error)), parse_mode=ParseMode.HTML
        )
        return
    full = ""
    with session_scope(services.sessions) as session:
        body = _summary(session, doc, name, locale)
        if len(messages.split_for_telegram(body)) > 1:
            # A plan of hundreds of tasks: the whole preview as a file, and one message with
            # the first tasks and the buttons, rather than hundreds of messages.
            full, body = body, _summary(session, doc, name, locale, shown=PREVIEW_TASKS)
        state = session.get(ChatState, message.chat.id) or ChatState(chat_id=message.chat.id)
        state.kind, state.member_id, state.updated_at = KIND, None, services.clock()
        state.data = {"file_id": document.file_id, "file_name": name,
                      "sha256": hashlib.sha256(data).hexdigest()}  # fmt: skip
        session.merge(state)
    buttons = InlineKeyboardMarkup(
        [[InlineKeyboardButton(messages.text("plan.button_apply", locale), callback_data=APPLY),
          InlineKeyboardButton(messages.text("plan.button_cancel", locale), callback_data=CANCEL)]]
    )  # fmt: skip
    if full:
        await message.reply_document(
            messages.plain(full).encode(), filename=f"xem-truoc-{name}.txt"
        )
    for piece in messages.split_for_telegram(body)[:1]:
        await message.reply_text(piece, parse_mode=ParseMode.HTML, reply_markup=buttons)


PREVIEW_TASKS = 25  # task lines in a summary that does not fit one message
PROGRESS_EVERY = 1.5  # seconds between edits of the "reading page n of N" message


async def _read_showing_pages(
    message: Any, data: bytes, name: str, today: Any, locale: str
) -> PlanDocument:
    """Read in the child process; while a scan is read by OCR, one message says which page
    it is at (edited, not repeated)."""
    pages = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        pages.update(done=done, total=total)

    reading = asyncio.ensure_future(read_isolated_async(data, name, today, progress=progress))
    shown: Any = None
    said = (0, 0)
    while not reading.done():
        await asyncio.wait([reading], timeout=PROGRESS_EVERY)
        now = (pages["done"], pages["total"])
        if now[1] and now != said and not reading.done():
            text = messages.text("plan.ocr_progress", locale, name=name, done=now[0],
                                 total=now[1])  # fmt: skip
            with contextlib.suppress(TelegramError):
                shown = await (shown.edit_text(text) if shown else message.reply_text(text))
            said = now
    if shown is not None:
        with contextlib.suppress(TelegramError):
            await shown.edit_text(
                messages.text("plan.ocr_done", locale, name=name, total=pages["total"])
            )
    return reading.result()


def _summary(
    session: Session, doc: PlanDocument, name: str, locale: str, shown: int | None = None
) -> str:
    e = html.escape
    reference = doc.issued_on
    lines = [
        messages.text("plan.summary_head", locale, kind=doc.kind, number=doc.number or "—",
                      date=f"{reference:%d/%m/%Y}" if reference else "—", name=name),
        f"<i>{e(short(doc.title, 600))}</i>" if doc.title else "",
    ]  # fmt: skip
    for columns in doc.columns:  # which column was taken as what, for the clerk to check
        lines.append(messages.text("plan.summary_columns", locale, columns=columns))
    regime = regime_of(doc)
    if regime:  # "theo quy định" read as the office's regime: the clerk confirms it
        lines.append(messages.text("plan.summary_regime", locale, regime=e(regime)))
    if doc.tasks:
        lines.append(messages.text("plan.summary_tasks", locale, count=len(doc.tasks)))
        if shown is not None and len(doc.tasks) > shown:
            lines.append(messages.text("plan.summary_in_file", locale, count=len(doc.tasks)))
        for task in doc.tasks[:shown]:
            timeline = task.timeline.timeline
            when = timeline.rule if timeline is not None else f"⚠️ {task.timeline.text}"
            lead = "; ".join(task.lead) or "—"
            title = task.title if shown is None else short(task.title, 150)
            lines.append(f"• <b>{e(task.ref)}</b> {e(title)} — {e(lead)} — {e(when)}")
    for deadline in doc.deadlines[:shown]:
        rule = (
            deadline.timeline.timeline.rule
            if deadline.timeline.timeline
            else deadline.timeline.text
        )
        who = ", ".join(deadline.applies_to) or "—"
        lines.append(messages.text("plan.summary_deadline", locale, rule=rule, who=who))
    for event in doc.events[:shown]:
        if event.timeline.timeline is not None:
            lines.append(
                messages.text("plan.summary_event", locale, rule=event.timeline.timeline.rule)
            )
    if doc.form is not None:
        labels = ", ".join(f.label for f in doc.form.fields)
        lines.append(
            messages.text("plan.summary_form", locale, title=doc.form.title, fields=labels)
        )
    registry = Registry(session)
    names = {n for t in doc.tasks for n in (*t.lead, *t.coordinators)}
    names |= {n for d in doc.deadlines for n in d.applies_to} | set(doc.recipients)
    unmatched = sorted(m.name for m in registry.match_all(names) if m.kind == "unmatched")
    for warning in doc.warnings[:shown]:
        lines.append(f"⚠️ {e(warning)}")
    if unmatched:
        names = "; ".join(unmatched)
        names = names if shown is None else short(names, 800)
        lines.append(messages.text("plan.summary_unmatched", locale, names=names))
    question = "plan.summary_question_ocr" if doc.from_ocr else "plan.summary_question"
    # Said as what the document is: "Lưu công văn này?" for a letter, not "kế hoạch".
    lines.append(messages.text(question, locale, kind=doc.kind.lower()))
    return "\n".join(line for line in lines if line)


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply or Cancel on a plan summary; the permission check runs again."""
    services = services_of(context)
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    chat_id, locale = query.message.chat.id, services.locale
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        allowed = authorize(session, actor, Action.OFFICE, services.clock(), what="plan_apply")
        state = session.get(ChatState, chat_id) if allowed else None
        pending = dict(state.data) if state is not None and state.kind == KIND else None
        if query.data == CANCEL and state is not None and pending is not None:
            session.delete(state)
    if not allowed:
        await query.answer(messages.text("refused.office", locale), show_alert=True)
        return
    if pending is None:
        await query.answer(messages.text("plan.expired", locale), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    if query.data == CANCEL:
        await query.answer(messages.text("plan.cancelled", locale))
        await query.edit_message_reply_markup(None)
        await context.bot.send_message(chat_id, messages.text("plan.cancelled", locale))
        return
    await query.answer(messages.text("plan.applying", locale))
    data = await _download(context, pending["file_id"])
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        await context.bot.send_message(chat_id, messages.text("plan.changed", locale))
        return
    try:
        doc = await read_isolated_async(data, pending["file_name"], _today(services))
        use_regime(doc, services.settings.report_regime, _today(services))
    except (PlanReadError, RegimeError) as error:  # read before: only a limit can say no now
        await context.bot.send_message(
            chat_id, messages.text("plan.unreadable", locale, problem=str(error)),
            parse_mode=ParseMode.HTML,
        )  # fmt: skip
        return
    with session_scope(services.sessions) as session:
        saved = save_plan(session, doc, pending["file_name"], pending["sha256"], _today(services))
        state = session.get(ChatState, chat_id)
        if state is not None:
            session.delete(state)
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(
        chat_id,
        messages.text(saved.message_key, locale, **saved.counts),
        parse_mode=ParseMode.HTML,
    )  # fmt: skip
