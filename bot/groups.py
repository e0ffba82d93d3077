"""Telegram groups: a unit's group gets the unit's reminders besides its people, the office's
group its digests, escalations and notices. Linked and unlinked from inside the group by the
unit's head or the office (`Action.GROUP`); the bot removed from a group unlinks it."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Message, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.services import Services, services_of
from db.groups import group_by_chat, group_moved, link_group, unlink_group
from db.models import GroupChat, Unit
from db.registry import unit_by_code
from db.session import session_scope
from duties.permissions import Action, actor_for, authorize
from jobs import notices
from texts import messages

log = logging.getLogger(__name__)

PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def _owner(session, group: GroupChat | None, locale: str) -> str:  # type: ignore[no-untyped-def]
    unit = session.get(Unit, group.unit_id) if group is not None and group.unit_id else None
    return unit.name if unit is not None else messages.text("group.office", locale)


async def _in_group(update: Update, services: Services) -> tuple[User, Chat, Message] | None:
    """Who typed a group command, where; None when there is nothing to do (typed in a private
    chat: they are told the command belongs in a group)."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return None
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(messages.text("group.use_in_group", services.locale))
        return None
    return user, chat, message


async def link_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lienketnhom [MÃ_ĐƠN_VỊ] in a group: this group speaks for the head's unit, for the
    office (an office admin, no code), or for the unit named (the office)."""
    services = services_of(context)
    if (typed := await _in_group(update, services)) is None:
        return
    user, chat, message = typed
    locale, now = services.locale, services.clock()
    args = context.args or []
    with session_scope(services.sessions) as session:
        actor = actor_for(session, services.settings.office_admins, user.id, private=False)
        unit = unit_by_code(session, args[0]) if args else None
        if args and unit is None:
            reply = messages.text("invite.no_unit", locale, code=args[0])
        else:
            unit_id = unit.id if unit is not None else None if actor.is_office else actor.unit_id
            existing = group_by_chat(session, chat.id)
            # Moving a group from one unit to another needs the right over both.
            owners = {unit_id} | ({existing.unit_id} if existing and existing.active else set())
            if not all(authorize(session, actor, Action.GROUP, now, owner, what="group_link",
                                 detail={"chat_id": chat.id}) for owner in owners):  # fmt: skip
                reply = messages.text("group.refused", locale)
            else:
                group = link_group(session, chat.id, chat.title or "", unit_id, user.id, now)
                key = "group.linked_office" if unit_id is None else "group.linked"
                reply = messages.text(key, locale, title=chat.title or "",
                                      owner=_owner(session, group, locale))  # fmt: skip
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def unlink_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/huylienketnhom in a linked group: stop sending there (its head or the office)."""
    services = services_of(context)
    if (typed := await _in_group(update, services)) is None:
        return
    user, chat, message = typed
    locale, now = services.locale, services.clock()
    with session_scope(services.sessions) as session:
        group = group_by_chat(session, chat.id)
        actor = actor_for(session, services.settings.office_admins, user.id, private=False)
        if group is None or not group.active:
            reply = messages.text("group.not_linked", locale)
        elif not authorize(session, actor, Action.GROUP, now, group.unit_id,
                           what="group_unlink", detail={"chat_id": chat.id}):  # fmt: skip
            reply = messages.text("group.refused", locale)
        else:
            unlink_group(session, chat.id, "unlinked in the group", now, by=user.id)
            reply = messages.text("group.unlinked", locale, owner=_owner(session, group, locale))
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot added to a group (say how to link it) or removed from one (unlink it, and tell
    the office and the unit's people)."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    services = services_of(context)
    was, now_is = change.old_chat_member.status, change.new_chat_member.status
    if now_is in PRESENT and was not in PRESENT:
        await context.bot.send_message(change.chat.id, messages.text("group.welcome",
                                       services.locale), parse_mode=ParseMode.HTML)  # fmt: skip
        return
    if now_is in PRESENT:
        return
    with session_scope(services.sessions) as session:
        notices.lose_group(session, services.settings, change.chat.id, "removed from the group",
                           services.clock())  # fmt: skip


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup: Telegram says so in the old group; follow it."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    with session_scope(services_of(context).sessions) as session:
        if group_moved(session, message.chat.id, message.migrate_to_chat_id):
            log.info("group %s is now %s", message.chat.id, message.migrate_to_chat_id)
