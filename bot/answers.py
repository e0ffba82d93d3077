"""What a unit does with a reminder: status buttons, notes, report files, /viec and /lichsu.

Every answer is stored (and committed) before it is acknowledged. What a chat is being asked
lives in ChatState, so a restart mid-question loses nothing. Button data names what was
pressed; who may act is checked again here, every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.permissions import Action, Actor, actor_for, authorize
from bot.services import Services, services_of
from db.answers import Recorded, current_status, record_answer, save_attachment
from db.group_commit import GroupCommit
from db.models import ChatState, Member, Occurrence, Response, Status, Task, Unit
from db.session import session_scope
from db.text import clean
from duties.model import Duty
from duties.query import by_pair, open_duties
from jobs.sender import keyboard
from texts import cards, messages

log = logging.getLogger(__name__)

MAX_FILE_MB = 20  # what a bot may download from Telegram
FILE_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".jpg",
    ".jpeg",
    ".png",
    ".heic",
    ".zip",
    ".rar",
    ".7z",
    ".txt",
    ".csv",
}
NOTE, FILE = "note", "file"


@dataclass
class Asked:
    """A checked request about one unit's part in one occurrence."""

    actor: Actor
    info: Duty | None
    allowed: bool


@dataclass
class Press:
    """A button press that names something: the query, who pressed, what the data says."""

    query: Any
    user: Any
    parsed: Any


async def pressed(update: Update, parse: Callable[[str], Any]) -> Press | None:
    """The press, if its data parses and it came from a message; otherwise it is answered
    (so the client stops waiting) and None is returned."""
    query, user = update.callback_query, update.effective_user
    parsed = parse(query.data or "") if query is not None else None
    if query is None or user is None or parsed is None or query.message is None:
        if query is not None:
            await query.answer()
        return None
    return Press(query, user, parsed)


def who(actor: Actor, fallback: str = "") -> str:
    if actor.member is not None and actor.member.full_name:
        return actor.member.full_name
    return fallback or str(actor.user_id)


def check(
    session: Session,
    services: Services,
    user_id: int,
    occurrence_id: int,
    unit_id: int,
    what: str,
) -> Asked:
    """Who is asking, may they act for this unit, and what the task is now."""
    actor = actor_for(session, services.settings.office_admins, user_id)
    now = services.clock()
    allowed = authorize(
        session,
        actor,
        Action.UNIT,
        now,
        unit_id=unit_id,
        what=what,
        detail={"occurrence_id": occurrence_id},
    )
    info = by_pair(session, [(occurrence_id, unit_id)], now).get((occurrence_id, unit_id))
    return Asked(actor, info if allowed else None, allowed)


def ask(
    session: Session, chat_id: int, member: Member | None, kind: str, data: dict[str, Any], now: Any
) -> None:
    state = session.get(ChatState, chat_id) or ChatState(chat_id=chat_id)
    state.kind, state.data, state.updated_at = kind, data, now
    state.member_id = member.id if member is not None else None
    session.merge(state)


def prompt_buttons(locale: str, skip: bool = False) -> Any:
    # Skipping the optional note keeps the answer; cancelling a question drops it: their
    # acknowledgements differ ("Đã hủy." after ✅ read as "my done was cancelled").
    label = messages.text("button.skip" if skip else "button.cancel", locale)
    return keyboard([[(label, "q:s" if skip else "q:x")]])


async def edit_card(message: Any, body: str, buttons: cards.Buttons) -> None:
    try:
        await message.edit_text(
            body,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(buttons),
            disable_web_page_preview=True,
        )
    except BadRequest as error:  # pressed twice: "message is not modified"
        if "not modified" not in error.message.lower():
            raise


def recorded_line(services: Services, status: Status, name: str, late: bool) -> str:
    locale, now = services.locale, services.clock().astimezone(services.settings.timezone)
    return messages.text(
        "answer.recorded",
        locale,
        status=messages.text(f"status.{status.value}", locale),
        who=name,
        when=f"{now:%H:%M %d/%m/%Y}",
        late=messages.text("answer.late", locale) if late else "",
    )


@dataclass(frozen=True)
class ButtonAnswer:
    """A status button pressed: what it says, by whom, in which chat, when."""

    user_id: int
    occurrence_id: int
    unit_id: int
    code: str
    chat_id: int
    now: datetime


PressOutcome = tuple[Asked, Duty | None, Recorded | None]


def press_group(services: Services) -> GroupCommit[ButtonAnswer, PressOutcome]:
    """Presses arriving together share a transaction (a thousand units at once)."""
    return GroupCommit(services.sessions, partial(_record_press, services))


