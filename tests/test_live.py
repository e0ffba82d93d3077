"""Changes take effect at the next tick: a head who links, a plan applied from the command line
in another process — the cards arrive within two ticks, saying why they come now.

The bot runs for real here (python-telegram-bot, its job queue ticking every TICK_SECONDS of
wall time, the emulator); the domain's clock is a fixed working morning.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from db.invites import create_invite
from db.models import Member, Role
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.conftest import OFFICE_ADMIN, emulator_settings
from tests.test_plan_text import SEED_000, SEEDS

ROOT = Path(__file__).resolve().parent.parent
TICK = 2  # seconds: "within two ticks" is then 4 s, plus a second for a loaded machine
WITHIN = 2 * TICK + 1
HEAD, OTHER_HEAD = 5201, 5202
# Friday 20/12/2024, 09:00 in Hà Nội: the 14-day rung of seed 000's Q4 deadlines (17/12) has
# passed, the 7-day one (24/12) is ahead.
MORNING = datetime(2024, 12, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
async def live_bot(emulator, db_url, sessions, clock) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    clock.now = MORNING
    emulator.emulator.user(OFFICE_ADMIN, first_name="Văn phòng")
    settings = emulator_settings(emulator, db_url, OFFICE_ADMINS=str(OFFICE_ADMIN),
                                 TICK_SECONDS=str(TICK))  # fmt: skip
    application = build_application(Services(settings, sessions, clock), max_retries=3)
    await start_application(application, poll_timeout=0.5)
    yield application
    await stop_application(application)


def cards_to(emu, chat: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in emu.bot_messages(chat) if "Nhiệm vụ" in m["text"] or "Việc" in m["text"]]


async def test_a_head_who_links_while_the_bot_runs_gets_cards_within_two_ticks(
    live_bot, emulator, sessions, clock
):
    emu = emulator.emulator
    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91.txt", "h",
                  date(2024, 10, 1))  # fmt: skip
        token = create_invite(session, "SGDDT", Role.HEAD, clock()).token
    await asyncio.sleep(TICK + 0.5)  # the bot has planned the plan: nobody to tell yet
    assert cards_to(emu, HEAD) == []

    emu.user(HEAD, first_name="Nguyễn Văn An")
    emu.send_text(HEAD, f"/start {token}")
    await emu.wait_for(lambda: emu.bot_messages(HEAD))
    linked = time.monotonic()
    await emu.wait_for(lambda: cards_to(emu, HEAD), timeout=WITHIN)
    assert time.monotonic() - linked <= WITHIN
    card = cards_to(emu, HEAD)[0]["text"]
    assert "vừa liên kết với đơn vị" in card, card
    assert "tạm ngừng" not in card, "the bot was never down"


async def test_a_plan_applied_from_the_command_line_reaches_linked_heads_within_two_ticks(
    live_bot, emulator, sessions, db_url, tmp_path
):
    emu = emulator.emulator
    emu.user(OTHER_HEAD, first_name="Trần Thị Bình")
    with session_scope(sessions) as session:
        import_sample(session)
        unit = unit_by_code(session, "SGDDT")
        assert unit is not None
        session.add(Member(unit_id=unit.id, telegram_user_id=OTHER_HEAD, chat_id=OTHER_HEAD,
                           full_name="Trần Thị Bình", role=Role.HEAD,
                           linked_at=datetime(2024, 11, 1, tzinfo=UTC)))  # fmt: skip
    await asyncio.sleep(TICK + 0.5)
    assert cards_to(emu, OTHER_HEAD) == []

    seed = str(SEEDS / "000_1e4b81b5c3e88a0d.txt")
    command = [sys.executable, "-m", "cli.main", "plan", "import", seed, "--apply",
               "--today", "2024-10-01"]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": db_url},
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, (out + err).decode()
    applied = time.monotonic()
    await emu.wait_for(lambda: cards_to(emu, OTHER_HEAD), timeout=WITHIN)
    assert time.monotonic() - applied <= WITHIN
    card = cards_to(emu, OTHER_HEAD)[0]["text"]
    assert "kế hoạch hoặc lịch nhắc được cập nhật" in card, card


def test_what_planning_reads_leaves_a_mark_and_what_it_writes_does_not(sessions):
    """A corrected timeline, a unit renamed, a policy: marked for the next tick; the tick's
    own writes (occurrences, heartbeats, the outbox) are not, or it would plan forever."""
    from sqlalchemy import select

    from db import changes
    from db.models import Heartbeat, Occurrence, Task, Unit

    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91.txt", "h",
                  date(2024, 10, 1))  # fmt: skip
    with sessions() as session:
        start = changes.seen(session)
    with session_scope(sessions) as session:  # what the tick writes
        task = session.scalars(select(Task)).first()
        assert task is not None
        session.add(Occurrence(task_id=task.id, period_key="x", due_at=MORNING))
        session.merge(Heartbeat(name="tick", at=MORNING, detail={}))
    with sessions() as session:
        assert changes.seen(session) == start
    for change in ("timeline", "unit", "policy"):
        with session_scope(sessions) as session:
            task = session.scalars(select(Task)).first()
            unit = session.scalars(select(Unit)).first()
            assert task is not None and unit is not None
            if change == "timeline":
                task.timeline_text = "Trước ngày 15/12/2024"
            elif change == "unit":
                unit.name = unit.name + " (mới)"
            else:
                task.policy = {"before_days": [7, 1]}
        with sessions() as session:
            now = changes.seen(session)
        assert now[0] > start[0], change
        start = now
