"""Builds the python-telegram-bot Application: every handler and job is registered here."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import (
    answers,
    checklists,
    explanations,
    forms_chat,
    groups,
    handlers,
    office,
    people,
    plan_upload,
    scope,
    snooze,
    steps,
    workspace,
)
from bot.aiohttp_request import AiohttpRequest
from bot.limiter import PriorityRateLimiter
from bot.services import Services
from bot.tolerant import TolerantBot
from bot.updates import PerChatUpdateProcessor
from jobs.engine import Engine
from jobs.sender import Rates
from jobs.ticker import beat
from texts import buttons as b
from texts import messages

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 64  # chats handled at once; each chat's updates in order
OFFICE_COMMANDS = ("tonghop", "quahan", "chuatraloi", "vuongmac", "xuat", "xephang")
COMMANDS = ("viec", "lichsu", "huongdan", "toi", "web", "start", "donvi", "moi")
GROUP_COMMANDS = ("viec", "lienketnhom", "huylienketnhom", "huongdan")


def build_application(services: Services, *, max_retries: int = 3) -> Application:  # type: ignore[type-arg]
    settings = services.settings
    rates = Rates(settings.paid_broadcast_rate)
    bot = TolerantBot(
        token=settings.telegram_bot_token.reveal(),
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        # Enough connections to carry the outbox's pace at a slow round trip (8 at 100 ms
        # carry 80 requests a second, more than the free 30).
        request=AiohttpRequest(connection_pool_size=rates.connections, pool_timeout=30.0),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        rate_limiter=PriorityRateLimiter(
            rates, max_retries=max_retries, clock=lambda: services.clock().timestamp()
        ),
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        .post_init(_post_init)
        .post_stop(_stop_ticking)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    application.bot_data["presses"] = answers.press_group(services)

    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["huongdan", "help"], handlers.help_command))
    application.add_handler(CommandHandler("toi", people.whoami))
    application.add_handler(CommandHandler("donvi", people.units_command))
    application.add_handler(CommandHandler("moi", people.invite_command))
    application.add_handler(
        ChatMemberHandler(people.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    # A second handler group: PTB runs one handler per group, and both read my_chat_member
    # (people in private chats, the bot's groups here).
    application.add_handler(
        ChatMemberHandler(groups.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER), group=1
    )
    application.add_handler(CommandHandler("lienketnhom", groups.link_command))
    application.add_handler(CommandHandler("huylienketnhom", groups.unlink_command))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.migrated))
    application.add_handler(CommandHandler("viec", answers.tasks_command))
    application.add_handler(CommandHandler("web", workspace.web_command))
    application.add_handler(CommandHandler("lichsu", answers.history_command))
    private = filters.ChatType.PRIVATE
    # A file is a unit's report when one is expected, else (from the office) a plan.
    application.add_handler(
        MessageHandler((filters.Document.ALL | filters.PHOTO) & private, answers.file_reply)
    )
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & private, steps.text_reply)
    )
    for name, command in (
        ("tonghop", office.summary_command),
        ("quahan", office.overdue_command),
        ("chuatraloi", office.unanswered_command),
        ("vuongmac", office.blocked_command),
        ("xuat", office.export_command),
        ("xephang", office.rank_command),
    ):
        application.add_handler(CommandHandler(name, command))
    for callback, kinds in (
        (answers.status_button, [b.STATUS]),
        (answers.open_button, [b.OPEN]),
        (answers.cancel_button, [b.CANCEL]),
        (checklists.checklist_button, [b.CHECKLIST, b.TICK, b.CHECKLIST_SEND]),
        (forms_chat.form_button, [b.FORM, b.FORM_EDIT, b.FORM_CONFIRM]),
        (explanations.request_button, [b.EXPLAIN_REQUEST]),
        (explanations.explain_button, [b.EXPLAIN]),
        (office.nudge_button, [b.NUDGE]),
        (plan_upload.plan_button, [b.PLAN_APPLY, b.PLAN_CANCEL]),
        (handlers.help_button, [b.HELP]),
        (snooze.snooze_button, [b.SNOOZE_FOR, b.SNOOZE]),
        (scope.out_of_scope_button, [b.OUT_OF_SCOPE]),
        (scope.scope_decide_button, [b.SCOPE_DECIDE]),
    ):
        for kind in kinds:
            application.add_handler(CallbackQueryHandler(callback, pattern=kind.pattern))
    # Last: a press no declaration of this version reads gets one clear answer.
    application.add_handler(CallbackQueryHandler(answers.any_other_button))
    application.add_error_handler(handlers.on_error)

    return application


async def _stop_ticking(application: Application) -> None:  # type: ignore[type-arg]
    """Before the application stops (PTB calls it as post_stop; stop_application too)."""
    ticker = application.bot_data.pop("ticker", None)
    if ticker is not None:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    for name in ("health_runner", "web_runner"):
        runner = application.bot_data.pop(name, None)
        if runner is not None:
            await runner.cleanup()


async def _web(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """The workspace on WEB_HOST:WEB_PORT, in this process and on this loop."""
    from web.app import Workspace
    from web.server import start

    ws = Workspace(services.settings, services.sessions, services.clock, application.bot)
    application.bot_data["web_runner"] = await start(ws)
    await workspace.menu_button(application, services)


async def _health_endpoint(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """GET http://127.0.0.1:HEALTH_PORT/health: the verdict as JSON, 200 or 503."""
    from aiohttp import web

    from jobs import health

    async def handle(_: web.Request) -> web.Response:
        with services.sessions() as session:
            verdict = health.read(session, services.clock(), services.settings.tick_seconds)
        return web.json_response(verdict.to_json(), status=200 if verdict.ok else 503)

    app = web.Application()
    app.router.add_get("/health", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", services.settings.health_port).start()
    application.bot_data["health_runner"] = runner


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    services: Services = application.bot_data["services"]
    if services.settings.health_port:
        await _health_endpoint(application, services)
    if services.settings.web_port:
        await _web(application, services)
    engine = Engine(services.settings, services.sessions, application.bot, services.clock)
    application.bot_data["engine"] = engine
    # The beat runs on the loop's monotonic clock (jobs/ticker.py), not on a wall-clock job.
    application.bot_data["ticker"] = asyncio.get_running_loop().create_task(
        beat(engine.tick, services.settings.tick_seconds), name="tick"
    )
    commands = [
        BotCommand(name, messages.text(f"command.{name}", services.locale)) for name in COMMANDS
    ]
    await application.bot.set_my_commands(commands)
    # In groups: what a unit's group is for (linking it, the unit's tasks, help).
    await application.bot.set_my_commands(
        [BotCommand(name, messages.text(f"command.{name}", services.locale))
         for name in GROUP_COMMANDS],
        scope=BotCommandScopeAllGroupChats(),
    )  # fmt: skip
    # Office admins also see the office's commands in their own chat's menu.
    office_menu = commands + [
        BotCommand(name, messages.text(f"command.{name}", services.locale))
        for name in OFFICE_COMMANDS
    ]
    for admin in sorted(services.settings.office_admins):
        try:
            await application.bot.set_my_commands(office_menu, scope=BotCommandScopeChat(admin))
        except TelegramError as error:  # an admin who never opened the bot: no chat yet
            log.info("no command menu for admin %s: %s", admin, error)


async def start_application(application: Application, poll_timeout: float = 1.0) -> None:  # type: ignore[type-arg]
    """Start as run_polling would, inside an event loop someone else owns (tests, the demo)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)


async def stop_application(application: Application) -> None:  # type: ignore[type-arg]
    await _stop_ticking(application)
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    await _post_shutdown(application)  # run_polling calls it; here nobody else does
