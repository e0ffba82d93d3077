"""The office's commands in Telegram: /tonghop /quahan /chuatraloi /vuongmac /xuat /xephang.

Office admins only (the one permission check); read-only but for the "remind now" button,
which queues reminders through the outbox like every other message.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import pressed
from bot.services import Services, services_of
from db.models import Plan
from db.session import session_scope
from duties import actions
from duties.model import Duty
from duties.permissions import Action, actor_for, authorize, in_private, refusal
from duties.query import in_scope
from duties.rules import Category
from jobs import notices
from reports import data, excel, summary
from reports.excel import export_name
from texts import cards, messages
from texts.buttons import NUDGE
from texts.periods import period_name

MAX_LINES = 60


async def _office(update: Update, context: ContextTypes.DEFAULT_TYPE, what: str) -> bool:
    services = services_of(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return False
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        allowed = authorize(session, actor, Action.OFFICE, services.clock(), what=what)
    if not allowed:
        await message.reply_text(messages.text(refusal(actor), services.locale))
    return allowed


async def _reply(update: Update, body: str, markup: Any = None) -> None:
    message = update.effective_message
    assert message is not None
    pieces = messages.split_for_telegram(body)
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        await message.reply_text(piece, parse_mode=ParseMode.HTML,
                                 reply_markup=markup if last else None)  # fmt: skip


def _scope_rows(
    session: Session, services: Services, words: list[str]
) -> tuple[list[Duty], str | None]:
    try:
        plan_ids, task_ids = data.find_scope(session, words)
    except LookupError as error:
        return [], messages.text("office.scope_unknown", services.locale, problem=str(error))
    return in_scope(session, services.clock(), plan_ids=plan_ids, task_ids=task_ids), None


async def _office_rows(
    update: Update, context: ContextTypes.DEFAULT_TYPE, what: str
) -> list[Duty] | None:
    """The rows an office command reports on (its arguments name a plan and/or a task), or
    None once the refusal or the problem with the arguments has been said."""
    if not await _office(update, context, what):
        return None
    services = services_of(context)
    with session_scope(services.sessions) as session:
        rows, problem = _scope_rows(session, services, list(context.args or []))
    if problem is not None:
        await _reply(update, problem)
        return None
    return rows


def _due(moment: datetime, services: Services) -> str:
    return f"{moment.astimezone(services.settings.timezone):%d/%m/%Y}"


def _late(row: Duty, services: Services) -> str:
    today = services.clock().astimezone(services.settings.timezone).date()
    due = row.due_at.astimezone(services.settings.timezone).date()
    return cards.left_text(due, today, services.locale)


def _period(key: str) -> str:
    named = period_name(key)  # "Quý I/2025", not "2025-Q1"
    return f" ({named})" if named else ""


async def summary_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tonghop [plan|task]: per task, how many units stand where, and who is behind."""
    rows = await _office_rows(update, context, "tonghop")
    if rows is None:
        return
    services, locale = services_of(context), services_of(context).locale
    if not rows:
        await _reply(update, messages.text("office.empty", locale))
        return
    lines = [messages.text("office.summary_head", locale, count=len(rows))]
    for task in summary.by_task(rows)[:MAX_LINES]:
        lines.append(messages.text(
            "office.summary_task", locale, plan=task.plan_number, ref=task.task_ref,
            period=_period(task.period_key), due=_due(task.due_at, services),
            title=cards.short(task.task_title, 120),
        ))  # fmt: skip
        lines.append(messages.text("office.summary_counts", locale,
                                   **{c.value: n for c, n in task.counts.items()}))  # fmt: skip
        if task.behind:
            shown = ", ".join(task.behind[:15]) + ("…" if len(task.behind) > 15 else "")
            lines.append(messages.text("office.summary_behind", locale, units=shown))
    await _reply(update, "\n".join(lines))


