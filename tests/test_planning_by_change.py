"""Between the regular whole passes, the sender plans only what changed — a head linking, a
timeline corrected, a plan imported, an answer, a unit closed, a group linked — and adds
exactly the rows a whole pass would have added: a whole pass run right after it finds
nothing left to do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Settings
from db import changes
from db.models import Assignment, GroupChat, Member, Reminder, Role, Status, Task, Unit
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from duties.actions import record
from jobs import outbox
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.test_plan_text import SEED_000, SEEDS

OFFICE = 9000
# Friday 20/12/2024, 09:00 in Hà Nội: seed 000's Q4 deadlines are days away.
NOW = datetime(2024, 12, 20, 2, 0, tzinfo=UTC)


def seed_004() -> str:
    found = sorted(SEEDS.glob("004_*.txt"))
    return found[0].read_text(encoding="utf-8")


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, office_admins=frozenset({OFFICE}))


def head(session: Session, code: str, user: int) -> None:
    unit = unit_by_code(session, code)
    assert unit is not None
    session.add(Member(unit_id=unit.id, telegram_user_id=user, chat_id=user, role=Role.HEAD,
                       full_name=f"Hiệu trưởng {code}", linked_at=NOW))  # fmt: skip


def assigned(session: Session) -> list[str]:
    """The codes of the units seed 000 assigns something, in a fixed order."""
    return list(session.scalars(
        select(Unit.code).join(Assignment, Assignment.unit_id == Unit.id).distinct()
        .order_by(Unit.code)
    ))  # fmt: skip


def a_head_links(session: Session) -> None:
    linked = set(session.scalars(select(Member.unit_id)))
    code = next(c for c in assigned(session) if unit_by_code(session, c).id not in linked)
    head(session, code, 7001)


def someone_at_the_units_above_links(session: Session) -> None:
    """The schools' late duties are escalated to the people of the unit above them."""
    head(session, "SGDDT", 7003)


def a_timeline_is_corrected(session: Session) -> None:
    task = session.scalars(select(Task).order_by(Task.id)).first()
    assert task is not None
    task.timeline_text = "Trước ngày 24/12/2024"


def a_plan_is_imported(session: Session) -> None:
    # Seed 000 once more, as another plan (its deadlines are days away; seed 004's are not).
    save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91-lan-2.txt", "h2",
              date(2024, 10, 1))  # fmt: skip
    save_plan(session, parse_plan_text(seed_004(), date(2025, 1, 24)), "kh496.txt", "h496",
              date(2024, 12, 20))  # fmt: skip


def reminded(session: Session) -> Reminder:
    """The first reminder in the outbox of a duty of a unit with no units under it."""
    parents = select(Unit.parent_id).where(Unit.parent_id.is_not(None))
    row = session.scalars(
        select(Reminder).where(Reminder.unit_id.is_not(None), Reminder.occurrence_id.is_not(None),
                               Reminder.unit_id.not_in(parents))
        .order_by(Reminder.send_at, Reminder.id)
    ).first()  # fmt: skip
    assert row is not None and row.occurrence_id is not None and row.unit_id is not None
    return row


def a_unit_answers(session: Session) -> None:
    row = reminded(session)
    record(session, (row.occurrence_id, row.unit_id), None, Status.IN_PROGRESS, NOW)  # type: ignore[arg-type]


def a_unit_closes(session: Session) -> None:
    unit = unit_by_code(session, assigned(session)[0])
    assert unit is not None
    unit.active = False


def a_units_group_is_linked(session: Session) -> None:
    unit_id = reminded(session).unit_id
    session.add(GroupChat(chat_id=-100_555, unit_id=unit_id, title="Nhóm trường", linked_at=NOW))


def an_office_member_links(session: Session) -> None:
    session.add(Member(unit_id=None, telegram_user_id=7002, chat_id=7002, role=Role.OFFICE,
                       full_name="Chuyên viên Văn phòng", linked_at=NOW))  # fmt: skip


CHANGES: dict[str, Callable[[Session], None]] = {
    "a head links": a_head_links,
    "someone at the unit above links": someone_at_the_units_above_links,
    "a timeline is corrected": a_timeline_is_corrected,
    "a plan is imported": a_plan_is_imported,
    "a unit answers": a_unit_answers,
    "a unit closes": a_unit_closes,
    "a unit's group is linked": a_units_group_is_linked,
    "an office member links": an_office_member_links,
}
ADDS_ROWS = set(CHANGES) - {"a unit closes"}  # a closed unit is simply not reminded


@pytest.mark.parametrize("change", list(CHANGES))
def test_planning_only_what_changed_adds_what_a_whole_pass_would(sessions, settings, change):
    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_000, date(2024, 10, 1)), "kh91.txt", "h",
                  date(2024, 10, 1))  # fmt: skip
        for user, code in enumerate(assigned(session)[2:8], start=6001):
            head(session, code, user)
        # One of the schools' duties fell due ten days ago: reminded every few working days.
        school_task = session.scalars(
            select(Task).join(Assignment).join(Unit, Assignment.unit_id == Unit.id)
            .where(Unit.code == "THPT-ANDUONG").order_by(Task.id)
        ).first()  # fmt: skip
        assert school_task is not None
        school_task.timeline_text = "Trước ngày 10/12/2024"
    with session_scope(sessions) as session:
        whole = outbox.sync(session, settings, NOW)
        seen = changes.seen(session)
        changes.prune(session, seen[0])
    assert whole.added > 0

    with session_scope(sessions) as session:
        CHANGES[change](session)
    with session_scope(sessions) as session:
        scope = changes.scope_since(session, seen)
        before = session.scalar(select(func.count()).select_from(Reminder))
        by_change = outbox.sync(session, settings, NOW, scope=scope)
    with session_scope(sessions) as session:
        after = outbox.sync(session, settings, NOW)  # a whole pass, at the same moment

    assert (after.added, after.skipped, after.caught_up, after.late) == (0, 0, 0, 0), (
        f"{change}: the pass by change missed what a whole pass adds"
    )
    if change == "an office member links":
        assert scope is None  # told of every unit's escalations: everything is planned
    elif change == "someone at the unit above links":
        with sessions() as session:
            the_so = unit_by_code(session, "SGDDT")
            assert the_so is not None and scope == changes.Scope(units=frozenset({the_so.id}))
    else:
        assert scope is not None and by_change.planned < after.planned, "not planned by change"
    if change in ADDS_ROWS:
        assert by_change.added + by_change.skipped > 0, f"{change}: nothing new to plan?"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) >= before
