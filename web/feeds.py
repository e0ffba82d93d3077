"""Calendar subscriptions served by the workspace: a secret URL per unit and one for the
office, made and revoked on the "Lịch" page, polled by a calendar app without signing in.

The feed is the same iCalendar as the .ics export (`reports.calendar`), over every active
plan: a unit's feed holds what the unit is assigned; the office's, everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import calendar_feeds
from db.models import CalendarFeed, Unit
from duties.permissions import Action, authorize
from reports import data
from reports.calendar import calendar, installation_id
from web.app import Viewer, in_db, render, viewer_of, workspace

OFFICE = "van-phong"
POLL_SECONDS = 900  # how long a calendar app may keep a copy before asking again


@dataclass(frozen=True)
class Feed:
    """One subscription the viewer may manage: the office's or a unit's."""

    key: str  # OFFICE or the unit's id
    label: str
    live: bool
    created_at: datetime | None
    fetched_at: datetime | None
    url: str = ""  # only right after it was made: the secret is not kept


def _unit_of(key: str) -> int | None:
    if key == OFFICE:
        return None
    try:
        return int(key)
    except ValueError:
        raise web.HTTPNotFound(reason="Không có lịch này.") from None


def _feeds(session: Session, viewer: Viewer) -> list[Feed]:
    live = {
        f.unit_id: f
        for f in session.scalars(select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None)))
    }
    wanted: list[tuple[str, str, int | None]] = []
    if viewer.actor.is_office or viewer.actor.is_leader:
        wanted.append((OFFICE, "Lịch của Văn phòng Sở (mọi kế hoạch, mọi đơn vị)", None))
    own = viewer.actor.unit_id if not viewer.actor.is_office else None
    # The office manages (revokes) every unit's subscription; others see their unit's.
    listed = [u for u in live if u is not None] if viewer.actor.is_office else []
    names = dict(
        session.execute(select(Unit.id, Unit.name).where(Unit.id.in_([*listed, own or 0]))).all()
    )
    for unit_id in ([own] if own is not None else []) + sorted(listed, key=names.get):
        wanted.append((str(unit_id), f"Lịch của {names.get(unit_id, 'đơn vị')}", unit_id))
    return [
        Feed(key, label, unit_id in live, live[unit_id].created_at if unit_id in live else None,
             live[unit_id].fetched_at if unit_id in live else None)
        for key, label, unit_id in dict.fromkeys(wanted)
    ]  # fmt: skip


def feed_url(request: web.Request, token: str) -> str:
    return f"{workspace(request).settings.web_url.rstrip('/')}/lich/{token}.ics"


async def page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    feeds = await in_db(request, lambda s: _feeds(s, viewer))
    return render(request, "feeds.html", feeds=feeds, said="")


async def change(request: web.Request) -> web.Response:
    """Make (or make anew, ending the old URL) or revoke a subscription."""
    viewer = viewer_of(request)
    now = workspace(request).clock()
    form = await request.post()
    key, making = str(form.get("lich", "")), form.get("action") == "tao"
    unit_id = _unit_of(key)

    def act(session: Session) -> tuple[str, bool] | None:
        if not authorize(session, viewer.actor, Action.CALENDAR, now, unit_id,
                         what="calendar_feed"):  # fmt: skip
            return None
        if making:
            return calendar_feeds.create_feed(session, unit_id, viewer.user_id, now), True
        return "", calendar_feeds.revoke_feed(session, unit_id, viewer.user_id, now)

    done = await in_db(request, act)
    if done is None:
        raise web.HTTPForbidden(reason="Bạn không quản lý lịch này.")
    token, changed = done
    feeds = await in_db(request, lambda s: _feeds(s, viewer))
    if making:
        feeds = [f if f.key != key else Feed(f.key, f.label, True, f.created_at, f.fetched_at,
                                             feed_url(request, token)) for f in feeds]  # fmt: skip
        said = "Đã tạo đường dẫn lịch mới; đường dẫn cũ (nếu có) không còn dùng được."
    else:
        said = "Đã thu hồi đường dẫn lịch." if changed else "Lịch này chưa có đường dẫn nào."
    return render(request, "feeds.html", feeds=feeds, said=said)


async def serve(request: web.Request) -> web.Response:
    """GET /lich/{secret}.ics: no sign-in, the secret is the key."""
    ws = workspace(request)
    token, now = request.match_info["token"], ws.clock()

    def read(session: Session) -> bytes | None:
        feed = calendar_feeds.feed_for(session, token, now)
        if feed is None:
            return None
        unit = session.get(Unit, feed.unit_id) if feed.unit_id is not None else None
        entries = data.calendar_entries(session, None, feed.unit_id)
        name = f"Nhắc việc — {unit.name if unit is not None else 'Văn phòng Sở'}"
        publisher = installation_id(ws.settings.telegram_bot_token.reveal(),
                                    ws.settings.database_url)  # fmt: skip
        return calendar(entries, name, ws.settings.timezone, now, publisher)

    body: Any = await in_db(request, read)
    if body is None:
        raise web.HTTPNotFound(reason="Đường dẫn lịch không đúng hoặc đã bị thu hồi.")
    return web.Response(
        body=body,
        headers={"Content-Type": "text/calendar; charset=utf-8",
                 "Content-Disposition": 'inline; filename="nhac-viec.ics"',
                 "Cache-Control": f"private, max-age={POLL_SECONDS}"},
    )  # fmt: skip


def add_routes(app: web.Application) -> None:
    app.router.add_get("/lich", page)
    app.router.add_post("/lich", change)
    app.router.add_get(r"/lich/{token:[A-Za-z0-9_-]{20,100}}.ics", serve)
