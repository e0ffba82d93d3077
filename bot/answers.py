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
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from telegram import Message, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot import plan_upload
from bot.replies import refused_or_gone
from bot.services import Services, services_of
from bot.steps import Reply, step
from db.group_commit import GroupCommit
from db.groups import group_by_chat
from db.models import ChatState, Status, Unit
from db.session import session_scope
from db.text import clean
from duties import actions
from duties.answers import Recorded
from duties.model import Duty
from duties.permissions import Action, Actor, actor_for, authorize
from duties.query import history, open_duties
from jobs.sender import keyboard
from texts import cards, messages
from texts.buttons import CANCEL, OPEN, STATUS, Button

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
NOTE, FILE = actions.NOTE, actions.FILE


@dataclass
class Asked:
    """A checked request about one unit's part in one occurrence."""

    actor: Actor
    info: Duty | None
    allowed: bool

    @property
    def problem(self) -> str | None:
        """The catalog key of why nothing can be done, or None."""
        if not self.allowed:
            return "answer.refused"
        return "answer.gone" if self.info is None else None


@dataclass
class Press:
    """A button press that names something: the query, who pressed, which declared button
    it is and the values its data carries."""

    query: Any
    user: Any
    kind: Button
    values: tuple[Any, ...]

    @property
    def in_group(self) -> bool:
        return bool(self.query.message.chat.type != ChatType.PRIVATE)

    @property
    def ask_in(self) -> int:
        """Where a question to the presser goes: pressed in a group, their own chat with the
        bot (what they type next is theirs alone, and a bot hears no ordinary talk in a
        group); a private chat's id is its person's."""
        return int(self.user.id if self.in_group else self.query.message.chat.id)


async def send_question(
    context: ContextTypes.DEFAULT_TYPE, press: Press, text: str, reply_markup: Any = None
) -> Message | None:
    """Ask the presser (see `Press.ask_in`); one who never opened a chat with the bot is told
    so in the group, and the question waits in their chat's state for when they do."""
    try:
        return await context.bot.send_message(press.ask_in, text, parse_mode=ParseMode.HTML,
                                              reply_markup=reply_markup)  # fmt: skip
    except (Forbidden, BadRequest):
        if not press.in_group:
            raise
        await context.bot.send_message(
            press.query.message.chat.id,
            messages.text("group.open_private", services_of(context).locale,
                          name=press.user.full_name, bot=context.bot.username),
        )  # fmt: skip
        return None


def toast(press: Press, said: str, locale: str) -> str:
    """A press's short answer; in a group it says where the next question went."""
    return messages.text("group.asked_private", locale, said=said) if press.in_group else said


async def pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *kinds: Button
) -> Press | None:
    """The press, if its data is one of `kinds` and it came from a message; otherwise it is
    answered (so the client stops waiting: an unreadable button is said to be stale) and
    None is returned."""
    query, user = update.callback_query, update.effective_user
    if query is None:
        return None
    if user is None or query.message is None:
        await query.answer()
        return None
    for kind in kinds:
        values = kind.parse(query.data or "")
        if values is not None:
            return Press(query, user, kind, values)
    await stale_button(query, services_of(context).locale)
    return None


async def stale_button(query: Any, locale: str) -> None:
    """A button no declaration of this version reads: from an old message, or forged."""
    await query.answer(messages.text("button.stale", locale), show_alert=True)


async def any_other_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The last handler: a press no other handler's pattern took."""
    if update.callback_query is not None:
        await stale_button(update.callback_query, services_of(context).locale)


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
    seen = actions.look(session, actor, (occurrence_id, unit_id), services.clock(), what)
    return Asked(actor, seen.duty, seen.allowed)


def prompt_buttons(locale: str, skip: bool = False) -> Any:
    # Skipping the optional note keeps the answer; cancelling a question drops it: their
    # acknowledgements differ ("Đã hủy." after ✅ read as "my done was cancelled").
    label = messages.text("button.skip" if skip else "button.cancel", locale)
    return keyboard([[(label, CANCEL.data("s" if skip else "x"))]])


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
    actor = actor_for(session, services.settings.office_admins, press.user_id)
    choice = None if press.code == "f" else Status(cards.STATUS_CODES[press.code])
    done = actions.press(
        session, actor, (press.occurrence_id, press.unit_id), choice, press.now, press.chat_id
    )
    return Asked(actor, done.duty, done.allowed), done.duty, done.recorded