def _record_press(services: Services, session: Session, press: ButtonAnswer) -> PressOutcome:
    occurrence_id, unit_id, now = press.occurrence_id, press.unit_id, press.now
    asked = check(session, services, press.user_id, occurrence_id, unit_id, "answer")
    info = asked.info
    if info is None:
        return asked, None, None
    recorded = None
    # What the chat is asked next (a file, a note) is about this task and unit.
    about = {"occurrence_id": occurrence_id, "unit_id": unit_id, "ref": info.task_ref}
    if press.code == "f":
        ask(session, press.chat_id, asked.actor.member, FILE, about, now)
    else:
        status = Status(cards.STATUS_CODES[press.code])
        member_id = asked.actor.member.id if asked.actor.member is not None else None
        recorded = record_answer(
            session, occurrence_id, unit_id, member_id, status, now, due_at=info.due_at
        )
        if status in (Status.BLOCKED, Status.DONE):
            about["status"] = status.value
            ask(session, press.chat_id, asked.actor.member, NOTE, about, now)
        info = replace(info, status=recorded.status.value, late=recorded.late)
    return asked, info, recorded


async def status_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✅ 🔄 ⚠️ 📎 on a task card."""
    services = services_of(context)
    press = await pressed(update, cards.parse_answer)
    if press is None:
        return
    query, user, parsed = press.query, press.user, press.parsed
    occurrence_id, unit_id, code = parsed
    locale, now, chat_id = services.locale, services.clock(), query.message.chat.id
    presses: GroupCommit[ButtonAnswer, PressOutcome] = context.bot_data["presses"]
    asked, info, recorded = await presses.submit(
        ButtonAnswer(user.id, occurrence_id, unit_id, code, chat_id, now)
    )
    # Stored and committed: now say so.
    if not asked.allowed:
        await query.answer(messages.text("answer.refused", locale), show_alert=True)
        return
    if info is None:
        await query.answer(messages.text("answer.gone", locale), show_alert=True)
        return
    if recorded is None:  # 📎: ask for the file
        await query.answer()
        await context.bot.send_message(
            chat_id,
            messages.text("answer.ask_file", locale, ref=info.task_ref, mb=MAX_FILE_MB),
            parse_mode=ParseMode.HTML,
            reply_markup=prompt_buttons(locale),
        )
        return
    status_text = messages.text(f"status.{recorded.status.value}", locale)
    await query.answer(messages.text("answer.toast", locale, status=status_text))
    # Stored and acknowledged: showing it on the card (paced by the rate limiter, behind
    # any broadcast) need not hold up the next press.
    footer = recorded_line(
        services, recorded.status, who(asked.actor, user.full_name), recorded.late
    )
    context.application.create_task(
        _show_recorded(context, query.message, chat_id, info, recorded.status, footer),
        update=update,
    )


async def _show_recorded(
    context: ContextTypes.DEFAULT_TYPE, message: Any, chat_id: int, info: Duty,
    status: Status, footer: str,
) -> None:  # fmt: skip
    services = services_of(context)
    locale = services.locale
    body, buttons = cards.card(info, services.clock(), services.settings.timezone, locale, footer)
    await edit_card(message, body, buttons)
    if status == Status.BLOCKED:
        await context.bot.send_message(
            chat_id,
            messages.text("answer.ask_blocked", locale, ref=info.task_ref),
            parse_mode=ParseMode.HTML,
            reply_markup=prompt_buttons(locale),
        )
    elif status == Status.DONE:
        await context.bot.send_message(
            chat_id,
            messages.text("answer.ask_done", locale, ref=info.task_ref),
            parse_mode=ParseMode.HTML,
            reply_markup=prompt_buttons(locale, skip=True),
        )


async def open_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📋 on a list (a bundle of reminders, /viec): the task's own card, with its buttons."""
    services = services_of(context)
    press = await pressed(update, cards.parse_open)
    if press is None:
        return
    query, user, parsed = press.query, press.user, press.parsed
    with session_scope(services.sessions) as session:
        asked = check(session, services, user.id, *parsed, "open")
    if not asked.allowed:
        await query.answer(messages.text("answer.refused", services.locale), show_alert=True)
        return
    if asked.info is None:
        await query.answer(messages.text("answer.gone", services.locale), show_alert=True)
        return
    await query.answer()
    await send_card(context, query.message.chat.id, services, asked.info)


async def send_card(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    services: Services,
    info: Duty,
    footer: str = "",
) -> None:
    body, buttons = cards.card(
        info, services.clock(), services.settings.timezone, services.locale, footer
    )
    pieces = messages.split_for_telegram(body)
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        await context.bot.send_message(
            chat_id,
            piece,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(buttons) if last else None,
        )


