"""Starve it: the database goes away (PostgreSQL behind a proxy that is cut, then restored)
or is busy (SQLite locked by another writer). The bot waits, recovers, and loses nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from config import Settings
from db.models import Reminder, ReminderState
from db.schema import upgrade
from db.session import make_engine, make_session_factory, session_scope
from jobs import outbox
from jobs.engine import Engine
from tests.fakes import FakeBot

NOW = datetime(2025, 3, 5, 3, 0, tzinfo=UTC)


def notices(sessions, chats: list[int]) -> None:  # type: ignore[no-untyped-def]
    rows = [
        outbox.new_row(f"fault:{chat}", chat, "notice", NOW, {"text": f"Thông báo {chat}"})
        for chat in chats
    ]  # fmt: skip
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, rows)


class Proxy:
    """A TCP proxy to PostgreSQL, on its own thread, that can be cut (every connection
    dropped, new ones refused) and restored: the database "stopped" and "started" as far as
    the bot can tell."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target_port = target_port
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.links: list[asyncio.StreamWriter] = []

    def _run(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    def start(self) -> None:
        async def go() -> None:
            self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
            self.port = self.server.sockets[0].getsockname()[1]

        self._run(go())

    def cut(self) -> None:
        async def go() -> None:
            assert self.server is not None
            self.server.close()
            for writer in self.links:
                writer.close()
            self.links.clear()
            await self.server.wait_closed()

        self._run(go())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.links += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


def behind_proxy(db_url: str):  # type: ignore[no-untyped-def]
    """A migrated PostgreSQL reached through a Proxy: (proxy, url, engine, sessions)."""
    upgrade(make_engine(db_url))
    proxy = Proxy()
    proxy.start()
    url = db_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    engine = make_engine(url)
    return proxy, url, engine, make_session_factory(engine)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_postgresql_going_away_and_coming_back_loses_no_reminder(db_url):
    proxy, url, engine, sessions = behind_proxy(db_url)
    notices(sessions, [1, 2, 3])
    clock = lambda: NOW  # noqa: E731
    bot = FakeBot(clock)
    sender = Engine(Settings(database_url=url), sessions, bot, clock)  # type: ignore[arg-type]
    assert not (await sender.tick()).error
    assert sorted(m.chat_id for m in bot.sent) == [1, 2, 3]

    proxy.cut()  # the database is gone
    down = await sender.tick()
    assert down.error, "the tick reports it and does not raise"
    proxy.start()  # … and back, on the same port
    notices(sessions, [4, 5])
    report = await sender.tick()
    for _ in range(5):  # a dead pooled connection may cost one more tick
        if not report.error and len(bot.sent) == 5:
            break
        report = await sender.tick()
    assert sorted(m.chat_id for m in bot.sent) == [1, 2, 3, 4, 5]
    with sessions() as session:
        states = set(session.scalars(select(Reminder.state)))
    assert states == {ReminderState.SENT}
    engine.dispose()
    proxy.cut()
    proxy.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_busy_sqlite_is_waited_for(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    notices(sessions, [1, 2])
    # Another process holds the write lock for a second.
    blocker = sqlite3.connect(db_url.removeprefix("sqlite:///"), check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(1.0, blocker.commit).start()
    clock = lambda: NOW  # noqa: E731
    bot = FakeBot(clock)
    report = await Engine(Settings(database_url=db_url), sessions, bot, clock).tick()  # type: ignore[arg-type]
    assert not report.error, report.error
    assert sorted(m.chat_id for m in bot.sent) == [1, 2]
    blocker.close()
    engine.dispose()


class CuttingBot(FakeBot):
    """Telegram accepts the messages, and after the `after`-th the database goes away."""

    def __init__(self, clock, proxy: Proxy, after: int = 1) -> None:  # type: ignore[no-untyped-def]
        super().__init__(clock)
        self.proxy, self.after = proxy, after

    async def send_message(self, chat_id: int, text: str, **kwargs):  # type: ignore[no-untyped-def]
        sent = await super().send_message(chat_id, text, **kwargs)
        if len(self.sent) == self.after:
            self.proxy.cut()
        return sent


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_database_lost_between_send_and_record_sends_nothing_twice(db_url):
    """The process lives on through the outage: what Telegram accepted is recorded when the
    database is back, never sent again."""
    proxy, url, engine, sessions = behind_proxy(db_url)
    chats = list(range(1000, 1300))
    notices(sessions, chats)
    clock = lambda: NOW  # noqa: E731
    bot = CuttingBot(clock, proxy, after=100)  # the database dies a third of the way through
    sender = Engine(Settings(database_url=url), sessions, bot, clock)  # type: ignore[arg-type]
    sender.pacer.spacing = 1 / 300
    down = await sender.tick()
    assert down.error
    stopped_at = len(bot.sent)
    assert stopped_at < 200, "it stopped sending soon after it lost the database"
    await sender.tick()  # still down: nothing happens, nothing raises
    proxy.start()
    for _ in range(6):
        report = await sender.tick()
        if not report.error and not sender._unrecorded and len(bot.sent) == len(chats):
            break
    with sessions() as session:
        states = {r.chat_id: r.state for r in session.scalars(select(Reminder))}
    assert set(states.values()) == {ReminderState.SENT}
    assert sorted(m.chat_id for m in bot.sent) == chats, "each sent exactly once"
    engine.dispose()
    proxy.cut()
    proxy.close()


@pytest.fixture
def small_disk(tmp_path):  # type: ignore[no-untyped-def]
    """A 24 MB tmpfs of its own (root mounts it; CI runs as root), and a way to fill it."""
    import os
    import subprocess

    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs: {mounted.stderr.decode()}")
        pytest.skip("mounting a tmpfs needs root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder) -> None:  # type: ignore[no-untyped-def]
    """Write until the disk says it is full. Unbuffered: a buffered file keeps the bytes that
    did not fit and fails again when it is closed, outside the `try` (seen once in CI)."""
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass


class FillingBot(FakeBot):
    """Telegram accepts the message, and at that moment the disk becomes full."""

    def __init__(self, clock, folder) -> None:  # type: ignore[no-untyped-def]
        super().__init__(clock)
        self.folder = folder

    async def send_message(self, chat_id: int, text: str, **kwargs):  # type: ignore[no-untyped-def]
        sent = await super().send_message(chat_id, text, **kwargs)
        if self.folder is not None:
            fill(self.folder)
            self.folder = None
        return sent


async def test_a_full_disk_while_sending_resends_nothing_and_needs_no_restart(small_disk):
    """The SQLite database's disk fills up from the first send until space comes back: what
    Telegram accepted is recorded afterwards, never resent, and nothing stays "sending"."""
    db_url = f"sqlite:///{small_disk / 'nhacviec.sqlite3'}"
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    chats = list(range(21, 221))
    notices(sessions, chats)
    clock = lambda: NOW  # noqa: E731
    bot = FillingBot(clock, small_disk)
    sender = Engine(Settings(database_url=db_url), sessions, bot, clock)  # type: ignore[arg-type]
    sender.pacer.spacing = 0.0
    full = await sender.tick()
    assert not full.ok and sender._unrecorded, "sent, not recorded: the disk is full"
    (small_disk / "filler").unlink()  # space again
    for _ in range(3):
        await sender.tick()
    with sessions() as session:
        states = {r.chat_id: r.state for r in session.scalars(select(Reminder))}
    assert set(states.values()) == {ReminderState.SENT}
    assert sorted(m.chat_id for m in bot.sent) == chats, "each sent exactly once"
    engine.dispose()
