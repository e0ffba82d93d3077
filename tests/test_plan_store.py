"""The office applies a plan: it is saved once, re-imported in place, answers kept."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from db.models import (
    Assignment,
    AssignmentRole,
    FormDefinition,
    Occurrence,
    Plan,
    Response,
    Status,
    Task,
    TaskKind,
    Unit,
    utcnow,
)
from db.registry import import_sample
from db.session import session_scope
from plans.matching import Registry, remember
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.test_plan_text import SEED_000, SEED_004, SEEDS

TODAY = date(2025, 1, 10)


@pytest.fixture
def registry(sessions):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        import_sample(session)
    return sessions


def apply(sessions, text: str, name: str = "plan.txt"):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        return save_plan(session, parse_plan_text(text, TODAY), name, str(hash(text)), TODAY)


def assigned(sessions, ref: str) -> dict[str, AssignmentRole]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        rows = session.execute(
            select(Unit.code, Assignment.role)
            .join(Assignment, Assignment.unit_id == Unit.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.ref == ref)
        ).all()
    return dict(rows)


@pytest.mark.parametrize(
    ("name", "kind", "count"),
    [
        ("Các trường THPT, PT nhiều cấp", "group", 19),
        ("Truong THPT, PT nhieu cap", "group", 19),
        ("Các phòng GDĐT quận/huyện", "group", 14),
        ("Trung tâm GDNN-GDTX quận, huyện", "group", 3),
        ("Đơn vị trực thuộc", "group", 3),
        ("Các phòng CMNV Sở GDĐT", "group", 6),
        ("Sở Giáo dục và Đào tạo", "unit", 1),
        ("Trường Trung học phổ thông Ngô Quyền", "unit", 1),
        ("Sở Xây dựng", "external", 0),
        ("UBND quận huyện", "external", 0),
        ("Trường Đại học Hải Phòng", "external", 0),
        ("Các quận, huyện", "unmatched", 0),
    ],
)
def test_names_in_plans_meet_the_registry(registry, name, kind, count):
    with registry() as session:
        match = Registry(session).match(name)
    assert (match.kind, len(match.unit_codes)) == (kind, count)


def test_the_conference_plan_is_saved_with_its_deadline_event_and_form(registry):
    result = apply(registry, SEED_004)
    # The deadline, the conference, and the eight duties of section IV (due by the conference).
    assert result.created and result.tasks_added == 10
    assert result.unmatched == ["Các quận, huyện", "Trưởng các phòng cơ quan Sở",
                                "Cổng thông tin điện tử Sở"]  # fmt: skip
    with registry() as session:
        plan = session.scalars(select(Plan)).one()
        assert (plan.number, plan.issued_on) == ("496/KH-SGDĐT", date(2025, 1, 24))
        tasks = {t.ref: t for t in session.scalars(select(Task))}
        assert tasks["D1"].kind == TaskKind.DEADLINE and tasks["E1"].kind == TaskKind.EVENT
        assert tasks["D1"].timeline["due"] == "2024-02-04"
        assert tasks["E1"].timeline["start"] == "2025-02-06T14:00:00"
        form = session.scalars(select(FormDefinition)).one()
        assert form.task_id == tasks["D1"].id
        assert [f["type"] for f in form.fields["fields"]] == ["number", "text", "text", "number"]
    event_units = assigned(registry, "E1")
    assert "THPT-NGOQUYEN" in event_units and "PGD-NGOQUYEN" in event_units
    assert assigned(registry, "D1") == {}


def test_a_name_mapped_once_assigns_the_districts_on_the_next_import(registry):
    apply(registry, SEED_004)
    with session_scope(registry) as session:
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    result = apply(registry, SEED_004)
    # Only the deadline changed (it now has units); the rest stayed as it was.
    assert not result.created and (result.tasks_updated, result.tasks_unchanged) == (1, 9)
    district_offices = assigned(registry, "D1")
    assert len(district_offices) == 14
    assert set(district_offices.values()) == {AssignmentRole.LEAD}


def test_reimporting_keeps_the_answers_already_collected(registry):
    apply(registry, SEED_004)
    with session_scope(registry) as session:
        task = session.scalar(select(Task).where(Task.ref == "E1"))
        unit = session.scalar(select(Unit).where(Unit.code == "THPT-NGOQUYEN"))
        occurrence = Occurrence(task_id=task.id, period_key="once", due_at=utcnow())
        session.add(occurrence)
        session.flush()
        session.add(Response(occurrence_id=occurrence.id, unit_id=unit.id, status=Status.DONE))
        task_id = task.id
    apply(registry, SEED_004)
    with registry() as session:
        assert session.scalar(select(func.count(Plan.id))) == 1
        assert session.scalar(select(Task.id).where(Task.ref == "E1")) == task_id
        assert session.scalar(select(func.count(Response.id))) == 1


def test_a_task_that_left_the_plan_is_deactivated_not_deleted(registry):
    numbered = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 123/KH-SGDĐT\n" + SEED_000
    apply(registry, numbered, "kh91.txt")
    shorter = numbered.replace("2.9 \n", "Z \n", 1)  # task 2.9's reference no longer reads
    result = apply(registry, shorter, "kh91-v2.txt")
    assert not result.created  # the same number: the same plan
    assert result.tasks_deactivated == 1
    with registry() as session:
        gone = session.scalar(select(Task).where(Task.ref == "2.9"))
        assert gone is not None and not gone.active


def test_a_plan_without_a_number_is_found_again_by_its_file(registry):
    apply(registry, SEED_000, "kh91.txt")
    again = apply(registry, SEED_000, "kh91 (copy).txt")
    # The same plan again: nothing changed, and the office is told so.
    assert not again.created and again.tasks_updated == 0 and again.tasks_unchanged == 16


def test_the_department_leads_its_own_tasks_in_seed_000(registry):
    result = apply(registry, SEED_000, "kh91.txt")
    assert result.tasks_added == 11 + 5  # the appendix, and section III unit by unit
    assert assigned(registry, "2.1") == {"SGDDT": AssignmentRole.LEAD}
    # "Các trường THPT, đơn vị trực thuộc … thực hiện chế độ báo cáo … theo quy định": every
    # upper-secondary school of the registry leads its report, on the regime's cycle.
    schools = assigned(registry, "III.2.2")
    assert "THPT-NGOQUYEN" in schools and set(schools.values()) == {AssignmentRole.LEAD}
    assert assigned(registry, "2.5") == {}
    assert "Sở Xây dựng" in result.external and "UBND quận huyện" in result.external


def test_plan_import_apply_and_map_from_the_command_line(engine, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url}
    runner = CliRunner()
    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    plan = tmp_path / "kh496.txt"
    plan.write_text((SEEDS / "004_66d166af538caf9b.txt").read_text(encoding="utf-8"))
    first = runner.invoke(app, ["plan", "import", str(plan), "--apply"], env=env)
    assert first.exit_code == 0, first.output
    assert "Created plan #" in first.output and 'plan map "Các quận, huyện"' in first.output
    mapped = runner.invoke(
        app, ["plan", "map", "Các quận, huyện", "--group", "Các phòng GDĐT quận huyện"], env=env
    )
    assert mapped.exit_code == 0, mapped.output
    second = runner.invoke(app, ["plan", "import", str(plan), "--apply"], env=env)
    assert "Updated plan #" in second.output and "Các quận, huyện" not in second.output
    bad = runner.invoke(app, ["plan", "map", "X", "--group", "No such group"], env=env)
    assert bad.exit_code == 2 and "no group named" in bad.output


def test_the_office_corrects_seed_004s_mistyped_year_before_saving():
    from plans.corrections import correct_timelines, rows

    doc = parse_plan_text(SEED_004, TODAY)
    deadline = next(r for r in rows(doc) if r.kind == "deadline")
    assert "05/02/2024" in deadline.reading.text and deadline.reading.timeline.warnings
    fixed, errors = correct_timelines(doc, {deadline.ref: "trước ngày 05/02/2025"}, TODAY)
    assert errors == {}
    read = next(r for r in rows(fixed) if r.ref == deadline.ref).reading
    assert read.timeline.due.isoformat().startswith("2025-02-04") and not read.timeline.warnings
    assert rows(doc)[0] == rows(fixed)[0]  # the rest as read
    # A correction that cannot be read changes nothing and says why, by row.
    same, errors = correct_timelines(doc, {deadline.ref: "khi nào xong"}, TODAY)
    assert same is doc and set(errors) == {deadline.ref}
    assert correct_timelines(doc, {deadline.ref: "  "}, TODAY)[1] == {
        deadline.ref: "Chưa ghi thời gian."
    }
