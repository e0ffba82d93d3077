"""Signing in to the web workspace: one-time links and sessions, stored as hashes.

A link (asked for with /web) is short-lived and works once; a session lives in the database
so that signing out, or the office revoking it, holds in every process. Both tokens are
shown once and kept only as their SHA-256, like invitations.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.invites import hash_token
from db.models import AuditLog, WebLogin, WebSession

LINK_MINUTES = 10
SESSION_HOURS = 12
TOKEN_BYTES = 32


class LinkRefusal(enum.StrEnum):
    WRONG = "wrong"
    USED = "used"
    EXPIRED = "expired"


class LinkRefused(Exception):
    def __init__(self, reason: LinkRefusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Opened:
    token: str  # for the cookie; shown once
    csrf: str
    telegram_user_id: int
    expires_at: datetime


def create_link(session: Session, telegram_user_id: int, now: datetime) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + timedelta(minutes=LINK_MINUTES)
    session.add(
        WebLogin(token_hash=hash_token(token), telegram_user_id=telegram_user_id,
                 created_at=now, expires_at=expires_at)
    )  # fmt: skip
    session.add(AuditLog(at=now, actor_user_id=telegram_user_id, action="web_link_created"))
    session.flush()
    return token, expires_at


def redeem_link(session: Session, token: str, now: datetime) -> int:
    """The user the link was made for, once; raises LinkRefused (and audits it) otherwise."""
    login = session.scalar(select(WebLogin).where(WebLogin.token_hash == hash_token(token)))
    reason = (
        LinkRefusal.WRONG if login is None
        else LinkRefusal.USED if login.used_at is not None
        else LinkRefusal.EXPIRED if login.expires_at <= now
        else None
    )  # fmt: skip
    if reason is None and login is not None:
        # A conditional update: two tabs opening one link at once cannot both have it.
        claimed = session.execute(
            update(WebLogin)
            .where(WebLogin.id == login.id, WebLogin.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            reason = LinkRefusal.USED
    if reason is not None:
        session.add(
            AuditLog(at=now, actor_user_id=login.telegram_user_id if login else None,
                     action="refused:web_link", allowed=False, detail={"reason": reason.value})
        )  # fmt: skip
        raise LinkRefused(reason)
    assert login is not None
    return login.telegram_user_id


def open_session(session: Session, telegram_user_id: int, via: str, now: datetime) -> Opened:
    token, csrf = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(24)
    expires_at = now + timedelta(hours=SESSION_HOURS)
    session.add(
        WebSession(token_hash=hash_token(token), telegram_user_id=telegram_user_id, csrf=csrf,
                   via=via, created_at=now, expires_at=expires_at)
    )  # fmt: skip
    session.add(
        AuditLog(at=now, actor_user_id=telegram_user_id, action="web_signed_in",
                 detail={"via": via})
    )  # fmt: skip
    session.flush()
    return Opened(token, csrf, telegram_user_id, expires_at)


def session_for(session: Session, token: str, now: datetime) -> WebSession | None:
    """The live session a cookie names, if any."""
    if not token:
        return None
    found = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    return found


def close_session(session: Session, token: str, now: datetime) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == hash_token(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
