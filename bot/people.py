"""Handlers for people and units: linking by invitation, /toi, /donvi, /moi, blocked bots."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.services import Services, services_of
from db.invites import (
    InviteRefused,
    Person,
    create_invite,
    deactivate_member,
    deep_link,
    district_batches,
    redeem,
)
from db.models import Role, Unit
from db.registry import RegistryError, list_units, unit_by_code
from db.session import session_scope
from db.text import folded
from duties.permissions import Action, actor_for, authorize, in_private, refusal
from jobs.outbox import notify, notify_office, unit_recipients
from texts import messages

log = logging.getLogger(__name__)


def _role_text(role: Role, locale: str) -> str:
    return messages.text(f"role.{role.value}", locale)


async def link(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """/start <token>: link this Telegram account to the invitation's unit."""
    services = services_of(context)
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return
    if chat.type != ChatType.PRIVATE:
        # Linked from a group, the person's reminders (and an office role's escalations)
        # would go to the whole group; the token is not spent.
        await message.reply_text(messages.text("link.private_only", services.locale))
        return
    person = Person(user.id, chat.id, user.full_name, user.username or "")
    reply: str
    with session_scope(services.sessions) as session:
        try:
            member = redeem(session, token, person, services.clock())
            unit = session.get(Unit, member.unit_id)
            reply = messages.text(
                "link.ok",
                services.locale,
                name=user.full_name,
                unit=unit.name if unit else "",
                role=_role_text(member.role, services.locale),
            )
        except InviteRefused as refused:
            # The refusal's audit row must be committed: it is what throttles the next try.
            reply = messages.text(f"link.{refused.reason.value}", services.locale,
                                  unit=refused.unit_name)  # fmt: skip
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/toi: who the bot thinks you are."""
    services = services_of(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    locale = services.locale
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id)
        if actor.linked and actor.member is not None:
            unit = session.get(Unit, actor.member.unit_id)
            reply = messages.text(
                "whoami.linked", locale, name=user.full_name, unit=unit.name if unit else "",
                code=unit.code if unit else "", role=_role_text(actor.member.role, locale),
            )  # fmt: skip
        elif actor.is_admin:
            reply = messages.text("whoami.admin", locale, name=user.full_name)
        else:
            reply = messages.text("not_linked", locale)
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


def _office_or_refuse(services: Services, session, update: Update, what: str) -> str | None:  # type: ignore[no-untyped-def]
    """None when the office may go on, else the catalog key of the refusal."""
    assert update.effective_user is not None
    actor = actor_for(session, services.settings.office_admins, update.effective_user.id,
                      in_private(update))  # fmt: skip
    if authorize(session, actor, Action.OFFICE, services.clock(), what=what):
        return None
    return refusal(actor)


async def units_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/donvi: every unit with its active members, the unreachable ones first."""
    services = services_of(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    locale = services.locale
    with session_scope(services.sessions) as session:
        if refused := _office_or_refuse(services, session, update, "donvi"):
            body = messages.text(refused, locale)
        else:
            units = list_units(session)
            lines = [
                messages.text(
                    "units.header", locale, count=len(units),
                    empty=sum(1 for u in units if not u.reached),
                )
            ] + [
                messages.text(
                    "units.line", locale, mark="✅" if u.reached else "⛔",
                    code=u.code, name=u.name, members=u.members,
                    groups=messages.text("units.groups", locale, count=u.groups)
                    if u.groups else "",
                )
                for u in units
            ]  # fmt: skip
            body = "\n".join(lines)
    for piece in messages.split_for_telegram(body):
        await message.reply_text(piece, parse_mode=ParseMode.HTML)


async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/moi CODE [head|staff|office]: a one-time invitation link for a unit."""
    services = services_of(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    locale = services.locale
    args = context.args or []
    with session_scope(services.sessions) as session:
        if refused := _office_or_refuse(services, session, update, "moi"):
            reply = messages.text(refused, locale)
        elif args and folded(args[0]) == "quan":
            reply = _district_invites(services, session, context.bot.username, user.id)
        elif not args or len(args) > 2 or (len(args) == 2 and _role(args[1]) is None):
            reply = messages.text("invite.usage", locale)
        else:
            role = _role(args[1]) if len(args) == 2 else Role.HEAD
            assert role is not None
            try:
                invite = create_invite(session, args[0], role, services.clock(),
                                       created_by=f"telegram:{user.id}")  # fmt: skip
            except RegistryError:
                reply = messages.text("invite.no_unit", locale, code=args[0])
            else:
                unit = unit_by_code(session, invite.unit_code)
                expires = invite.expires_at.astimezone(services.settings.timezone)
                reply = messages.text(
                    "invite.created", locale, unit=unit.name if unit else invite.unit_code,
                    role=_role_text(role, locale), expires=f"{expires:%d/%m/%Y}",
                    link=deep_link(context.bot.username, invite.token),
                )  # fmt: skip
    await message.reply_text(reply, parse_mode=ParseMode.HTML, disable_web_page_preview=True)


# A role as typed after /moi: the Vietnamese words, or the codes.
ROLE_WORDS = {"thutruong": Role.HEAD, "canbo": Role.STAFF, "vanphong": Role.OFFICE,
              "lanhdao": Role.LEADER}  # fmt: skip


def _role(word: str) -> Role | None:
    key = folded(word).replace(" ", "").replace("_", "")
    if key in ROLE_WORDS:
        return ROLE_WORDS[key]
    return Role(key) if key in Role._value2member_map_ else None


DISTRICT_CHUNK = 25  # units per message: a district's list in a few messages, never cut


def _district_invites(services: Services, session, bot_username: str, user_id: int) -> str:  # type: ignore[no-untyped-def]
    """Each district office gets, through the outbox, one link per unit of its district that
    nobody has linked to; the office admin is told who got them and who could not."""
    from html import escape

    locale, now = services.locale, services.clock()
    sent_units = sent_offices = 0
    missing: list[str] = []
    for batch in district_batches(session):
        if not batch.units:
            continue
        people = unit_recipients(session, batch.office.id, groups=False)
        if not people:
            missing.append(batch.office.name)
            continue
        by = f"telegram:{user_id}"
        made = [(u, create_invite(session, u.code, Role.HEAD, now, created_by=by))
                for u in batch.units]  # fmt: skip
        expires = made[0][1].expires_at.astimezone(services.settings.timezone)
        for start in range(0, len(made), DISTRICT_CHUNK):
            lines = "\n".join(
                f"• {escape(unit.name)}: {deep_link(bot_username, invite.token)}"
                for unit, invite in made[start : start + DISTRICT_CHUNK]
            )
            body = messages.text("invite.district_batch", locale, district=escape(
                batch.office.district), expires=f"{expires:%d/%m/%Y}", lines=lines)  # fmt: skip
            notify(session, people, f"district-invites:{batch.office.id}:{now:%Y%m%d%H%M%S}:"
                   f"{start}", body, now, batch.office.id)  # fmt: skip
        sent_units += len(made)
        sent_offices += 1
    note = (
        messages.text("invite.district_missing", locale, names=escape("; ".join(missing)))
        if missing
        else ""
    )
    return messages.text("invite.district_sent", locale, units=sent_units, offices=sent_offices,
                         missing=note).strip()  # fmt: skip


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user blocked the bot (or unblocked it): keep the member's state and tell the office."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    services = services_of(context)
    status = change.new_chat_member.status
    if status not in (ChatMember.BANNED, ChatMember.LEFT):
        return
    with session_scope(services.sessions) as session:
        member = deactivate_member(
            session, change.from_user.id, "blocked the bot", services.clock()
        )
        if member is None:
            return
        unit = session.get(Unit, member.unit_id) if member.unit_id else None
        notice = messages.text(
            "office.member_inactive", services.locale, name=member.full_name,
            unit=unit.name if unit else "—",
        )  # fmt: skip
        now = services.clock()
        # Through the outbox like every other notice: retried, sent once, within the limits.
        notify_office(session, services.settings, f"blocked:{member.id}:{now:%Y%m%d%H%M%S}",
                      notice, now, member.unit_id, except_chat=change.chat.id)  # fmt: skip
