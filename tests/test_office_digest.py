"""The office's morning digest leads with what the office must chase: the units behind, most
behind first — not the dozens of units that owe nothing and have no member yet."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from config import Settings
from db.models import Assignment, AssignmentRole, Occurrence, Plan, Task, Unit
from db.registry import import_sample
from db.session import session_scope
from duties import query
from texts import cards

NOW = datetime(2025, 3, 3, 0, 45, tzinfo=UTC)  # Monday 07:45 in Hà Nội
SCHOOLS = ("THPT-NGOQUYEN", "THPT-TRANPHU", "THPT-LEQUYDON")


def test_three_overdue_schools_lead_the_digest_of_a_registry_of_46_units(sessions):
    tz = Settings().timezone
    with session_scope(sessions) as session:
        import_sample(session)
        units = {u.code: u for u in session.scalars(select(Unit))}
        plan = Plan(number="12/KH-SGDĐT", title="Kiểm tra", policy={}, details={})
        session.add(plan)
        session.flush()
        for ref, day in (("1", 10), ("2", 20)):
            task = Task(plan_id=plan.id, ref=ref, title=f"Báo cáo {ref}", policy={}, timeline={})
            session.add(task)
            session.flush()
            session.add(Occurrence(task_id=task.id, period_key="once",
                                   due_at=datetime(2025, 2, day, 16, 59, tzinfo=UTC)))  # fmt: skip
            for code in SCHOOLS if ref == "1" else SCHOOLS[:1]:
                session.add(Assignment(task_id=task.id, unit_id=units[code].id,
                                       role=AssignmentRole.LEAD))  # fmt: skip
    assert len(units) == 46
    with sessions() as session:
        digest = query.office_digest(session, NOW, tz)
    names = {units[c].name for c in SCHOOLS}
    assert set(digest.units_without_members) == names, "only the units that owe something"

    body = cards.office_digest(digest, NOW, tz, "vi")
    lines = body.splitlines()
    behind = [line for line in lines if "việc quá hạn" in line]
    assert len(behind) == 3 and units["THPT-NGOQUYEN"].name in behind[0], "most behind first"
    assert "2 việc quá hạn, lâu nhất 21 ngày (1, 2)" in behind[0]
    assert lines.index(behind[0]) < next(i for i, x in enumerate(lines) if "người nhận tin" in x)
    assert "mục khác" not in body and "đơn vị khác" not in body
