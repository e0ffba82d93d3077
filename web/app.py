"""The workspace's HTTP server (aiohttp): sessions, CSRF, security headers and sign-in.

Thin: each handler reads who is asking (`Viewer`), asks the one permission check, reads the
duties through `duties.query` in a worker thread (the bot's event loop never waits on the
database) and renders a template. Meant to sit behind a reverse proxy that gives HTTPS.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db import web_auth
from db.models import Member
from db.session import session_scope
from duties.permissions import Actor, Scope, actor_for, scope_of
from web import initdata
from web.render import page
from web.snapshots import Snapshots

log = logging.getLogger(__name__)

COOKIE = "nv_session"
STATIC = Path(__file__).parent / "static"
T = TypeVar("T")


@dataclass(frozen=True)
class Workspace:
    """What the handlers need from outside, built once."""

    settings: Settings
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    bot: Any = None  # a telegram.Bot, for report files kept only on Telegram
    snapshots: Snapshots = field(default_factory=Snapshots)
    # Uploaded plans as read, by (web_import id, sha256): a cache only, the row is the truth.
    readings: dict[Any, Any] = field(default_factory=dict)


WORKSPACE = web.AppKey("workspace", Workspace)


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    actor: Actor
    scope: Scope
    csrf: str
    via: str


# A Viewer, or None when the cookie names no live session.
VIEWER = web.RequestKey("viewer", object)


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def done(key: tuple[int, int], said: str) -> web.HTTPSeeOther:
    """Back to the duty's page, saying what was done."""
    return web.HTTPSeeOther(f"/nhiem-vu/{key[0]}/{key[1]}?ok={quote(said)}")


def workspace(request: web.Request) -> Workspace:
    return request.app[WORKSPACE]


async def in_db(request: web.Request, work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction on a worker thread (committed when it returns)."""
    ws = workspace(request)

    def run() -> T:
        with session_scope(ws.sessions) as session:
            return work(session)

    return await asyncio.to_thread(run)


def detached(session: Session, row: T | None) -> T | None:
    """A row read in a worker thread's session, usable after it closes."""
    if row is not None:
        session.expunge(row)
    return row


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    ws = workspace(request)
    viewer = request.get(VIEWER)
    body = page(
        ws.settings.timezone,
        template,
        viewer=viewer,
        request=request,
        csrf=viewer.csrf if viewer else "",
        **values,
    )
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status)


def problem(request: web.Request, status: int, title: str, text: str) -> web.Response:
    return render(request, "message.html", status=status, title=title, text=text)


# ---- middlewares ---------------------------------------------------------------------------

# Telegram shows a Mini App in its own web client inside a frame; nothing else may frame us.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; base-uri 'none'; "
    "form-action 'self'"
)


