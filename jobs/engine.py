"""The tick: plan what falls due, claim it, send it, record what happened. Never raises.

APScheduler (through PTB's JobQueue) calls `Engine.tick` every TICK_SECONDS; tests and the
demo call it with their own clock. Only the process holding the sender lock sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db import changes, groups
from db.models import AuditLog, GroupChat, Heartbeat, Member, Reminder, ReminderState, Unit
from db.session import session_scope
from duties import query as duty_query
from jobs import content, notices, outbox, rounds
from jobs.leader import Leadership
from jobs.sender import (
    Buttons,
    Delivery,
    GroupMinutes,
    OutboxBot,
    Rates,
    deliver,
    next_slot,
)
from texts import cards
from texts.messages import split_for_telegram, text

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=10)
CONTACT_EVERY = timedelta(minutes=5)
# A PostgreSQL sender that lost its lock checks it at least every LOCK_CHECK seconds and then
# stops; what it had claimed is taken back by the next sender after RECOVER_AFTER (the
# default of SENDER_GRACE_SECONDS).
LOCK_CHECK = 1.0
RECOVER_AFTER = timedelta(seconds=Settings.sender_grace_seconds)
PING_EVERY = timedelta(minutes=1)
BATCH = 500
# The recorder's gathering (see _Recorder): at most this long, at most this many rows.
GATHER = 0.05
RECORD_ROWS = 250
# Deliveries Telegram accepted that may wait for their record at once (what a crash could
# resend besides the sends in flight).
RECORD_ROOM = BATCH
HEARTBEAT = 1.0


class Pacer:
    """Start sends at most `rate` a second, on a schedule of 1/rate spacings.

    The rate limiter (bot/limiter.py) guards every request the process makes; the pacer keeps
    the outbox a little under it, so replies to people find free slots. A stalled event loop
    restarts the schedule instead of releasing a burst (`next_slot`).
    """

    def __init__(self, rate: float = Rates().outbox) -> None:
        self.spacing = 1.0 / rate
        self._next = float("-inf")
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            delay = self._next - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = next_slot(self._next, loop.time(), self.spacing)


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
    postponed: int = 0  # a group's minute was full: sent a little later, not a failure
    poisoned: int = 0  # rows that could not be rendered or recorded: failed alone
    error: str = ""
    skipped_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The tick did its work: no error, and not every message it tried failed."""
        all_failed = self.claimed > 0 and self.sent == 0 and self.retried + self.failed > 0
        return not self.error and not all_failed


@dataclass
class _Outgoing:
    chat_id: int
    rows: list[Reminder]
    body: str
    buttons: Buttons


@dataclass
class _Composed:
    out: list[_Outgoing]
    skips: dict[str, list[int]]  # by reason
    poison: dict[int, str]  # rows that could not be rendered, with why


async def _to_the_end(future: asyncio.Future[Any]) -> asyncio.CancelledError | None:
    """Waits until `future` is done whatever cancels the waiting, and returns the cancel
    (for the caller to raise once its own cleanup is done)."""
    cancelled: asyncio.CancelledError | None = None
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError as error:
            if future.cancelled():
                break
            cancelled = error
    return cancelled