async def overdue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quahan: what is overdue, by unit."""
    rows = await _office_rows(update, context, "quahan")
    if rows is None:
        return
    services, locale = services_of(context), services_of(context).locale
    late = summary.overdue(rows)
    if not late:
        await _reply(update, messages.text("office.none_overdue", locale))
        return
    units = sorted({r.unit_name for r in late})
    lines = [messages.text("office.overdue_head", locale, count=len(late), units=len(units))]
    current = None
    for row in late[: MAX_LINES * 3]:
        if row.unit_name != current:
            current = row.unit_name
            lines.append(messages.text("office.overdue_unit", locale, unit=row.unit_name))
        lines.append(messages.text(
            "office.overdue_line", locale, plan=row.plan_ref, ref=row.task_ref,
            title=cards.short(row.task_title, 80), late=_late(row, services),
            status=_label(row.category, locale),
        ))  # fmt: skip
    await _reply(update, "\n".join(lines))


def _label(category: Category, locale: str) -> str:
    from duties.rules import label

    return label(category, locale)


async def unanswered_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chuatraloi [plan] TASK: the units that have not answered, and a button to remind them."""
    if not await _office(update, context, "chuatraloi"):
        return
    services, locale = services_of(context), services_of(context).locale
    words = list(context.args or [])
    if not words:
        await _reply(update, messages.text("office.unanswered_usage", locale))
        return
    with session_scope(services.sessions) as session:
        rows, problem = _scope_rows(session, services, words)
    if problem is not None:
        await _reply(update, problem)
        return
    if not rows:
        await _reply(update, messages.text("office.empty", locale))
        return
    # The period that matters now: the earliest one not yet wholly answered.
    waiting = summary.not_answered(rows)
    if not waiting:
        await _reply(update, messages.text("office.all_answered", locale, ref=rows[0].task_ref))
        return
    period = min(waiting, key=lambda r: r.due_at).occurrence_id
    waiting = [r for r in waiting if r.occurrence_id == period]
    first = waiting[0]
    lines = [messages.text("office.unanswered_head", locale, plan=first.plan_ref,
                           ref=first.task_ref, period=_period(first.period_key),
                           count=len(waiting))]  # fmt: skip
    lines += [messages.text("office.unanswered_line", locale, unit=r.unit_name,
                            late=_late(r, services)) for r in waiting[: MAX_LINES * 3]]  # fmt: skip
    button = [[(messages.text("office.button_nudge", locale), NUDGE.data(period))]]
    from jobs.sender import keyboard

    await _reply(update, "\n".join(lines), keyboard(button))


async def nudge_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🔔 under /chuatraloi: a reminder now to every unit still silent on that occurrence."""
    services = services_of(context)
    press = await pressed(update, context, NUDGE)
    if press is None:
        return
    query, user = press.query, press.user
    locale, now = services.locale, services.clock()
    (occurrence_id,) = press.values
    queued = units = 0
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, in_private(update))
        silent = actions.nudge(session, actor, occurrence_id, now)
        if silent is not None:
            queued, units = notices.queue_nudges(session, silent, now)
    if silent is None:
        await query.answer(messages.text(refusal(actor), locale), show_alert=True)
        return
    await query.answer()
    text = messages.text("office.nudged", locale, count=queued, units=units)
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, text)


async def blocked_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/vuongmac: blocked answers with their notes."""
    rows = await _office_rows(update, context, "vuongmac")
    if rows is None:
        return
    locale = services_of(context).locale
    stuck = summary.blocked(rows)
    if not stuck:
        await _reply(update, messages.text("office.none_blocked", locale))
        return
    lines = [messages.text("office.blocked_head", locale, count=len(stuck))]
    lines += [messages.text("office.blocked_line", locale, unit=r.unit_name, plan=r.plan_ref,
                            ref=r.task_ref, title=cards.short(r.task_title, 80),
                            note=cards.short(r.note or "—", 500))
              for r in stuck[:MAX_LINES]]  # fmt: skip
    await _reply(update, "\n".join(lines))


def _plan(session: Session, words: list[str]) -> Plan | None:
    from plans.store import PlanNotFound, find_plan

    if words:
        try:
            return find_plan(session, words[0])
        except PlanNotFound:
            return None
    return session.scalars(select(Plan).order_by(Plan.id.desc())).first()


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/xuat [plan]: the plan's workbook (the latest plan when none is named)."""
    if not await _office(update, context, "xuat"):
        return
    services, locale = services_of(context), services_of(context).locale
    words = list(context.args or [])
    with session_scope(services.sessions) as session:
        plan = _plan(session, words)
        report = data.plan_report(session, plan, services.clock()) if plan else None
    message = update.effective_message
    assert message is not None
    if report is None:
        problem = f"Không thấy kế hoạch {words[0]!r}" if words else "Chưa có kế hoạch nào"
        await _reply(update, messages.text("office.scope_unknown", locale, problem=problem))
        return
    content = excel.workbook_bytes(report, services.clock(), services.settings.timezone)
    name = export_name(report.plan)
    caption = messages.text("office.export_caption", locale, plan=report.plan.number or "",
                            rows=len(report.rows), answers=len(report.answers))  # fmt: skip
    await message.reply_document(InputFile(io.BytesIO(content), filename=name), caption=caption)


async def rank_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/xephang [plan]: a scorecard per unit, worst first."""
    rows = await _office_rows(update, context, "xephang")
    if rows is None:
        return
    locale = services_of(context).locale
    words = list(context.args or [])
    scores = summary.scorecard(rows)
    if not scores:
        await _reply(update, messages.text("office.empty", locale))
        return
    lines = [messages.text("office.rank_head", locale, plan=f" — {words[0]}" if words else "")]
    lines += [messages.text("office.rank_line", locale, i=i, unit=s.unit_name,
                            rate=round(100 * s.on_time_rate), assigned=s.assigned,
                            on_time=s.done_on_time, late=s.done_late, overdue=s.overdue)
              for i, s in enumerate(scores[:MAX_LINES], start=1)]  # fmt: skip
    await _reply(update, "\n".join(lines))
