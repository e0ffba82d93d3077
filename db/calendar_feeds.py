"""Calendar subscriptions: a secret URL per unit and one for the office, revocable.

A calendar app cannot sign in, so the URL itself is the key: 32 random bytes, shown once,
kept as its SHA-256 like invitations and sign-in links. A unit (or the office) has at most
one live feed: making a new one revokes the old, so a leaked URL is ended by asking again.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.invites import hash_token
from db.models import AuditLog, CalendarFeed

TOKEN_BYTES = 32


def _live(unit_id: int | None):  # type: ignore[no-untyped-def]
    return (
        CalendarFeed.revoked_at.is_(None),
        CalendarFeed.unit_id.is_(None) if unit_id is None else CalendarFeed.unit_id == unit_id,
    )


def create_feed(session: Session, unit_id: int | None, by_user: int, now: datetime) -> str:
    """A new secret for the unit's feed (None: the office's); the previous one stops."""
    revoke_feed(session, unit_id, by_user, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(CalendarFeed(token_hash=hash_token(token), unit_id=unit_id, created_by=by_user,
                             created_at=now))  # fmt: skip
    session.add(AuditLog(at=now, actor_user_id=by_user, action="calendar_feed_created",
                         unit_id=unit_id))  # fmt: skip
    session.flush()
    return token


def revoke_feed(session: Session, unit_id: int | None, by_user: int, now: datetime) -> bool:
    """End the unit's (or the office's) live feed; False when it had none."""
    ended = session.execute(
        update(CalendarFeed).where(*_live(unit_id)).values(revoked_at=now)
    ).rowcount
    if ended:
        session.add(AuditLog(at=now, actor_user_id=by_user, action="calendar_feed_revoked",
                             unit_id=unit_id))  # fmt: skip
    return bool(ended)


def live_feed(session: Session, unit_id: int | None) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(*_live(unit_id)))


def feed_for(session: Session, token: str, now: datetime) -> CalendarFeed | None:
    """The live feed the URL's secret opens (noting the poll), or None."""
    feed = session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None)
        )
    )
    if feed is not None:
        feed.fetched_at = now
    return feed
