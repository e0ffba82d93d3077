"""What Telegram accepted is recorded many rows per statement and commit, not three
statements and a commit for each message: the bot's CPU goes to sending."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select

from config import Settings
from db.models import Reminder, ReminderState
from db.session import session_scope
from jobs import outbox
from jobs.engine import Engine
from tests.fakes import FakeBot

NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
CHATS = list(range(7000, 7300))


async def test_a_tick_records_its_deliveries_many_at_a_time(db_url, engine, sessions):
    with session_scope(sessions) as session:
        outbox.insert_reminders(session, [
            outbox.new_row(f"rec:{chat}", chat, "notice", NOW, {"text": f"Thông báo {chat}"})
            for chat in CHATS
        ])  # fmt: skip
    bot = FakeBot(lambda: NOW)
    sender = Engine(Settings(database_url=db_url), sessions, bot, lambda: NOW)  # type: ignore[arg-type]
    sender.pacer.spacing = 0.0
    commits: list[int] = []
    updates: list[tuple[int, bool]] = []  # (rows in the call, executemany)

    def on_commit(_: Any) -> None:
        commits.append(1)

    def on_execute(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("UPDATE REMINDER SET STATE") and "sent_at" in sql:
            updates.append((len(params) if many else 1, many))

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        report = await sender.tick()
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_execute)
    assert report.ok and report.sent == report.messages == len(CHATS)
    with session_scope(sessions) as session:
        rows = session.scalars(select(Reminder)).all()
        assert {r.state for r in rows} == {ReminderState.SENT}
        sent_as = {r.chat_id: r.telegram_message_id for r in rows}
    assert sent_as == {s.chat_id: i + 1 for i, s in enumerate(bot.sent)}  # each its own id
    assert sum(n for n, _ in updates) == len(CHATS) and any(many for _, many in updates)
    assert len(updates) <= len(CHATS) / 10, "recorded a few statements, not one per message"
    assert len(commits) <= len(CHATS) / 10, "a few commits, not one per message"