async def cancel_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel (or Skip) under a question: the chat is no longer being asked anything."""
    services = services_of(context)
    query = update.callback_query
    if query is None or query.message is None:
        return
    with session_scope(services.sessions) as session:
        state = session.get(ChatState, query.message.chat.id)
        if state is not None and state.kind != "plan_import":
            session.delete(state)
    said = "answer.skipped" if query.data == "q:s" else "answer.cancelled"
    await query.answer(messages.text(said, services.locale))
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def text_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text in a private chat: the answer to whatever the chat is being asked."""
    from bot import explanations, forms_chat

    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    with services.sessions() as session:
        state = session.get(ChatState, message.chat.id)
        kind = state.kind if state is not None else ""
    if kind == NOTE:
        await _note(message, user.id, services)
    elif kind == forms_chat.KIND:
        await forms_chat.form_text(update, context)
    elif kind == explanations.KIND:
        await explanations.explanation_text(update, context)
    elif kind == FILE:
        with services.sessions() as session:
            state = session.get(ChatState, message.chat.id)
            ref = state.data.get("ref", "") if state is not None else ""
        await message.reply_text(
            messages.text("answer.ask_file", services.locale, ref=ref, mb=MAX_FILE_MB),
            parse_mode=ParseMode.HTML,
            reply_markup=prompt_buttons(services.locale),
        )
    else:
        await message.reply_text(messages.text("answer.nothing_asked", services.locale))


async def _note(message: Message, user_id: int, services: Services) -> None:
    note = clean(message.text or "")  # as it is stored, so the echo shows what was kept
    locale, now = services.locale, services.clock()
    with session_scope(services.sessions) as session:
        state = session.get(ChatState, message.chat.id)
        assert state is not None
        data = dict(state.data)
        occurrence_id, unit_id = int(data["occurrence_id"]), int(data["unit_id"])
        asked = check(session, services, user_id, occurrence_id, unit_id, "note")
        if asked.info is not None:
            status = current_status(session, occurrence_id, unit_id)
            member_id = asked.actor.member.id if asked.actor.member is not None else None
            # A note is an answer of its own: the history keeps it beside the status it explains.
            record_answer(session, occurrence_id, unit_id, member_id, status, now, note=note)
        session.delete(state)
    if asked.info is None:
        key = "answer.refused" if not asked.allowed else "answer.gone"
        await message.reply_text(messages.text(key, locale))
        return
    echo = note if len(note) <= 500 else note[:500] + "…"
    await message.reply_text(
        messages.text("answer.note_saved", locale, ref=data.get("ref", ""), note=echo),
        parse_mode=ParseMode.HTML,
    )


def _human_size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, size // 1024)} KB"


