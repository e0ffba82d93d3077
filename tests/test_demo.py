"""The offline demo end to end, small and fast: the real bot against the emulator, simulated
heads, a simulated clock; its reports have every kind of answer."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from rich.console import Console
from sqlalchemy import select

from db.models import FormSubmission, Member, Reminder, ReminderState
from db.session import make_engine, make_session_factory
from duties.query import in_scope
from duties.rules import Category
from emulator.demo import run_demo


async def test_the_demo_walks_the_clock_and_leaves_a_report_with_every_status(tmp_path):
    buffer = io.StringIO()
    result = await run_demo(
        tmp_path / "out", units=7, days=20, console=Console(file=buffer, width=200)
    )
    log = buffer.getvalue()
    assert "Nhập kế hoạch 496/KH-SGDĐT" in log and "Đã liên kết 7 thủ trưởng" in log
    assert "⏰ Nhắc hạn" in log and "bấm ✅ Hoàn thành" in log and "gửi biểu mẫu" in log
    assert "🚨" in log, "an overdue escalation"
    assert "📊 Tổng hợp ngày" in log, "the office's digest"
    assert [p.name for p in result.workbooks] == ["tong-hop-ke-hoach-1.xlsx",
                                                  "tong-hop-496-KH-SGDĐT.xlsx"]  # fmt: skip
    assert result.calendar.exists() and result.answers > 0

    engine = make_engine(f"sqlite:///{result.database}")
    sessions = make_session_factory(engine)
    with sessions() as session:
        rows = in_scope(session, datetime(2025, 2, 13, 8, 0, tzinfo=UTC))
        # The same answers judged before the 04/02 deadline: "in progress" is on time then.
        before = in_scope(session, datetime(2025, 2, 2, 8, 0, tzinfo=UTC))
        members = session.scalars(select(Member)).all()
        failed = session.scalars(
            select(Reminder).where(Reminder.state == ReminderState.FAILED)
        ).all()
        forms = session.scalars(select(FormSubmission)).all()
    engine.dispose()
    seen = {r.category for r in rows} | {r.category for r in before}
    assert {Category.DONE_ON_TIME, Category.DONE_LATE, Category.NOT_REPORTED, Category.BLOCKED,
            Category.IN_PROGRESS_LATE, Category.IN_PROGRESS_ON_TIME} <= seen  # fmt: skip
    assert len(members) == 7 and failed == []
    assert any(f.answers.get("final", {}).get("f1") == 2 for f in forms)
    book = load_workbook(result.workbooks[1])
    assert "Biểu mẫu D1" in book.sheetnames


async def test_after_the_demo_the_workspace_is_served_with_a_sign_in_link(tmp_path):
    """`make run` without a token: the demo, then its workspace at a printed address."""
    import asyncio
    import re

    import aiohttp

    from emulator.demo import serve_workspace
    from tests.web_fixtures import free_port

    quiet = Console(file=io.StringIO(), width=200)
    result = await run_demo(tmp_path / "out", units=4, days=12, console=quiet)
    port = free_port()
    printed = io.StringIO()
    stop = asyncio.Event()
    serving = asyncio.create_task(
        serve_workspace(result, port, Console(file=printed, width=400), until=stop)
    )
    try:
        for _ in range(100):
            if "Bảng theo dõi: http://" in printed.getvalue():
                break
            await asyncio.sleep(0.05)
        said = printed.getvalue()
        assert f"🌐 Bảng theo dõi: http://127.0.0.1:{port}/" in said
        office_link = re.search(r"Văn phòng Sở .*?: (http://\S+)", said)
        assert office_link is not None, said
        # A cookie from an IP address: aiohttp keeps it only when told to (browsers do).
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            token = office_link.group(1).split("t=")[1]
            signed = await client.post(f"http://127.0.0.1:{port}/auth/link", data={"t": token})
            page = await signed.text()
            assert signed.status == 200 and "Tổng quan — Toàn Sở" in page
            assert "496/KH-SGDĐT" in page
    finally:
        stop.set()
        links = await serving
    assert len(links) == 2  # the office and a unit head