class _Recorder:
    """Records the tick's deliveries as they come back, many at a time, on a worker thread
    (a commit's fsync must not hold up the loop pacing the sends).

    A commit costs about a millisecond of CPU whatever it holds (two with the heartbeat), so
    while answers are still on their way the recorder lets them gather for up to GATHER
    seconds or RECORD_ROWS rows; with none on the way it records at once. At most
    RECORD_ROOM deliveries wait for their record (`room`: a send takes a place before it goes,
    the commit gives it back), so what a crash can resend stays bounded and a database that
    stops taking records stops the sends; sends go on while a commit is written. The heartbeat
    saying Telegram answered is written with the first record and then at most every
    HEARTBEAT seconds."""

    def __init__(self, engine: Engine, report: TickReport) -> None:
        self.engine, self.report = engine, report
        self.loop = asyncio.get_running_loop()
        self.waiting: list[tuple[_Outgoing, Delivery]] = []
        self.under_way = 0  # sends past the pacer whose answer has not come back
        self.ready = asyncio.Event()
        self.closing = False
        self.room = asyncio.Semaphore(RECORD_ROOM)
        self.beaten_at = float("-inf")
        # The tick's records go through one connection (opened by the first, on the worker
        # thread; one record at a time uses it): a session and a pool checkout per commit
        # cost more than the rows.
        self.connection: Connection | None = None
        self.task = self.loop.create_task(self._run())

    def going(self) -> None:
        self.under_way += 1

    def add(self, item: _Outgoing, delivery: Delivery) -> None:
        self.under_way -= 1
        self.waiting.append((item, delivery))
        if len(self.waiting) == 1 or not self._gathering():
            self.ready.set()

    async def close(self) -> None:
        """Records what is left, then gives the connection back — also when the tick is
        cancelled meanwhile: a record under way runs on a worker thread, which cannot be
        stopped, and a connection given back while it was mid-statement went to the pool
        inside a transaction (the next tick's checkout then failed on PostgreSQL)."""
        self.closing = True
        self.ready.set()
        cancelled = await _to_the_end(self.task)
        try:
            if not cancelled:
                self.task.result()  # the recorder's own failure is the tick's
        finally:
            if self.connection is not None:
                cancelled = await _to_the_end(asyncio.ensure_future(
                    asyncio.to_thread(self._let_go))) or cancelled  # fmt: skip
        if cancelled is not None:
            raise cancelled

    def _let_go(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a database gone: nothing to give back
                connection.close()

    def _gathering(self) -> bool:
        return not self.closing and self.under_way > 0 and len(self.waiting) < RECORD_ROWS

    async def _run(self) -> None:
        while True:
            if not self.waiting:
                if self.closing:
                    return
                self.ready.clear()
                await self.ready.wait()
                continue
            if self._gathering():
                self.ready.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.ready.wait(), GATHER)
            batch, self.waiting = self.waiting, []
            beat = self.loop.time() - self.beaten_at >= HEARTBEAT
            try:
                await asyncio.to_thread(self._record, batch, beat)
            finally:
                for _ in batch:
                    self.room.release()
            if beat:
                self.beaten_at = self.loop.time()

    def _record(self, batch: list[tuple[_Outgoing, Delivery]], beat: bool) -> None:
        sent = [(item, d) for item, d in batch if d.outcome == "sent"]
        if sent:
            try:
                if self.connection is None:
                    self.connection = self.engine.sessions.kw["bind"].connect()
                self.engine._record_sent(sent, self.report, beat, self.connection)
            except Exception as error:
                self.engine._not_recorded(sent, self.report, error)
            if self.engine._halted:  # the connection may be broken: a new one if it comes back
                self._let_go()
        for item, delivery in batch:
            if delivery.outcome != "sent":  # rare: each on its own, as it may tell people
                self.engine._record_or_keep(item, delivery, self.report)


