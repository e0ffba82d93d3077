"""A head of the Sở's own unit (SGDDT) with seed 000's plan, as the chat stories of reminders,
snoozes and "not ours" begin: linked, reminded on the 7-day rung, opening the first card."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from db.models import Member, Role
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.test_plan_text import SEED_000

HEAD = 5001


def at(day: int) -> datetime:
    """08:00 in Hải Phòng on that day of December 2024, in UTC."""
    return datetime(2024, 12, day, 1, 0, tzinfo=UTC)


def seed(sessions: Any) -> None:
    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91.txt", "h",
                  date(2024, 10, 1))  # fmt: skip
        unit = unit_by_code(session, "SGDDT")
        assert unit is not None
        session.add(Member(unit_id=unit.id, telegram_user_id=HEAD, chat_id=HEAD,
                           full_name="Hiệu", role=Role.HEAD))  # fmt: skip


async def open_first_card(emu: Any, engine: Any, clock: Any) -> tuple[Any, int, int, dict]:  # type: ignore[type-arg]
    """Reminded on the 24th (the Quý IV deadlines' 7-day rung), the head opens the bundle's
    first task: its card, occurrence and unit, and its buttons by label."""
    clock.now = at(24)
    await engine.tick()
    bundle = next(m for m in emu.bot_messages(HEAD) if "việc cần chú ý" in m["text"])
    opened = bundle["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    before = len(emu.bot_messages(HEAD))
    emu.press(HEAD, bundle["message_id"], opened)
    card = await emu.wait_for(
        lambda: len(emu.bot_messages(HEAD)) > before and emu.bot_messages(HEAD)[-1]
    )
    _, occurrence_id, unit_id = opened.split(":")
    buttons = {b["text"]: b["callback_data"] for row in card["reply_markup"]["inline_keyboard"]
               for b in row}  # fmt: skip
    return card, int(occurrence_id), int(unit_id), buttons


async def head_at_first_card(bot: Any, emulator: Any, sessions: Any, clock: Any) -> tuple[Any, ...]:
    """The whole beginning: seeded, the head reminded on the 24th and at the first card.
    Returns (emulator state, engine, card, occurrence, unit, buttons by label)."""
    emu = emulator.emulator
    emu.user(HEAD, first_name="Hiệu")
    seed(sessions)
    engine = bot.bot_data["engine"]
    return (emu, engine, *await open_first_card(emu, engine, clock))
