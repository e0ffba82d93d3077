"""Invitations: one-time deep links that link a Telegram account to a unit.

The token is shown once and stored only as its SHA-256 hash. Failed attempts are recorded in
the audit log, which is also what throttles a user who keeps trying wrong tokens, so the limit
holds across restarts and processes.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import AuditLog, Invite, Member, Role, Unit
from db.registry import RegistryError, unit_by_code
from db.text import clean, folded

TOKEN_BYTES = 18  # 144 bits; 24 URL-safe characters, within Telegram's 64 for ?start=
DEFAULT_DAYS = 14
MAX_FAILURES = 5
MAX_FAILURES_ALL = 100  # wrong links from everyone in the window: then everyone waits
FAILURE_WINDOW = timedelta(minutes=15)


class Refusal(enum.StrEnum):
    WRONG = "wrong"
    USED = "used"
    EXPIRED = "expired"
    THROTTLED = "throttled"
    OTHER_UNIT = "other_unit"
    UNIT_INACTIVE = "unit_inactive"


class InviteRefused(Exception):
    def __init__(self, reason: Refusal, unit_name: str = "") -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.unit_name = unit_name


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


@dataclass(frozen=True)
class NewInvite:
    token: str
    unit_code: str
    role: Role
    expires_at: datetime


def create_invite(
    session: Session,
    unit_code: str,
    role: Role,
    now: datetime,
    days: int = DEFAULT_DAYS,
    created_by: str = "",
) -> NewInvite:
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise RegistryError([f"no unit with code {unit_code!r}"])
    if not unit.active:
        raise RegistryError([f"unit {unit_code!r} is deactivated"])
    if days < 1:
        raise RegistryError(["an invitation must be valid for at least one day"])
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + timedelta(days=days)
    session.add(
        Invite(
            token_hash=hash_token(token),
            unit_id=unit.id,
            role=role,
            created_at=now,
            created_by=created_by,
            expires_at=expires_at,
        )
    )
    session.add(
        AuditLog(at=now, action="invite_created", unit_id=unit.id,
                 detail={"role": role.value, "by": created_by})
    )  # fmt: skip
    session.flush()
    return NewInvite(token, unit.code, role, expires_at)


def units_to_invite(
    session: Session,
    codes: Sequence[str] = (),
    group: str = "",
    every: bool = False,
    only_unlinked: bool = False,
) -> list[Unit]:
    """The active units a batch of invitations is for: named, a group's, or all; with
    `only_unlinked`, those nobody receives messages for yet."""
    query = select(Unit).where(Unit.active.is_(True)).order_by(Unit.district, Unit.code)
    units = list(session.scalars(query))
    if codes:
        wanted = set(codes)
        missing = sorted(wanted - {u.code for u in units})
        if missing:
            raise RegistryError([f"no active unit with code {code!r}" for code in missing])
        units = [u for u in units if u.code in wanted]
    elif group:
        names = {g.name for u in units for g in u.groups}
        match = next((n for n in names if _group_key(n) == _group_key(group)), None)
        if match is None:
            known = ", ".join(sorted(names)) or "none"
            raise RegistryError([f"no group named {group!r} (groups: {known})"])
        units = [u for u in units if any(g.name == match for g in u.groups)]
    elif not every:
        raise RegistryError(["name units (CODE…), a --group, or --all"])
    if only_unlinked:
        linked = set(
            session.scalars(select(Member.unit_id).where(Member.active.is_(True)).distinct())
        )
        units = [u for u in units if u.id not in linked]
    return units


@dataclass(frozen=True)
class DistrictBatch:
    office: Unit  # the district's Phòng GDĐT
    units: list[Unit]  # the units in its district nobody has linked to yet


def district_batches(session: Session) -> list[DistrictBatch]:
    """Each district's Phòng GDĐT with the active units of its district (its own, or located
    there) that nobody receives messages for: the links it can hand out locally."""
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))
    linked = set(session.scalars(select(Member.unit_id).where(Member.active.is_(True))))
    offices = [u for u in units if u.district and folded(u.kind).startswith("phong gd")]
    batches = []
    for office in offices:
        mine = [
            u for u in units
            if u.id != office.id and u.id not in linked and u not in offices
            and (u.parent_id == office.id or folded(u.district) == folded(office.district))
        ]  # fmt: skip
        batches.append(DistrictBatch(office, mine))
    return batches


def _group_key(name: str) -> str:
    """ "Các trường THPT, PT nhiều cấp" and "truong thpt pt nhieu cap" name one group."""
    words = re.sub(r"[^a-z0-9 ]+", " ", folded(name)).split()
    return " ".join(words[1:] if words[:1] == ["cac"] else words)


def failures_recently(session: Session, user_id: int | None, now: datetime) -> int:
    """Wrong invitation links in the window: one person's, or everyone's (`user_id` None)."""
    query = select(func.count(AuditLog.id)).where(
        AuditLog.action == "invite_refused", AuditLog.at > now - FAILURE_WINDOW
    )
    if user_id is not None:
        query = query.where(AuditLog.actor_user_id == user_id)
    return session.scalar(query) or 0


@dataclass(frozen=True)
class Person:
    user_id: int
    chat_id: int
    full_name: str
    username: str = ""


def redeem(session: Session, token: str, person: Person, now: datetime) -> Member:
    """Link the person to the invitation's unit, or raise InviteRefused (and record why).

    The caller commits either way: a refusal's audit row is what throttles the next attempt.
    """
    # Per person, and in all: guessing from many accounts is throttled too (a token has 144
    # bits, so this only keeps a guessing bot from filling the audit log).
    if (
        failures_recently(session, person.user_id, now) >= MAX_FAILURES
        or failures_recently(session, None, now) >= MAX_FAILURES_ALL
    ):
        _refuse(session, person, Refusal.THROTTLED, now, count=False)
    invite = session.scalar(
        select(Invite).where(Invite.token_hash == hash_token(token)).with_for_update()
    )
    if invite is None:
        _refuse(session, person, Refusal.WRONG, now)
    assert invite is not None
    if invite.used_at is not None:
        _refuse(session, person, Refusal.USED, now)
    if invite.expires_at <= now:
        _refuse(session, person, Refusal.EXPIRED, now)
    unit = session.get(Unit, invite.unit_id) if invite.unit_id else None
    if unit is None or not unit.active:
        _refuse(session, person, Refusal.UNIT_INACTIVE, now)
    assert unit is not None
    member = session.scalar(select(Member).where(Member.telegram_user_id == person.user_id))
    if member is not None and member.active and member.unit_id not in (None, unit.id):
        current = session.get(Unit, member.unit_id)
        _refuse(session, person, Refusal.OTHER_UNIT, now, unit_name=current.name if current else "")
    # Claimed by a conditional update, the last check: two processes on one SQLite file (no
    # row locks there) opening one link at once cannot both have it.
    claimed = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        _refuse(session, person, Refusal.USED, now)
    if member is None:
        member = Member(telegram_user_id=person.user_id)
        session.add(member)
    member.unit_id = unit.id
    member.chat_id = person.chat_id
    member.full_name = clean(person.full_name, 255)
    member.username = clean(person.username, 64)
    member.role = invite.role
    member.active = True
    member.inactive_reason = ""
    member.linked_at = now
    session.flush()
    invite.used_at = now  # as claimed above (the ORM's copy of the row is older)
    invite.used_by_member_id = member.id
    session.add(
        AuditLog(at=now, actor_user_id=person.user_id, action="linked", unit_id=unit.id,
                 detail={"role": invite.role.value, "invite": invite.id})
    )  # fmt: skip
    session.flush()
    return member


def _refuse(
    session: Session,
    person: Person,
    reason: Refusal,
    now: datetime,
    count: bool = True,
    unit_name: str = "",
) -> None:
    # A throttled attempt is logged under another name so it does not extend the throttle.
    session.add(
        AuditLog(at=now, actor_user_id=person.user_id, allowed=False,
                 action="invite_refused" if count else "invite_throttled",
                 detail={"reason": reason.value})
    )  # fmt: skip
    session.flush()
    raise InviteRefused(reason, unit_name)


def deactivate_member(session: Session, user_id: int, reason: str, now: datetime) -> Member | None:
    """Mark a member inactive (blocked the bot, left); returns them if they were active."""
    member = session.scalar(select(Member).where(Member.telegram_user_id == user_id))
    if member is None or not member.active:
        return None
    member.active = False
    member.inactive_reason = reason
    session.add(
        AuditLog(at=now, actor_user_id=user_id, action="member_inactive", unit_id=member.unit_id,
                 detail={"reason": reason})
    )  # fmt: skip
    session.flush()
    return member


def move_member(session: Session, user_id: int, unit_code: str, now: datetime) -> Member:
    """The office moves a person to another unit (a person belongs to one unit)."""
    member = session.scalar(select(Member).where(Member.telegram_user_id == user_id))
    unit = unit_by_code(session, unit_code)
    if member is None:
        raise RegistryError([f"no member with Telegram user id {user_id}"])
    if unit is None:
        raise RegistryError([f"no unit with code {unit_code!r}"])
    before = member.unit_id
    member.unit_id = unit.id
    session.add(
        AuditLog(at=now, actor_user_id=user_id, action="member_moved", unit_id=unit.id,
                 detail={"from_unit_id": before})
    )  # fmt: skip
    session.flush()
    return member