class Engine:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        bot: OutboxBot,
        clock: Callable[[], datetime],
        worker: str | None = None,
        leadership: Leadership | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.worker = worker_id(worker or socket.gethostname(), None if worker else os.getpid())
        engine = sessions.kw["bind"]
        self.leadership = leadership or Leadership(engine)
        # On PostgreSQL the whole pass is shared with the standbys (jobs/rounds.py).
        self._shares_planning = engine.dialect.name == "postgresql"
        self.calendar = settings.calendar()
        self.last_planned: datetime | None = None
        self._seen: tuple[int, int] | None = None  # the changes the last pass took in
        self._grace = timedelta(seconds=settings.sender_grace_seconds)
        self.rates = Rates(settings.paid_broadcast_rate)
        self.pacer = Pacer(self.rates.outbox)
        self._last_contact: datetime | None = None
        self._last_ping: datetime | None = None
        # Telegram accepted these but the database did not take the record (it was down):
        # recorded at the next tick instead of being recovered and sent again.
        self._unrecorded: list[tuple[_Outgoing, Delivery]] = []
        self._in_flight: set[int] = set()  # claimed by a tick of this process, not finished
        # A claim and its ids put in flight, or a recovery: one at a time (both off the loop).
        self._claiming = asyncio.Lock()
        self._halted = False  # a record failed in this tick: the database is away, stop sending
        # What went to each group in the last minute (Telegram allows 20 there): the rate
        # limiter's count of every message, when the bot has one; else the engine's own.
        shared = getattr(getattr(bot, "rate_limiter", None), "group_minutes", None)
        self._group_minutes: GroupMinutes = shared or GroupMinutes()
        self._counts_groups = shared is None

    async def tick(self) -> TickReport:
        report = TickReport()
        started = self.clock()
        try:
            await self._tick(report)
        except Exception as error:  # the scheduler must keep ticking whatever happens
            log.exception("tick failed")
            report.error = f"{type(error).__name__}: {error}"
        # After the whole tick, with its outcome: a tick that failed must not look alive to
        # `nhacviec health` nor to the dead-man's switch.
        self._beat(started, report)
        if report.ok:
            await self._ping()
        return report

    def _beat(self, at: datetime, report: TickReport) -> None:
        detail = {
            "worker": self.worker,
            "ok": report.ok,
            "leader": report.leader,
            "sent": report.sent,
            "failed": report.failed,
            "error": report.error[:300],
        }
        if not report.ok and not report.error:
            detail["error"] = f"every send failed ({report.retried + report.failed})"
        try:
            with session_scope(self.sessions) as session:
                session.merge(Heartbeat(name="tick", at=at, detail=detail))
        except Exception as error:  # the database is gone: the stale heartbeat says so
            log.warning("could not record the tick: %s", error)

    async def _tick(self, report: TickReport) -> None:
        now = self.clock()
        self._halted = False
        if self._unrecorded:  # whether or not this process still sends: it knows they went
            self._record_pending(report)
        hold = self.leadership.hold()
        report.leader, report.error = hold.leader, report.error or hold.error
        if not hold.leader:
            if self._shares_planning and not hold.error:  # a standby plans its share
                report.planned = await asyncio.to_thread(self._plan_share)
            return
        async with self._claiming:  # no claim of ours is half-way while this looks
            report.recovered = self._recover(now, hold.became)  # on the loop: nothing moves
        with session_scope(self.sessions) as session:
            # A plan applied, a person linked, a timeline corrected, an answer given — in this
            # process or another: planned at this tick, not at the next regular pass.
            seen = changes.seen(session)
        whole = self.last_planned is None or now - self.last_planned >= PLAN_EVERY
        if whole or seen != self._seen:
            # On a worker thread: a pass over a province's registry takes seconds of CPU,
            # and replies to people must not wait for it. Between the regular whole passes
            # (which also move the window forward), only what changed is planned.
            since = None if whole or self._seen is None else self._seen
            if whole and self._shares_planning:
                report.planned = await asyncio.to_thread(self._open_round, now, seen)
            else:
                report.planned = await asyncio.to_thread(self._plan, now, seen, since)
            if whole:
                self.last_planned = now
            self._seen = seen
        elif self._shares_planning:  # what a standby that stopped left of the round
            report.planned = await asyncio.to_thread(self._plan_share)
        await self._send_due(now, report)
        # After the sends: a message Telegram accepted says it was reached, and asking it
        # first held the first reminder of a start back by a round trip.
        await self._watchdogs(now)

    async def _send_due(self, now: datetime, report: TickReport) -> None:
        """Claims and sends BATCH rows at a time. The next batch is claimed and composed once
        half of the one before has passed the pacer, so it is ready when that one's last send
        goes: waiting for a batch's answers before claiming the next left the wire idle for a
        round trip, a claim and a composing at every batch (a paid broadcast of 5,000 lost a
        fifth of its pace so). The pacer and the gate are first come, first served: the
        batches still go in the order they were claimed."""
        gate = asyncio.Semaphore(self.rates.in_flight)
        recorder = _Recorder(self, report)
        sending: list[asyncio.Task[None]] = []
        claimed: set[int] = set()
        try:
            while self.leadership.still_held():
                # Off the loop (500 rows read held up the sends of the batch before), and with
                # the ids in flight before a recovery may look.
                async with self._claiming:
                    rows = await asyncio.to_thread(self._claim, now)
                    ids = {row.id for row in rows} - claimed
                    claimed |= ids
                    self._in_flight |= ids
                report.claimed += len(rows)
                if not rows:
                    return
                halfway = asyncio.Event()
                batch = self._send(rows, now, report, gate, recorder, halfway)
                sending.append(asyncio.create_task(batch))
                if len(rows) < BATCH:
                    return
                await halfway.wait()
                now = self.clock()
            report.leader = False
        except BaseException:
            for task in sending:  # the tick is cancelled or failed: so are its sends
                task.cancel()
            raise
        finally:
            outcomes: list[BaseException | None] = []
            try:
                outcomes = await asyncio.gather(*sending, return_exceptions=True)
            finally:
                # Also when the cancel arrives here (all there was had been claimed): what
                # Telegram accepted is recorded before its ids leave the in-flight set, and the
                # rest is taken back by the next tick.
                await recorder.close()
                self._in_flight -= claimed
            failed = [o for o in outcomes if isinstance(o, Exception)]
            if failed and sys.exc_info()[1] is None:  # none already on its way out
                raise failed[0]  # a batch's failure is the tick's, as when batches were awaited

    def _recover(self, now: datetime, became: bool) -> int:
        with session_scope(self.sessions) as session:
            # Whatever is "sending" and not ours in flight was left by a crash, a tick that
            # failed half-way or a sender that is gone: back to pending, by whoever sends.
            recovered = outbox.recover(
                session, now, keep=self._kept_ids(), worker=self.worker,
                others_after=None if self.leadership.exclusive_on_death else self._grace,
            )  # fmt: skip
            if became:
                session.merge(Heartbeat(name="sender", at=now, detail={"worker": self.worker}))
        return recovered

    def _claim(self, now: datetime) -> list[Reminder]:
        with session_scope(self.sessions) as session:
            ids = outbox.claim_ids(session, now, self.worker, BATCH)
        with session_scope(self.sessions) as session:  # after the commit: see claimed_rows
            rows = outbox.claimed_rows(session, ids, self.worker)
            session.expunge_all()
        return rows

    def _plan(
        self, now: datetime, seen: tuple[int, int], since: tuple[int, int] | None
    ) -> outbox.SyncResult:
        """A whole pass, or (`since`: the changes the last pass took in) what changed since."""
        with session_scope(self.sessions) as session:
            scope = changes.scope_since(session, since) if since is not None else None
            planned = outbox.sync(session, self.settings, now, self.calendar, scope)
            changes.prune(session, seen[0])
        return planned

    def _open_round(self, now: datetime, seen: tuple[int, int]) -> outbox.SyncResult:
        """A whole pass that every process helps with, this one first."""
        with session_scope(self.sessions) as session:
            rounds.open_round(session, now)
            changes.prune(session, seen[0])
        return self._plan_share() or outbox.SyncResult()

    def _plan_share(self) -> outbox.SyncResult | None:
        work = rounds.work(self.sessions, self.settings, self.calendar, self.worker)
        return work.result if work is not None else None

    def _kept_ids(self) -> set[int]:
        return self._in_flight | {row.id for item, _ in self._unrecorded for row in item.rows}

    def _record_pending(self, report: TickReport) -> None:
        """Record what Telegram accepted while the database was away (never resend it)."""
        pending, self._unrecorded = self._unrecorded, []
        for item, delivery in pending:
            self._record_or_keep(item, delivery, report)

    async def _watchdogs(self, now: datetime) -> None:
        """Say Telegram was reached (asking it when nothing was sent for a while). Failures
        are logged; the health check reports them."""
        wall = datetime.now(UTC)
        if self._last_contact is None or wall - self._last_contact > CONTACT_EVERY:
            try:
                await self.bot.get_me()
                self._last_contact = wall
                with session_scope(self.sessions) as session:
                    session.merge(Heartbeat(name="telegram", at=now, detail={"ok": True}))
            except Exception as error:
                log.warning("Telegram not reached: %s", error)

    async def _ping(self) -> None:
        """The dead-man's switch, after a good tick (at most once a minute)."""
        wall = datetime.now(UTC)
        url = self.settings.healthcheck_url
        if url and (self._last_ping is None or wall - self._last_ping > PING_EVERY):
            self._last_ping = wall
            try:
                async with httpx.AsyncClient(timeout=5) as client:
                    await client.get(url)
            except httpx.HTTPError as error:
                log.warning("dead-man's switch not reached: %s", error)

    async def _send(
        self,
        rows: list[Reminder],
        now: datetime,
        report: TickReport,
        gate: asyncio.Semaphore,
        recorder: _Recorder,
        halfway: asyncio.Event,
    ) -> None:
        """Sends one claimed batch; `halfway` is set once half its sends have passed the pacer
        (or when it ends sooner)."""
        try:
            # Off the loop: reading and rendering 500 rows held up the sends of the batch before.
            composed = await asyncio.to_thread(self._compose, rows, now)
            outgoing = self._counted(composed, now, report)
            if outgoing:
                await self._deliver_all(outgoing, gate, recorder, halfway)
        finally:
            halfway.set()

    async def _deliver_all(
        self,
        outgoing: list[_Outgoing],
        gate: asyncio.Semaphore,
        recorder: _Recorder,
        halfway: asyncio.Event,
    ) -> None:
        checked = asyncio.get_running_loop().time()
        deposed = False
        waiting = len(outgoing)
        half = waiting // 2

        async def one(item: _Outgoing) -> None:
            nonlocal checked, deposed, waiting
            await recorder.room.acquire()  # given back when its record is committed
            async with gate:
                await self.pacer.wait()
                waiting -= 1
                if waiting == half:
                    halfway.set()
                loop = asyncio.get_running_loop()
                if not deposed and loop.time() - checked >= LOCK_CHECK:
                    checked = loop.time()
                    deposed = not self.leadership.still_held()
                if deposed or self._halted:
                    # Another process sends now (it takes these back in a minute), or the
                    # database stopped taking records: what is left waits, unsent.
                    recorder.room.release()
                    return
                recorder.going()
                delivery = await deliver(self.bot, item.chat_id, item.body, item.buttons,
                                         paid=bool(self.rates.paid))  # fmt: skip
            recorder.add(item, delivery)

        await asyncio.gather(*(one(item) for item in outgoing))

    # ---- composing -----------------------------------------------------------------------

    def _counted(self, composed: _Composed, now: datetime, report: TickReport) -> list[_Outgoing]:
        """On the loop: the tick's counts, the failed renders, and each group's minute."""
        for reason, ids in composed.skips.items():
            report.skipped += len(ids)
            report.skipped_reasons[reason] = report.skipped_reasons.get(reason, 0) + len(ids)
        if composed.poison:
            self._poisoned(composed.poison, now, report)
        return self._within_group_minutes(composed.out, now, report)

    def _compose(self, rows: list[Reminder], now: datetime) -> _Composed:
        """The batch's messages, read and rendered; rows with nothing to send marked skipped."""
        skips: dict[str, list[int]] = defaultdict(list)
        poison: dict[int, str] = {}
        by_chat: dict[int, list[tuple[Reminder, Any]]] = defaultdict(list)
        with session_scope(self.sessions) as session:
            task_rows = [r for r in rows if r.occurrence_id is not None]
            contents = content.reminder_contents(session, task_rows, now)
            linked = self._linked_groups(session, {r.chat_id for r in rows if r.chat_id})
            for row in rows:
                if row.chat_id is None:
                    skips["no chat"].append(row.id)
                    continue
                if row.chat_id < 0 and row.chat_id not in linked:
                    skips["group unlinked"].append(row.id)
                    continue
                if row.occurrence_id is not None:
                    found = contents[row.id]
                    if isinstance(found, str):
                        skips[found].append(row.id)
                        continue
                    by_chat[row.chat_id].append((row, found))
                else:
                    by_chat[row.chat_id].append((row, None))
            why = self._why(session, [r for items in by_chat.values() for r, c in items if c])
            out: list[_Outgoing] = []
            for chat_id, items in by_chat.items():
                reminders = [(r, c) for r, c in items if c is not None]
                out += self._render(chat_id, reminders, now, why, poison)
                for row in (r for r, c in items if c is None):
                    try:
                        body = self._other(session, row, now)
                        if body is None:
                            skips["nothing to say"].append(row.id)
                            continue
                        out.append(_Outgoing(chat_id, [row], body, stored_buttons(row.payload)))
                    except Exception as error:  # one bad row fails alone
                        poison[row.id] = _reason(error)
            for reason, ids in skips.items():
                outbox.mark_skipped(session, ids, reason)
        return _Composed(out, skips, poison)

    @staticmethod
    def _linked_groups(session: Session, chat_ids: set[int]) -> set[int]:
        wanted = [c for c in chat_ids if c < 0]
        if not wanted:
            return set()
        return set(session.scalars(select(GroupChat.chat_id).where(
            GroupChat.chat_id.in_(wanted), GroupChat.active.is_(True))))  # fmt: skip

    def _within_group_minutes(
        self, out: list[_Outgoing], now: datetime, report: TickReport
    ) -> list[_Outgoing]:
        """At most GROUP_PER_MINUTE messages to a group in any minute: what does not fit waits
        in the outbox until the minute has room (rather than hold a sending slot meanwhile)."""
        kept: list[_Outgoing] = []
        waiting: list[tuple[list[int], datetime]] = []
        minutes, at = self._group_minutes, now.timestamp()
        taken: defaultdict[int, int] = defaultdict(int)  # by this batch, not yet sent
        for item in out:
            if item.chat_id >= 0:
                kept.append(item)
                continue
            pieces = len(split_for_telegram(item.body))
            taken[item.chat_id] += pieces
            room = minutes.room(item.chat_id, at)
            # What is over the minute's room waits (a message longer than a whole minute
            # allows goes when the minute is fresh: the rate limiter spaces its pieces).
            oversized = room == minutes.limit and taken[item.chat_id] == pieces
            if taken[item.chat_id] > room and not oversized:
                free_at = minutes.free_at(item.chat_id, at, taken[item.chat_id])
                until = datetime.fromtimestamp(max(free_at, at + 1), UTC)
                waiting.append(([r.id for r in item.rows], until))
                report.postponed += len(item.rows)
                continue
            if self._counts_groups:
                for _ in range(pieces):
                    minutes.record(item.chat_id, at)
                taken[item.chat_id] -= pieces
            kept.append(item)
        if waiting:
            with session_scope(self.sessions) as session:
                for ids, until in waiting:
                    outbox.postpone(session, ids, until, "the group's minute is full")
        return kept

    def _render(
        self,
        chat_id: int,
        items: list[tuple[Reminder, Any]],
        now: datetime,
        why: dict[int, str],
        poison: dict[int, str],
    ) -> list[_Outgoing]:
        """A chat's reminders as one message; when that fails, each alone, so that only the
        row that cannot be rendered is held back (into `poison`, with the reason)."""
        try:
            return self._cards(chat_id, items, now, why)
        except Exception as error:
            if len(items) == 1:
                poison[items[0][0].id] = _reason(error)
                return []
        return [out for item in items for out in self._render(chat_id, [item], now, why, poison)]

    def _cards(
        self, chat_id: int, reminders: list[tuple[Reminder, Any]], now: datetime,
        why: dict[int, str],
    ) -> list[_Outgoing]:  # fmt: skip
        tz, locale = self.settings.timezone, self.settings.locale
        if not reminders:
            return []
        rows = [r for r, _ in reminders]
        # One line per duty: a rung caught up after downtime (or a late link) and today's
        # would say the same task twice; the office's nudge, else the latest, says it, and
        # all are recorded as sent.
        latest: dict[tuple[Any, Any], tuple[Reminder, Any]] = {}
        for row, found in reminders:
            key = (row.occurrence_id, row.unit_id)
            if key not in latest or _weight(row) >= _weight(latest[key][0]):
                latest[key] = (row, found)
        shown = list(latest.values())
        if len(shown) == 1:
            row, found = shown[0]
            body, buttons = cards.reminder(found, now, tz, locale, why.get(row.id, ""))
            return [_Outgoing(chat_id, rows, body, buttons)]
        # The nearest deadline first; one message however many piled up.
        shown.sort(key=lambda rc: rc[1].duty.due_at)
        reasons = [why.get(row.id, "") for row, _ in shown]
        body, buttons = cards.bundle([c for _, c in shown], now, tz, locale,
                                     bundle_why(reasons))  # fmt: skip
        return [_Outgoing(chat_id, rows, body, buttons)]

    def _why(self, session: Session, rows: list[Reminder]) -> dict[int, str]:
        """Why each card comes now, when its rung alone does not say it."""
        if not rows:
            return {}
        linked = dict(session.execute(
            select(Member.id, Member.linked_at).where(
                Member.id.in_({r.member_id for r in rows if r.member_id is not None})
            )
        ).all())  # fmt: skip
        told = content.already_told(session, rows)
        return {
            row.id: why_now(
                str(row.payload.get("reason") or ""),
                _moment(row.payload.get("moment")),
                linked.get(row.member_id) if row.member_id is not None else None,
                (row.occurrence_id, row.unit_id, row.member_id) in told,
            )
            for row in rows
        }

    def _poisoned(self, poison: dict[int, str], now: datetime, report: TickReport) -> None:
        """Rows that cannot be rendered: failed with the reason and audited, never retried."""
        with session_scope(self.sessions) as session:
            for row_id, reason in poison.items():
                outbox.mark_failed(session, [row_id], f"cannot render: {reason}")
                session.add(AuditLog(at=now, action="outbox_poison",
                                     detail={"reminder_id": row_id, "reason": reason}))  # fmt: skip
        report.poisoned += len(poison)
        report.failed += len(poison)
        log.error("%d reminder(s) could not be rendered: %s", len(poison), poison)

    def _other(self, session: Session, row: Reminder, now: datetime) -> str | None:
        """Digests and notices: their content is read now, when they are sent."""
        tz, locale = self.settings.timezone, self.settings.locale
        if row.kind == "digest_office":
            digest = duty_query.office_digest(session, now, tz)
            if digest.empty:
                return None
            # Only when something changed since the last digest this chat received.
            fingerprint = digest.fingerprint()
            last = session.scalar(
                select(Reminder.payload)
                .where(Reminder.kind == "digest_office", Reminder.chat_id == row.chat_id,
                       Reminder.state == ReminderState.SENT)
                .order_by(Reminder.sent_at.desc())
                .limit(1)
            )  # fmt: skip
            if last and last.get("fingerprint") == fingerprint:
                return None
            # Kept on the row (rendered rows are not the session's own objects): what the next
            # digest compares with, once this one is sent.
            session.execute(
                update(Reminder).where(Reminder.id == row.id)
                .values(payload={**(row.payload or {}), "fingerprint": fingerprint})
            )  # fmt: skip
            return cards.office_digest(digest, now, tz, locale)
        if row.kind == "digest_week" and row.unit_id is not None:
            if row.member_id is not None and not session.get(Member, row.member_id).active:  # type: ignore[union-attr]
                return None
            tasks = duty_query.open_duties(session, now, [row.unit_id])
            unit = session.get(Unit, row.unit_id)
            if not tasks or unit is None:
                return None
            return cards.week_summary(unit.name, tasks, now, tz, locale)
        if row.kind == "notice":
            return str(row.payload.get("text") or "") or None
        return None

    # ---- recording -----------------------------------------------------------------------

    def _record_sent(
        self,
        batch: list[tuple[_Outgoing, Delivery]],
        report: TickReport,
        beat: bool,
        connection: Connection,
    ) -> None:
        """Messages Telegram accepted, recorded together: one statement run for every row
        (executemany) and one commit, instead of three statements and a commit each; `beat`:
        with the heartbeat saying Telegram answered. Raises when the database does not take
        them (`_not_recorded` keeps them)."""
        now = self.clock()
        messages = [([r.id for r in item.rows], d.message_id) for item, d in batch]
        with connection.begin():
            outbox.record_sent(connection, messages, now, beat)
        self._last_contact = datetime.now(UTC)
        report.messages += len(batch)
        report.sent += sum(len(item.rows) for item, _ in batch)

    def _not_recorded(
        self, batch: list[tuple[_Outgoing, Delivery]], report: TickReport, error: Exception
    ) -> None:
        self._halted = True
        # Telegram has them: remember, so that they are recorded later, never resent.
        self._unrecorded.extend(batch)
        log.warning("could not record %d deliveries (%s); kept for the next tick",
                    len(batch), error)  # fmt: skip
        report.error = report.error or f"recording: {_reason(error)}"

    def _record_or_keep(self, item: _Outgoing, delivery: Delivery, report: TickReport) -> None:
        try:
            self._record(item, delivery, report)
        except Exception as error:
            self._halted = True
            if delivery.outcome == "sent":
                # Telegram has it: remember, so that it is recorded later, never resent.
                self._unrecorded.append((item, delivery))
            # Anything else stays "sending" and is recovered at the next tick: a retry.
            log.warning("could not record a delivery (%s); kept for the next tick", error)
            report.error = report.error or f"recording: {_reason(error)}"

    def _record(self, item: _Outgoing, delivery: Delivery, report: TickReport) -> None:
        now = self.clock()
        ids = [r.id for r in item.rows]
        with session_scope(self.sessions) as session:
            if delivery.outcome == "sent":
                outbox.mark_sent(session, ids, delivery.message_id, now)
                report.messages += 1
                report.sent += len(ids)
                session.merge(Heartbeat(name="telegram", at=now, detail={"ok": True}))
                self._last_contact = datetime.now(UTC)
            elif delivery.outcome == "retry":
                given_up = outbox.retry_later(
                    session, item.rows, now, delivery.error, delivery.retry_after
                )
                report.failed += len(given_up)
                report.retried += len(ids) - len(given_up)
            elif delivery.outcome == "moved" and delivery.moved_to is not None:
                # A group became a supergroup: the same group under a new id, sent again now.
                groups.group_moved(session, item.chat_id, delivery.moved_to)
                session.execute(
                    update(Reminder)
                    .where(Reminder.chat_id == item.chat_id,
                           Reminder.state == ReminderState.PENDING)
                    .values(chat_id=delivery.moved_to)
                )  # fmt: skip
                outbox.postpone(session, ids, now, delivery.error, chat_id=delivery.moved_to)
                report.postponed += len(ids)
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
        if chat_id < 0:
            notices.lose_group(session, self.settings, chat_id, reason, now)
            return
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
                reason=text(gone_reason_key(reason), self.settings.locale),
            )
            outbox.notify_office(session, self.settings, f"gone:{member.id}:{now:%Y%m%d%H%M%S}",
                                 notice, now, member.unit_id, except_chat=chat_id)  # fmt: skip


