"""The workspace's HTTP application: its routes, and serving it beside the bot."""

from __future__ import annotations

import logging

from aiohttp import web

from duties.rules import ORDER
from plans.reader import MAX_BYTES
from reports.excel import FILLS
from web import feeds, imports, pages, units
from web.app import (
    STATIC,
    WORKSPACE,
    Workspace,
    auth_link,
    auth_telegram,
    headers,
    link_page,
    mini_app,
    sign_in_page,
    sign_out,
    signed_in,
)

log = logging.getLogger(__name__)


def category_colours() -> str:
    """The categories' colours as a style sheet, from the workbook's own fills (one place)."""
    rules = [f".c-{c.value} {{ background: #{FILLS[c]}; }}\n.t-{c.value} {{ border-left-color: "
             f"#{FILLS[c]}; }}" for c in ORDER]  # fmt: skip
    return "\n".join(rules) + "\n"


async def colours(_: web.Request) -> web.Response:
    return web.Response(text=category_colours(), content_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})  # fmt: skip


def make_app(ws: Workspace) -> web.Application:
    app = web.Application(middlewares=[headers, signed_in], client_max_size=MAX_BYTES + (1 << 20))
    app[WORKSPACE] = ws
    app.router.add_get("/mau.css", colours)
    app.router.add_get("/dang-nhap", sign_in_page)
    app.router.add_get("/app", mini_app)
    app.router.add_post("/auth/telegram", auth_telegram)
    app.router.add_get("/auth/link", link_page)
    app.router.add_post("/auth/link", auth_link)
    app.router.add_post("/dang-xuat", sign_out)
    pages.add_routes(app)
    units.add_routes(app)
    imports.add_routes(app)
    feeds.add_routes(app)
    app.router.add_static("/static/", STATIC, append_version=True, name="static")
    return app


async def start(ws: Workspace) -> web.AppRunner:
    """Serve the workspace on WEB_HOST:WEB_PORT until the runner is cleaned up."""
    runner = web.AppRunner(make_app(ws), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, ws.settings.web_host, ws.settings.web_port).start()
    log.info("web workspace on %s", ws.settings.web_url)
    return runner
