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


def actor_for(session: Session, office_admins: Iterable[int], user_id: int) -> Actor:
    member = session.scalar(_MEMBER_BY_USER, {"user_id": user_id})
    return Actor(user_id=user_id, member=member, is_admin=user_id in set(office_admins))


def allowed(actor: Actor, action: Action, unit_id: int | None = None) -> bool:
    if action is Action.OFFICE:
        return actor.is_office
    if action is Action.MEMBER:
        return actor.linked or actor.is_office
    # The office may record an answer on a unit's behalf (a phone call, a paper report).
    return actor.is_office or (actor.linked and unit_id is not None and actor.unit_id == unit_id)


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
            detail={"action": action.value, **(detail or {})},
        )
    )
    return False
