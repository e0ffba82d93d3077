"""A task's checklist in the chat: toggle buttons saved at once, and a Submit."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import check, edit_card, pressed, recorded_line, who
from bot.services import Services, services_of
from db.answers import checklist_state, submit_checklist, toggle_checklist
from db.models import ChecklistItem
from db.session import session_scope
from duties.model import Duty
from texts import cards, messages


def render(
    info: Duty, state: list[tuple[ChecklistItem, bool]], locale: str, footer: str = ""
) -> tuple[str, cards.Buttons]:
    o, u = info.occurrence_id, info.unit_id
    lines = [
        messages.text(
            "checklist.head", locale, ref=info.task_ref, title=cards.short(info.task_title, 200)
        ),
        "",
    ]
    buttons: cards.Buttons = []
    for i, (item, checked) in enumerate(state, start=1):
        mark = "☑" if checked else "☐"
        lines.append(messages.text("checklist.line", locale, mark=mark, i=i, label=item.label))
        buttons.append([(f"{mark} {i}. {cards.short(item.label, 40)}", f"k:{o}:{u}:{item.id}")])
    buttons.append([(messages.text("button.submit", locale), f"ks:{o}:{u}")])
    lines += ["", footer or messages.text("checklist.hint", locale)]
    return "\n".join(lines), buttons


async def checklist_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """c: open the checklist · k: tick an item · ks: submit."""
    services = services_of(context)
    press = await pressed(update, cards.parse_pair)
    if press is None:
        return
    query, user, parsed = press.query, press.user, press.parsed
    prefix, occurrence_id, unit_id, item_id = parsed
    locale, now = services.locale, services.clock()
    result = None
    with session_scope(services.sessions) as session:
        asked = check(session, services, user.id, occurrence_id, unit_id, "checklist")
        member_id = asked.actor.member.id if asked.actor.member is not None else None
        if asked.info is not None:
            try:
                if prefix == "k" and item_id is not None:
                    toggle_checklist(session, occurrence_id, unit_id, item_id, member_id, now)
                elif prefix == "ks":
                    result = submit_checklist(session, occurrence_id, unit_id, member_id, now)
            except LookupError:
                asked.info = None
            state = checklist_state(session, occurrence_id, unit_id)
    if not asked.allowed or asked.info is None:
        key = "answer.refused" if not asked.allowed else "answer.gone"
        await query.answer(messages.text(key, locale), show_alert=True)
        return
    await query.answer()
    footer = ""
    if result is not None:
        done, total, recorded = result
        footer = "\n".join([
            messages.text("checklist.submitted", locale, ref=asked.info.task_ref, done=done,
                          total=total),
            recorded_line(services, recorded.status, who(asked.actor, user.full_name),
                          recorded.late),
        ])  # fmt: skip
    body, buttons = render(asked.info, state, locale, footer)
    if prefix == "c":
        await _send(context, query.message.chat.id, services, body, buttons)
    else:
        await edit_card(query.message, body, buttons)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, services: Services, body: str,
                buttons: cards.Buttons) -> None:  # fmt: skip
    from jobs.sender import keyboard

    await context.bot.send_message(chat_id, body, parse_mode=ParseMode.HTML,
                                   reply_markup=keyboard(buttons))  # fmt: skip
