"""The one permission check: who may act for which unit, and who may use office commands.

Every handler asks `authorize`; it never trusts what a button or command carries. A refusal is
written to the audit log.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member, Role


class Action(enum.StrEnum):
    MEMBER = "member"  # any command of a linked member (/viec, /lichsu)
    UNIT = "unit"  # answering for a unit: status, note, file, checklist, form
    OFFICE = "office"  # office commands (/donvi, /moi, /tonghop, …)


@dataclass(frozen=True)
class Actor:
    user_id: int
    member: Member | None
    is_admin: bool  # listed in OFFICE_ADMINS
    # Where they speak: office commands answer with other units' data, workbooks and office
    # invitations, which a group's other members must not see.
    private: bool = True

    @property
    def linked(self) -> bool:
        return self.member is not None and self.member.active and self.member.unit_id is not None

    @property
    def is_office(self) -> bool:
        if self.is_admin:
            return True
        return self.linked and self.member is not None and self.member.role == Role.OFFICE

    @property
    def unit_id(self) -> int | None:
        return self.member.unit_id if self.linked and self.member is not None else None


# Built once: every button press and message asks it.
_MEMBER_BY_USER = select(Member).where(Member.telegram_user_id == bindparam("user_id"))


def actor_for(
    session: Session, office_admins: Iterable[int], user_id: int, private: bool = True
) -> Actor:
    """Who `user_id` is, speaking in a private chat with the bot or not (`in_private`)."""
    member = session.scalar(_MEMBER_BY_USER, {"user_id": user_id})
    return Actor(user_id=user_id, member=member, is_admin=user_id in set(office_admins),
                 private=private)  # fmt: skip


def in_private(update: Any) -> bool:
    """Whether an update comes from a private chat (an unknown chat is not one)."""
    chat = getattr(update, "effective_chat", None)
    return chat is not None and chat.type == "private"


def allowed(actor: Actor, action: Action, unit_id: int | None = None) -> bool:
    if action is Action.OFFICE:
        return actor.is_office and actor.private
    if action is Action.MEMBER:
        return actor.linked or actor.is_office
    # The office may record an answer on a unit's behalf (a phone call, a paper report).
    return actor.is_office or (actor.linked and unit_id is not None and actor.unit_id == unit_id)


def refusal(actor: Actor) -> str:
    """The catalog key that says why an office action was refused, and where to use it."""
    return "refused.private_only" if actor.is_office and not actor.private else "refused.office"


def authorize(
    session: Session,
    actor: Actor,
    action: Action,
    now: datetime,
    unit_id: int | None = None,
    what: str = "",
    detail: dict[str, Any] | None = None,
) -> bool:
    """True when the actor may do it; a refusal is logged in the audit log (caller commits)."""
    if allowed(actor, action, unit_id):
        return True
    session.add(
        AuditLog(
            at=now,
            actor_user_id=actor.user_id,
            action=f"refused:{what or action.value}",
            allowed=False,
            unit_id=unit_id,
            detail={"action": action.value, "private": actor.private, **(detail or {})},
        )
    )
    return False