def _weight(row: Reminder) -> tuple[bool, datetime]:
    """Which of a duty's reminders due together speaks for them: the office's nudge, else
    the latest rung."""
    return row.kind == "nudge", row.send_at


def worker_id(host: str, pid: int | None, limit: int = 64) -> str:
    """ "host:pid", fitted to the outbox's claimed_by column whatever the host name (a
    Kubernetes pod's is 63 characters): a long name keeps its start and a hash of the rest."""
    whole = f"{host}:{pid}" if pid is not None else host
    if len(whole) <= limit:
        return whole
    import hashlib

    tail = f"~{hashlib.sha1(host.encode()).hexdigest()[:10]}" + (f":{pid}" if pid else "")
    return host[: limit - len(tail)] + tail


def stored_buttons(payload: dict[str, Any]) -> Buttons:
    """A notice's buttons as stored: rows of [label, data]; anything else is a bad row."""
    rows = payload.get("buttons") or []
    out: Buttons = []
    for line in rows:
        row = []
        for pair in line:
            label, data = pair
            if not isinstance(label, str) or not isinstance(data, str):
                raise ValueError("a button is not a (label, data) pair of texts")
            if not label or not 1 <= len(data.encode()) <= 64:
                raise ValueError("a button's label is empty or its data is not 1-64 bytes")
            row.append((label, data))
        out.append(row)
    return out


