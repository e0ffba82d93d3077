"""A task's checklist in the chat: toggle buttons saved at once, and a Submit."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import edit_card, pressed, recorded_line, who
from bot.replies import refused_or_gone
from bot.services import Services, services_of
from db.models import ChecklistItem
from db.session import session_scope
from duties import actions
from duties.answers import checklist_state
from duties.model import Duty
from duties.permissions import actor_for
from texts import cards, messages
from texts.buttons import CHECKLIST, CHECKLIST_SEND, TICK


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
        buttons.append([(f"{mark} {i}. {cards.short(item.label, 40)}", TICK.data(o, u, item.id))])
    buttons.append([(messages.text("button.submit", locale), CHECKLIST_SEND.data(o, u))])
    lines += ["", footer or messages.text("checklist.hint", locale)]
    return "\n".join(lines), buttons


async def checklist_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """c: open the checklist · k: tick an item · ks: submit."""
    services = services_of(context)
    press = await pressed(update, context, CHECKLIST, TICK, CHECKLIST_SEND)
    if press is None:
        return
    query, user, kind = press.query, press.user, press.kind
    occurrence_id, unit_id, *rest = press.values
    locale, now = services.locale, services.clock()
    key = (occurrence_id, unit_id)
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id)
        if kind is TICK:
            done = actions.tick(session, actor, key, rest[0], now)
        elif kind is CHECKLIST_SEND:
            done = actions.send_checklist(session, actor, key, now)
        else:
            done = actions.look(session, actor, key, now, "checklist")
        state = checklist_state(session, occurrence_id, unit_id) if done.duty else []
    if await refused_or_gone(query, done, locale):
        return
    assert done.duty is not None
    await query.answer()
    footer = ""
    if done.checklist is not None and done.recorded is not None:
        ticked, total = done.checklist
        footer = "\n".join([
            messages.text("checklist.submitted", locale, ref=done.duty.task_ref, done=ticked,
                          total=total),
            recorded_line(services, done.recorded.status, who(actor, user.full_name),
                          done.recorded.late),
        ])  # fmt: skip
    body, buttons = render(done.duty, state, locale, footer)
    if kind is CHECKLIST:
        await _send(context, query.message.chat.id, services, body, buttons)
    else:
        await edit_card(query.message, body, buttons)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, services: Services, body: str,
                buttons: cards.Buttons) -> None:  # fmt: skip
    from jobs.sender import keyboard

    await context.bot.send_message(chat_id, body, parse_mode=ParseMode.HTML,
                                   reply_markup=keyboard(buttons))  # fmt: skip
