"""Telegram groups linked to a unit or to the office: the writes, each in the caller's
transaction. Who may link which is `duties.permissions` (Action.GROUP)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditLog, GroupChat


def group_by_chat(session: Session, chat_id: int) -> GroupChat | None:
    return session.scalar(select(GroupChat).where(GroupChat.chat_id == chat_id))


def link_group(
    session: Session, chat_id: int, title: str, unit_id: int | None, by: int, now: datetime
) -> GroupChat:
    """Link the group (a unit's, or the office's when `unit_id` is None); linking it again,
    to the same or another unit, moves the one row."""
    group = group_by_chat(session, chat_id)
    if group is None:
        group = GroupChat(chat_id=chat_id)
        session.add(group)
    group.unit_id, group.title, group.linked_by, group.linked_at = unit_id, title[:255], by, now
    group.active, group.inactive_reason = True, ""
    session.flush()
    session.add(AuditLog(at=now, actor_user_id=by, action="group_linked", unit_id=unit_id,
                         detail={"chat_id": chat_id, "group_id": group.id}))  # fmt: skip
    return group


def unlink_group(
    session: Session, chat_id: int, reason: str, now: datetime, by: int | None = None
) -> GroupChat | None:
    """Stop sending to the group; None when it was not linked (or no longer is)."""
    group = group_by_chat(session, chat_id)
    if group is None or not group.active:
        return None
    group.active, group.inactive_reason = False, reason[:255]
    session.add(AuditLog(at=now, actor_user_id=by, action="group_unlinked",
                         unit_id=group.unit_id,
                         detail={"chat_id": chat_id, "group_id": group.id,
                                 "reason": reason}))  # fmt: skip
    return group


def group_moved(session: Session, old_chat_id: int, new_chat_id: int) -> bool:
    """Telegram upgraded the group to a supergroup under a new id: follow it."""
    moved = session.execute(
        update(GroupChat).where(GroupChat.chat_id == old_chat_id).values(chat_id=new_chat_id)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]