async def status_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✅ 🔄 ⚠️ 📎 on a task card."""
    services = services_of(context)
    press = await pressed(update, context, STATUS)
    if press is None:
        return
    query, user = press.query, press.user
    occurrence_id, unit_id, code = press.values
    locale, now = services.locale, services.clock()
    presses: GroupCommit[ButtonAnswer, PressOutcome] = context.bot_data["presses"]
    asked, info, recorded = await presses.submit(
        ButtonAnswer(user.id, occurrence_id, unit_id, code, press.ask_in, now)
    )
    # Stored and committed: now say so.
    if await refused_or_gone(query, asked, locale):
        return
    assert info is not None
    if recorded is None:  # 📎: ask for the file
        await query.answer(toast(press, "📎", locale) if press.in_group else None)
        await send_question(
            context, press,
            messages.text("answer.ask_file", locale, ref=info.task_ref, mb=MAX_FILE_MB),
            prompt_buttons(locale),
        )  # fmt: skip
        return
    status_text = messages.text(f"status.{recorded.status.value}", locale)
    said = messages.text("answer.toast", locale, status=status_text)
    asks = recorded.status in (Status.BLOCKED, Status.DONE)
    await query.answer(toast(press, said, locale) if asks else said)
    # Stored and acknowledged: showing it on the card (paced by the rate limiter, behind
    # any broadcast) need not hold up the next press.
    footer = recorded_line(
        services, recorded.status, who(asked.actor, user.full_name), recorded.late
    )
    context.application.create_task(
        _show_recorded(context, press, info, recorded.status, footer), update=update
    )


async def _show_recorded(
    context: ContextTypes.DEFAULT_TYPE, press: Press, info: Duty, status: Status, footer: str
) -> None:
    services = services_of(context)
    locale = services.locale
    body, buttons = cards.card(info, services.clock(), services.settings.timezone, locale, footer)
    await edit_card(press.query.message, body, buttons)
    if status == Status.BLOCKED:
        await send_question(context, press,
                            messages.text("answer.ask_blocked", locale, ref=info.task_ref),
                            prompt_buttons(locale))  # fmt: skip
    elif status == Status.DONE:
        await send_question(context, press,
                            messages.text("answer.ask_done", locale, ref=info.task_ref),
                            prompt_buttons(locale, skip=True))  # fmt: skip


async def open_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📋 on a list (a bundle of reminders, /viec): the task's own card, with its buttons."""
    services = services_of(context)
    press = await pressed(update, context, OPEN)
    if press is None:
        return
    query, user = press.query, press.user
    with session_scope(services.sessions) as session:
        asked = check(session, services, user.id, *press.values, "open")
    if await refused_or_gone(query, asked, services.locale):
        return
    assert asked.info is not None
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
    press = await pressed(update, context, CANCEL)
    if press is None:
        return
    query = press.query
    with session_scope(services.sessions) as session:
        state = session.get(ChatState, query.message.chat.id)
        if state is not None and state.kind != "plan_import":
            session.delete(state)
    said = "answer.skipped" if press.values == ("s",) else "answer.cancelled"
    await query.answer(messages.text(said, services.locale))
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


@step(FILE)
def _file_expected(
    session: Session, state: ChatState, message: Message, user: User, services: Services
) -> Reply:
    """Text while a file is expected: ask for the file again."""
    ref = state.data.get("ref", "")

    async def reply() -> None:
        await message.reply_text(
            messages.text("answer.ask_file", services.locale, ref=ref, mb=MAX_FILE_MB),
            parse_mode=ParseMode.HTML,
            reply_markup=prompt_buttons(services.locale),
        )

    return reply


@step(NOTE)
def _note(
    session: Session, state: ChatState, message: Message, user: User, services: Services
) -> Reply:
    note = clean(message.text or "")  # as it is stored, so the echo shows what was kept
    locale, now = services.locale, services.clock()
    data = dict(state.data)
    actor = actor_for(session, services.settings.office_admins, user.id)
    done = actions.note(session, actor, _key(data), note, now)
    session.delete(state)

    async def reply() -> None:
        if await refused_or_gone(message, done, locale):
            return
        echo = note if len(note) <= 500 else note[:500] + "…"
        await message.reply_text(
            messages.text("answer.note_saved", locale, ref=data.get("ref", ""), note=echo),
            parse_mode=ParseMode.HTML,
        )

    return reply


def _key(data: dict[str, Any]) -> tuple[int, int]:
    """The duty a question in ChatState.data is about."""
    return int(data["occurrence_id"]), int(data["unit_id"])


def _human_size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, size // 1024)} KB"


async def file_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document or photo in a private chat: a report file when one is expected; from the
    office, otherwise, a plan to import; else a hint."""
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
        actor = actor_for(session, services.settings.office_admins, user.id)
        file = {"file_id": file_id, "file_unique_id": unique, "file_name": name,
                "mime_type": mime, "size": size, "local_path": local_path}  # fmt: skip
        done = actions.attach(session, actor, _key(data), file, now)
        if done.duty is not None:
            session.delete(state)
    if await refused_or_gone(message, done, locale):
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
        # In a unit's linked group: that unit's tasks, for those who may answer for it.
        group = group_by_chat(session, message.chat.id) if message.chat.id < 0 else None
        if group is not None and group.active and group.unit_id is not None:
            unit_id: int | None = group.unit_id
            allowed = authorize(session, actor, Action.UNIT, now, unit_id, what="viec")
        else:
            unit_id = actor.unit_id
            allowed = unit_id is not None and authorize(session, actor, Action.MEMBER, now,
                                                        what="viec")  # fmt: skip
        unit = session.get(Unit, unit_id) if unit_id is not None else None
        tasks = open_duties(session, now, [unit_id]) if allowed and unit_id is not None else []
    if unit is None or not allowed:
        refused = "answer.refused" if unit is not None else "not_linked"
        await message.reply_text(messages.text(refused, locale), parse_mode=ParseMode.HTML)
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
            buttons[-1].append((label, OPEN.data(info.occurrence_id, info.unit_id)))
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
        rows = history(session, unit.id) if unit is not None else []
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
