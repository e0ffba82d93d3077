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

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member, Role, Unit
from db.text import folded


class Action(enum.StrEnum):
    MEMBER = "member"  # any command of a linked member (/viec, /lichsu)
    UNIT = "unit"  # answering for a unit: status, note, file, checklist, form
    OFFICE = "office"  # office commands (/donvi, /moi, /tonghop, …)
    VIEW = "view"  # reading a unit's duties in the web workspace
    CALENDAR = "calendar"  # a calendar subscription: a unit's own, or the office's (no unit)
    GROUP = "group"  # linking a Telegram group to a unit (its head) or to the office (no unit)


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
    def is_leader(self) -> bool:
        return self.linked and self.member is not None and self.member.role == Role.LEADER

    @property
    def unit_id(self) -> int | None:
        return self.member.unit_id if self.linked and self.member is not None else None


@dataclass(frozen=True)
class Scope:
    """Which units' duties someone may read in the workspace, and what they may do there."""

    kind: str  # all, district, unit, none
    unit_ids: frozenset[int] | None  # None: every unit
    label: str  # what the page says the view covers
    can_act: bool = False  # nudge, ask for an explanation, import a plan: the office

    def sees(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids


NOBODY = Scope("none", frozenset(), "")


def _is_district_office(unit: Unit) -> bool:
    return bool(unit.district) and "phong gd" in folded(unit.kind)


def scope_of(session: Session, actor: Actor) -> Scope:
    """Office admins and the office: everything, and may act; the Sở's leaders: everything,
    read only; a district's Phòng GDĐT: its own unit and the units of its district or under
    it; anyone else linked: their own unit."""
    if actor.is_office:
        return Scope("all", None, "Toàn Sở", can_act=True)
    if actor.is_leader:
        return Scope("all", None, "Toàn Sở")
    if not actor.linked or actor.unit_id is None:
        return NOBODY
    unit = session.get(Unit, actor.unit_id)
    if unit is None:
        return NOBODY
    if _is_district_office(unit):
        ids = set(
            session.scalars(
                select(Unit.id).where(
                    or_(Unit.district == unit.district, Unit.parent_id == unit.id),
                    Unit.active.is_(True),
                )
            )
        )
        return Scope("district", frozenset(ids | {unit.id}), unit.name)
    return Scope("unit", frozenset({unit.id}), unit.name)


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


def allowed(
    actor: Actor, action: Action, unit_id: int | None = None, scope: Scope | None = None
) -> bool:
    if action is Action.VIEW:
        return scope is not None and unit_id is not None and scope.sees(unit_id)
    if action is Action.OFFICE:
        return actor.is_office and actor.private
    if action is Action.CALENDAR:
        # The office's feed: those who see every unit; a unit's: its own people, the office.
        if unit_id is None:
            return actor.is_office or actor.is_leader
        return actor.is_office or (actor.linked and actor.unit_id == unit_id)
    if action is Action.GROUP:
        # A group speaks for a unit: its head decides, or the office; the office's own group
        # only the office.
        if unit_id is None:
            return actor.is_office
        return actor.is_office or (
            actor.linked and actor.unit_id == unit_id
            and actor.member is not None and actor.member.role == Role.HEAD
        )  # fmt: skip
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
    scope: Scope | None = None,
    audit_allowed: bool = False,
) -> bool:
    """True when the actor may do it; a refusal is logged in the audit log (caller commits),
    and so is an allowed look at one unit's records when asked (`allowed:<what>`)."""
    if allowed(actor, action, unit_id, scope):
        if audit_allowed:
            session.add(AuditLog(at=now, actor_user_id=actor.user_id, action=f"allowed:{what}",
                                 allowed=True, unit_id=unit_id, detail=detail or {}))  # fmt: skip
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