@web.middleware
async def headers(
    request: web.Request, handler: Callable[..., Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or error.content_type == "text/html":
            raise
        response = problem(
            request,
            error.status,
            "Không tìm thấy" if error.status == 404 else "Không thực hiện được",
            error.reason,
        )
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def signed_in(
    request: web.Request, handler: Callable[..., Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Who is asking, from the session cookie; every POST but sign-in carries the session's
    CSRF token."""
    token = request.cookies.get(COOKIE, "")
    if token:
        request[VIEWER] = await in_db(request, lambda s: _viewer(request, s, token))
    if request.method == "POST" and not request.path.startswith("/auth/"):
        viewer = request.get(VIEWER)
        form = await request.post()
        if viewer is None:
            raise web.HTTPSeeOther("/dang-nhap")
        if form.get("csrf") != viewer.csrf:
            return problem(
                request,
                403,
                "Phiên làm việc không hợp lệ",
                "Trang đã cũ hoặc không phải từ Nhắc việc. Hãy tải lại trang và thử lại.",
            )
    return await handler(request)


def _viewer(request: web.Request, session: Session, token: str) -> Viewer | None:
    ws = workspace(request)
    found = web_auth.session_for(session, token, ws.clock())
    if found is None:
        return None
    actor = actor_for(session, ws.settings.office_admins, found.telegram_user_id)
    scope = scope_of(session, actor)
    member: Member | None = actor.member
    name = (member.full_name if member is not None else "") or (
        "Quản trị Văn phòng Sở" if actor.is_admin else f"Tài khoản {found.telegram_user_id}"
    )
    return Viewer(found.telegram_user_id, name, actor, scope, found.csrf, found.via)


def viewer_of(request: web.Request) -> Viewer:
    """The signed-in viewer, or a redirect to the sign-in page."""
    viewer = request.get(VIEWER)
    if viewer is None:
        raise web.HTTPSeeOther("/dang-nhap?tiep=" + quote(request.path_qs, safe=""))
    return viewer


# ---- sign-in -------------------------------------------------------------------------------


def _set_cookie(
    request: web.Request, response: web.StreamResponse, opened: web_auth.Opened
) -> None:
    secure = workspace(request).settings.web_public_url.startswith("https://")
    # Inside Telegram's web client the Mini App is a third-party frame: only SameSite=None
    # (and so Secure) reaches it there; over plain http (a desk on the office network) Lax.
    response.set_cookie(
        COOKIE,
        opened.token,
        httponly=True,
        secure=secure,
        samesite="None" if secure else "Lax",
        max_age=web_auth.SESSION_HOURS * 3600,
        path="/",
    )


def _next(raw: str) -> str:
    """Where to go after signing in: a path of ours only (no open redirect)."""
    return raw if raw.startswith("/") and not raw.startswith("//") else "/"


async def sign_in_page(request: web.Request) -> web.Response:
    return render(request, "signin.html", next=_next(request.query.get("tiep", "/")))


async def mini_app(request: web.Request) -> web.Response:
    """The Mini App's address: its script posts Telegram's initData to /auth/telegram."""
    return render(request, "miniapp.html", next=_next(request.query.get("tiep", "/")))


async def auth_telegram(request: web.Request) -> web.StreamResponse:
    ws = workspace(request)
    form = await request.post()
    raw = form.get("init_data")
    user = initdata.validate(
        raw if isinstance(raw, str) else "", ws.settings.telegram_bot_token.reveal(), ws.clock()
    )
    if user is None:
        await in_db(request, lambda s: _audit_refusal(s, ws, "telegram"))
        return problem(
            request,
            401,
            "Không đăng nhập được",
            "Dữ liệu đăng nhập từ Telegram không hợp lệ hoặc đã quá một giờ. Hãy mở "
            "lại Bảng theo dõi từ Telegram.",
        )
    opened = await in_db(
        request, lambda s: web_auth.open_session(s, user.id, "telegram", ws.clock())
    )
    target = form.get("next")
    response = see_other(_next(target if isinstance(target, str) else "/"))
    _set_cookie(request, response, opened)
    return response


def _audit_refusal(session: Session, ws: Workspace, via: str) -> None:
    from db.models import AuditLog

    session.add(
        AuditLog(at=ws.clock(), action="refused:web_sign_in", allowed=False, detail={"via": via})
    )


async def link_page(request: web.Request) -> web.Response:
    """A sign-in link opened: one button, so that a link preview fetching the page does not
    use the link up."""
    return render(request, "link.html", token=request.query.get("t", ""))


REFUSED_LINK = {
    web_auth.LinkRefusal.WRONG: "Liên kết đăng nhập không đúng.",
    web_auth.LinkRefusal.USED: "Liên kết đăng nhập này đã được dùng. Mỗi liên kết chỉ dùng "
    "một lần: gõ /web trong Telegram để nhận liên kết mới.",
    web_auth.LinkRefusal.EXPIRED: "Liên kết đăng nhập đã hết hạn. Gõ /web trong Telegram để "
    "nhận liên kết mới.",
}


async def auth_link(request: web.Request) -> web.StreamResponse:
    ws = workspace(request)
    form = await request.post()
    token = form.get("t")

    def redeem(session: Session) -> web_auth.Opened | web_auth.LinkRefusal:
        try:
            user_id = web_auth.redeem_link(
                session, token if isinstance(token, str) else "", ws.clock()
            )
        except web_auth.LinkRefused as refused:
            return refused.reason
        return web_auth.open_session(session, user_id, "link", ws.clock())

    opened = await in_db(request, redeem)
    if isinstance(opened, web_auth.LinkRefusal):
        return problem(request, 401, "Không đăng nhập được", REFUSED_LINK[opened])
    response = see_other("/")
    _set_cookie(request, response, opened)
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    ws = workspace(request)
    token = request.cookies.get(COOKIE, "")
    await in_db(request, lambda s: web_auth.close_session(s, token, ws.clock()))
    response = see_other("/dang-nhap")
    response.del_cookie(COOKIE, path="/")
    return response