def why_now(reason: str, moment: datetime | None, linked_at: datetime | None, told: bool) -> str:
    """Why a card comes at this moment, as a catalog key's last part ("" when its rung says it).

    Pure. `reason` is the planner's ("catch-up": the bot was not running at the card's
    moment; "late": the card's moment had passed when what it is about arrived), `moment` the
    moment it was due, `linked_at` when the person linked, `told` whether they were sent
    something about this occurrence before.
    """
    if reason == "catch-up":
        return "catch_up"
    if reason == "late":
        if linked_at is not None and moment is not None and linked_at >= moment:
            return "late_linked"
        return "late_plan"
    return "" if told else "first"


def bundle_why(reasons: list[str]) -> str:
    """One reason for a bundle: the most unusual of its cards' ("first" only if all are)."""
    for reason in ("catch_up", "late_linked", "late_plan"):
        if reason in reasons:
            return reason
    return "first" if reasons and all(r == "first" for r in reasons) else ""


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _reason(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def gone_reason_key(error: str) -> str:
    """Telegram's English reason, as the catalog's words for the office (the raw text stays
    in the audit log)."""
    lowered = error.lower()
    if "blocked" in lowered:
        return "gone.blocked"
    if "deactivated" in lowered:
        return "gone.deactivated"
    return "gone.no_chat"
