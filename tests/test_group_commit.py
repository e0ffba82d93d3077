"""Answers that arrive together are stored in one transaction; each caller hears back only
after the commit, and one bad answer fails alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from db.group_commit import GroupCommit
from db.models import AuditLog

NOW = datetime(2025, 3, 5, 3, 0, tzinfo=UTC)


def note(session, text: str) -> str:  # type: ignore[no-untyped-def]
    """The work: one row written; a text saying "hỏng" is an answer that cannot be stored."""
    if "hỏng" in text:
        raise ValueError(f"không lưu được {text!r}")
    session.add(AuditLog(at=NOW, actor_user_id=1, action=text, allowed=True, detail={}))
    session.flush()
    return f"đã lưu {text}"


def stored(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return sorted(session.scalars(select(AuditLog.action)))


async def test_answers_arriving_together_share_one_commit_and_each_caller_hears_back(sessions):
    group = GroupCommit(sessions, note)
    seen_when_told: list[int] = []

    async def answer(text: str) -> str:
        result = await group.submit(text)
        with sessions() as session:  # told only once it is in the database
            seen_when_told.append(session.scalar(select(func.count()).select_from(AuditLog)))
        return result

    results = await asyncio.gather(*(answer(f"đơn vị {i}") for i in range(50)))
    assert results == [f"đã lưu đơn vị {i}" for i in range(50)]
    assert group.batches == 1
    assert min(seen_when_told) == 50
    assert len(stored(sessions)) == 50


async def test_a_full_group_goes_at_once_without_waiting_for_company(sessions):
    group = GroupCommit(sessions, note, window=3600, most=3)  # an hour: only a full group goes
    done = asyncio.gather(*(group.submit(t) for t in ("một", "hai", "ba")))
    assert await asyncio.wait_for(done, timeout=10) == ["đã lưu một", "đã lưu hai", "đã lưu ba"]
    assert group.batches == 1


async def test_answers_one_after_another_are_separate_commits(sessions):
    group = GroupCommit(sessions, note)
    assert await group.submit("một") == "đã lưu một"
    assert await group.submit("hai") == "đã lưu hai"
    assert group.batches == 2
    assert stored(sessions) == ["hai", "một"]


async def test_one_bad_answer_fails_alone_and_the_others_are_stored(sessions):
    group = GroupCommit(sessions, note)
    texts = ["a", "b", "hỏng", "c"]
    results = await asyncio.gather(*(group.submit(t) for t in texts), return_exceptions=True)
    assert results[:2] == ["đã lưu a", "đã lưu b"] and results[3] == "đã lưu c"
    assert isinstance(results[2], ValueError) and "hỏng" in str(results[2])
    assert stored(sessions) == ["a", "b", "c"]


async def test_a_database_that_fails_tells_every_caller_and_stores_nothing(sessions):
    def broken(session, text: str) -> str:  # type: ignore[no-untyped-def]
        session.add(AuditLog(at=NOW, actor_user_id=1, action=text, allowed=True, detail={}))
        session.flush()
        raise RuntimeError("máy chủ CSDL không trả lời")

    group = GroupCommit(sessions, broken)
    results = await asyncio.gather(*(group.submit(t) for t in "xyz"), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert stored(sessions) == []


async def test_a_caller_that_gave_up_does_not_stop_the_others(sessions):
    group = GroupCommit(sessions, note)
    gone = asyncio.ensure_future(group.submit("bỏ đi"))
    kept = asyncio.ensure_future(group.submit("ở lại"))
    await asyncio.sleep(0)  # both submitted, the flush not yet run
    gone.cancel()
    assert await kept == "đã lưu ở lại"
    with pytest.raises(asyncio.CancelledError):
        await gone
    # The commit had already been asked for; the answer is stored even so.
    assert stored(sessions) == ["bỏ đi", "ở lại"]
