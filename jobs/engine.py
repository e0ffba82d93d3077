"""The tick: plan what falls due, claim it, send it, record what happened. Never raises.

APScheduler (through PTB's JobQueue) calls `Engine.tick` every TICK_SECONDS; tests and the
demo call it with their own clock. Only the process holding the sender lock sends.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot import cards
from bot.messages import text
from config import Settings
from db.models import AuditLog, Heartbeat, Member, Reminder, Unit
from db.session import session_scope
from jobs import content, outbox
from jobs.leader import Leadership
from jobs.sender import Buttons, Delivery, deliver

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=10)
CONTACT_EVERY = timedelta(minutes=5)
PING_EVERY = timedelta(minutes=1)
BATCH = 500
CONCURRENCY = 64  # requests in flight
SEND_RATE = 29.8  # messages a second, under Telegram's 30


class Pacer:
    """Start sends at most `rate` a second, every two at least 1/rate apart.

    PTB's rate limiter (a leaky bucket) stays the guard for every request the process makes,
    but its bucket lets a burst through after any pause. Here sends are spaced from the
    moment the previous one actually started, so however the event loop stalls, 31 sends
    always span more than a second; the pace is set a hair under 30/s because sleeps wake a
    little late.
    """

    def __init__(self, rate: float = SEND_RATE) -> None:
        self.spacing = 1.0 / rate
        self._last = float("-inf")
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            delay = self._last + self.spacing - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._last = loop.time()


@dataclass
class TickReport:
    leader: bool = False
    recovered: int = 0
    planned: outbox.SyncResult | None = None
    claimed: int = 0
    messages: int = 0  # Telegram messages sent (a bundle is one)
    sent: int = 0  # reminders delivered
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    gone: int = 0
    error: str = ""
    skipped_reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class _Outgoing:
    chat_id: int
    rows: list[Reminder]
    body: str
    buttons: Buttons


class Engine:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        bot: Bot,
        clock: Callable[[], datetime],
        worker: str | None = None,
        leadership: Leadership | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        engine = sessions.kw["bind"]
        self.leadership = leadership or Leadership(engine)
        self.calendar = settings.calendar()
        self.last_planned: datetime | None = None
        self.plan_requested = True
        self.pacer = Pacer()
        self._last_contact: datetime | None = None
        self._last_ping: datetime | None = None

    def request_planning(self) -> None:
        """Plan at the next tick (a plan was imported, someone linked, an answer came in)."""
        self.plan_requested = True

    async def tick(self) -> TickReport:
        report = TickReport()
        try:
            await self._tick(report)
        except Exception as error:  # the scheduler must keep ticking whatever happens
            log.exception("tick failed")
            report.error = f"{type(error).__name__}: {error}"
        return report

    async def _tick(self, report: TickReport) -> None:
        now = self.clock()
        with session_scope(self.sessions) as session:
            session.merge(Heartbeat(name="tick", at=now, detail={"worker": self.worker}))
        hold = self.leadership.hold()
        report.leader = hold.leader
        if not hold.leader:
            return
        if hold.became:
            with session_scope(self.sessions) as session:
                report.recovered = outbox.recover(session, now)
                session.merge(Heartbeat(name="sender", at=now, detail={"worker": self.worker}))
        if (
            self.plan_requested
            or self.last_planned is None
            or now - self.last_planned >= PLAN_EVERY
        ):
            with session_scope(self.sessions) as session:
                report.planned = outbox.sync(session, self.settings, now, self.calendar)
            self.last_planned, self.plan_requested = now, False
        await self._watchdogs(now)
        while True:
            with session_scope(self.sessions) as session:
                rows = outbox.claim(session, now, self.worker, BATCH)
                session.expunge_all()
            report.claimed += len(rows)
            if not rows:
                return
            await self._send(rows, now, report)
            if len(rows) < BATCH:
                return
            now = self.clock()

    async def _watchdogs(self, now: datetime) -> None:
        """Say Telegram was reached (asking it when nothing was sent for a while), and ping
        the dead-man's switch. Failures are logged; the health check reports them."""
        wall = datetime.now(UTC)
        if self._last_contact is None or wall - self._last_contact > CONTACT_EVERY:
            try:
                await self.bot.get_me()
                self._last_contact = wall
                with session_scope(self.sessions) as session:
                    session.merge(Heartbeat(name="telegram", at=now, detail={"ok": True}))
            except Exception as error:
                log.warning("Telegram not reached: %s", error)
        url = self.settings.healthcheck_url
        if url and (self._last_ping is None or wall - self._last_ping > PING_EVERY):
            self._last_ping = wall
            try:
                async with httpx.AsyncClient(timeout=5) as client:
                    await client.get(url)
            except httpx.HTTPError as error:
                log.warning("dead-man's switch not reached: %s", error)

    async def _send(self, rows: list[Reminder], now: datetime, report: TickReport) -> None:
        outgoing = self._compose(rows, now, report)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(item: _Outgoing) -> None:
            async with gate:
                await self.pacer.wait()
                delivery = await deliver(self.bot, item.chat_id, item.body, item.buttons)
            # Recorded at once (the fewer in flight, the fewer resent after a crash), on a
            # worker thread: a commit's fsync must not hold up the loop pacing the sends.
            await asyncio.to_thread(self._record, item, delivery, report)

        await asyncio.gather(*(one(item) for item in outgoing))

    # ---- composing -----------------------------------------------------------------------

    def _compose(self, rows: list[Reminder], now: datetime, report: TickReport) -> list[_Outgoing]:
        tz, locale = self.settings.timezone, self.settings.locale
        skips: dict[str, list[int]] = defaultdict(list)
        by_chat: dict[int, list[tuple[Reminder, Any]]] = defaultdict(list)
        with session_scope(self.sessions) as session:
            task_rows = [r for r in rows if r.occurrence_id is not None]
            contents = content.reminder_contents(session, task_rows, now)
            for row in rows:
                if row.chat_id is None:
                    skips["no chat"].append(row.id)
                    continue
                if row.occurrence_id is not None:
                    found = contents[row.id]
                    if isinstance(found, str):
                        skips[found].append(row.id)
                        continue
                    by_chat[row.chat_id].append((row, found))
                else:
                    by_chat[row.chat_id].append((row, None))
            out: list[_Outgoing] = []
            for chat_id, items in by_chat.items():
                reminders = [(r, c) for r, c in items if c is not None]
                others = [r for r, c in items if c is None]
                if len(reminders) == 1:
                    row, found = reminders[0]
                    catch_up = row.payload.get("reason") == "catch-up"
                    body, buttons = cards.reminder(found, now, tz, locale, catch_up)
                    out.append(_Outgoing(chat_id, [row], body, buttons))
                elif reminders:
                    # The nearest deadline first; one message however many piled up.
                    reminders.sort(key=lambda rc: rc[1].info.due_at)
                    body, buttons = cards.bundle([c for _, c in reminders], now, tz, locale)
                    out.append(_Outgoing(chat_id, [r for r, _ in reminders], body, buttons))
                for row in others:
                    body = self._other(session, row, now)
                    if body is None:
                        skips["nothing to say"].append(row.id)
                    else:
                        buttons = [[(label, data) for label, data in line]
                                   for line in row.payload.get("buttons") or []]  # fmt: skip
                        out.append(_Outgoing(chat_id, [row], body, buttons))
            for reason, ids in skips.items():
                outbox.mark_skipped(session, ids, reason)
                report.skipped += len(ids)
                report.skipped_reasons[reason] = report.skipped_reasons.get(reason, 0) + len(ids)
        return out

    def _other(self, session: Session, row: Reminder, now: datetime) -> str | None:
        """Digests and notices: their content is read now, when they are sent."""
        tz, locale = self.settings.timezone, self.settings.locale
        if row.kind == "digest_office":
            digest = content.office_digest(session, now, tz)
            if digest.empty:
                return None
            return cards.office_digest(digest, now, tz, locale)
        if row.kind == "digest_week" and row.unit_id is not None:
            if row.member_id is not None and not session.get(Member, row.member_id).active:  # type: ignore[union-attr]
                return None
            tasks = content.open_tasks(session, now, [row.unit_id])
            unit = session.get(Unit, row.unit_id)
            if not tasks or unit is None:
                return None
            return cards.week_summary(unit.name, tasks, now, tz, locale)
        if row.kind == "notice":
            return str(row.payload.get("text") or "") or None
        return None

    # ---- recording -----------------------------------------------------------------------

    def _record(self, item: _Outgoing, delivery: Delivery, report: TickReport) -> None:
        now = self.clock()
        ids = [r.id for r in item.rows]
        with session_scope(self.sessions) as session:
            if delivery.outcome == "sent":
                outbox.mark_sent(session, ids, delivery.message_id, now)
                report.messages += 1
                report.sent += len(ids)
                session.merge(Heartbeat(name="telegram", at=now, detail={"ok": True}))
            elif delivery.outcome == "retry":
                given_up = outbox.retry_later(
                    session, item.rows, now, delivery.error, delivery.retry_after
                )
                report.failed += len(given_up)
                report.retried += len(ids) - len(given_up)
            elif delivery.outcome == "gone":
                outbox.mark_failed(session, ids, delivery.error)
                report.gone += len(ids)
                self._chat_gone(session, item.chat_id, delivery.error, now)
            else:
                outbox.mark_failed(session, ids, delivery.error)
                report.failed += len(ids)
                log.warning("gave up on a message: %s", delivery.error)

    def _chat_gone(self, session: Session, chat_id: int, reason: str, now: datetime) -> None:
        """The person blocked the bot or the chat is gone: stop writing, tell the office."""
        members = session.scalars(
            select(Member).where(Member.chat_id == chat_id, Member.active.is_(True))
        ).all()
        for member in members:
            member.active = False
            member.inactive_reason = reason[:255]
            session.add(AuditLog(at=now, action="member_unreachable", unit_id=member.unit_id,
                                 detail={"member_id": member.id, "reason": reason}))  # fmt: skip
            unit = session.get(Unit, member.unit_id) if member.unit_id else None
            notice = text(
                "notice.gone",
                self.settings.locale,
                name=member.full_name or member.username or str(member.telegram_user_id),
                unit=unit.name if unit else "—",
                reason=reason,
            )
            outbox.notify_office(session, self.settings, f"gone:{member.id}:{now:%Y%m%d%H%M%S}",
                                 notice, now, member.unit_id, except_chat=chat_id)  # fmt: skip