async def file_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document or photo in a private chat: a report file when one is expected; from the
    office, otherwise, a plan to import; else a hint."""
    from bot import plan_upload

    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    locale = services.locale
    with services.sessions() as session:
        state = session.get(ChatState, message.chat.id)
        expecting = state is not None and state.kind in (NOTE, FILE)
        actor = actor_for(session, services.settings.office_admins, user.id)
    if not expecting:
        from_office = message.photo and actor.is_office  # a photo of a plan's page
        if from_office or (message.document is not None and (actor.is_office or not actor.linked)):
            # The office's plan, or a stranger's file: the plan import answers (and refuses).
            await plan_upload.plan_document(update, context)
        else:
            await message.reply_text(messages.text("answer.file_hint", locale))
        return
    if message.document is not None:
        document = message.document
        file_id, unique = document.file_id, document.file_unique_id
        name = document.file_name or f"tep-{unique}"
        mime, size = document.mime_type or "", document.file_size or 0
    elif message.photo:
        photo = message.photo[-1]  # the largest size
        file_id, unique = photo.file_id, photo.file_unique_id
        name, mime, size = f"anh-{unique}.jpg", "image/jpeg", photo.file_size or 0
    else:
        return
    if size > MAX_FILE_MB * 1024 * 1024:
        await message.reply_text(
            messages.text(
                "answer.file_too_big", locale, name=name, size=_human_size(size), mb=MAX_FILE_MB
            )
        )
        return
    if Path(name).suffix.lower() not in FILE_TYPES:
        await message.reply_text(messages.text("answer.file_type", locale, name=name))
        return
    local_path = ""
    if services.settings.attachments_dir:
        local_path = await _download(context, services, file_id, unique, name)
    now = services.clock()
    with session_scope(services.sessions) as session:
        state = session.get(ChatState, message.chat.id)
        if state is None or state.kind not in (NOTE, FILE):
            return
        data = dict(state.data)
        occurrence_id, unit_id = int(data["occurrence_id"]), int(data["unit_id"])
        asked = check(session, services, user.id, occurrence_id, unit_id, "file")
        if asked.info is not None:
            member_id = asked.actor.member.id if asked.actor.member is not None else None
            save_attachment(
                session,
                occurrence_id,
                unit_id,
                member_id,
                now,
                file_id=file_id,
                file_unique_id=unique,
                file_name=name,
                mime_type=mime,
                size=size,
                local_path=local_path,
            )
            session.delete(state)
    if asked.info is None:
        key = "answer.refused" if not asked.allowed else "answer.gone"
        await message.reply_text(messages.text(key, locale))
        return
    await message.reply_text(
        messages.text(
            "answer.file_saved", locale, name=name, size=_human_size(size), ref=data.get("ref", "")
        ),
        parse_mode=ParseMode.HTML,
    )


async def _download(
    context: ContextTypes.DEFAULT_TYPE, services: Services, file_id: str, unique: str, name: str
) -> str:
    """Keep a copy in ATTACHMENTS_DIR under a name no sender can steer outside it."""
    folder = Path(services.settings.attachments_dir)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.\-]+", "_", Path(name).name)[-120:] or "tep"
    target = folder / f"{unique}-{safe}"
    telegram_file = await context.bot.get_file(file_id)
    await telegram_file.download_to_drive(target)
    return str(target)


# ---- /viec and /lichsu -------------------------------------------------------------------


async def tasks_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/viec: my unit's open tasks, nearest first, each one a button away from its card."""
    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    locale, now, tz = services.locale, services.clock(), services.settings.timezone
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id)
        unit_id = actor.unit_id
        allowed = unit_id is not None and authorize(session, actor, Action.MEMBER, now, what="viec")
        unit = session.get(Unit, unit_id) if unit_id is not None else None
        tasks = open_duties(session, now, [unit_id]) if allowed and unit_id is not None else []
    if unit is None:
        await message.reply_text(messages.text("not_linked", locale), parse_mode=ParseMode.HTML)
        return
    if not tasks:
        await message.reply_text(messages.text("viec.none", locale, unit=unit.name))
        return
    today = now.astimezone(tz).date()
    lines = [messages.text("viec.head", locale, unit=unit.name, count=len(tasks)), ""]
    buttons: cards.Buttons = []
    for i, info in enumerate(tasks, start=1):
        due = info.due_at.astimezone(tz).date()
        lines.append(
            messages.text(
                "viec.line",
                locale,
                i=i,
                ref=info.task_ref,
                title=cards.short(info.task_title, 100),
                left=cards.left_text(due, today, locale),
                status=messages.text(f"status.{info.status}", locale),
            )
        )
        if i <= 90:  # Telegram allows 100 buttons a message
            label = messages.text("button.open", locale, i=i, ref=info.task_ref)
            if not buttons or len(buttons[-1]) == 3:
                buttons.append([])
            buttons[-1].append((label, cards.open_data(info.occurrence_id, info.unit_id)))
    pieces = messages.split_for_telegram("\n".join(lines))
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        await message.reply_text(
            piece, parse_mode=ParseMode.HTML, reply_markup=keyboard(buttons) if last else None
        )


async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lichsu: my unit's recent answers, newest first, with who gave them and their notes."""
    services = services_of(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    locale, tz = services.locale, services.settings.timezone
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id)
        unit = session.get(Unit, actor.unit_id) if actor.unit_id is not None else None
        rows = []
        if unit is not None:
            rows = session.execute(
                select(Response, Task.ref, Member.full_name)
                .join(Occurrence, Occurrence.id == Response.occurrence_id)
                .join(Task, Task.id == Occurrence.task_id)
                .outerjoin(Member, Member.id == Response.member_id)
                .where(Response.unit_id == unit.id)
                .order_by(Response.id.desc())
                .limit(15)
            ).all()
    if unit is None:
        await message.reply_text(messages.text("not_linked", locale), parse_mode=ParseMode.HTML)
        return
    lines = [messages.text("lichsu.head", locale, unit=unit.name)]
    if not rows:
        lines.append(messages.text("lichsu.none", locale))
    for response, ref, name in rows:
        when = response.created_at.astimezone(tz)
        lines.append(
            messages.text(
                "lichsu.line",
                locale,
                when=f"{when:%d/%m %H:%M}",
                ref=ref,
                status=messages.text(f"status.{response.status.value}", locale),
                late=messages.text("answer.late", locale) if response.late else "",
                who=name or "Văn phòng Sở",
            )
        )
        if response.note:
            lines.append(messages.text("lichsu.note", locale, note=cards.short(response.note, 200)))
    for piece in messages.split_for_telegram("\n".join(lines)):
        await message.reply_text(piece, parse_mode=ParseMode.HTML)
