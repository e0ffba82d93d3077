"""Forms: the seed 004 appendix read as a repeated group, answers checked one at a time, and
forms the office writes in YAML or Excel."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from plans.forms import (
    FormError,
    answer,
    form_from_json,
    infer_groups,
    next_question,
    read_form_file,
    summary,
    write_form_template,
)
from plans.text import parse_plan_text
from tests.test_plan_text import SEED_004


def seed_form():  # type: ignore[no-untyped-def]
    doc = parse_plan_text(SEED_004, date(2025, 1, 24))
    assert doc.form is not None
    return form_from_json(
        doc.form.title, infer_groups([(f.label, f.type) for f in doc.form.fields])
    )


def fill(form, *raws: str):  # type: ignore[no-untyped-def]
    answers: dict = {}
    problems = []
    for raw in raws:
        answers, problem = answer(form, answers, raw)
        problems.append(problem)
    return answers, problems


def test_the_appendix_asks_each_bridge_point_in_turn():
    form = seed_form()
    assert [(f.key, f.type, f.group, f.repeat) for f in form.fields] == [
        ("f1", "number", "", "diem_cau"),
        ("f2", "text", "diem_cau", ""),
        ("f3", "text", "diem_cau", ""),
        ("f4", "number", "diem_cau", ""),
    ]
    answers, problems = fill(form, "2", "A", "B", "10", "C", "D", "1.200")
    assert problems == [None] * 7 and next_question(form, answers) is None
    assert answers["diem_cau"][1] == {"f2": "C", "f3": "D", "f4": 1200}
    assert summary(form, answers)[-1] == ("Số lượng CBQL, GV tại từng điểm cầu (2)", "1200")


def test_bad_answers_are_refused_and_the_question_stays():
    form = seed_form()
    for raw, problem in [("hai", "form.invalid_number"), ("-1", "form.invalid_number"),
                         ("2.5", "form.invalid_number"), ("51", "form.too_many"),
                         ("", "form.invalid_number")]:  # fmt: skip
        answers, problems = fill(form, raw)
        assert problems == [problem] and answers == {}
    answers, problems = fill(form, "1", "   ")
    assert problems == [None, "form.empty"]
    assert next_question(form, answers).field.key == "f2"  # type: ignore[union-attr]


def test_fewer_points_on_a_correction_drop_the_extra_rows():
    form = seed_form()
    answers, _ = fill(form, "2", "A", "B", "1", "C", "D", "2")
    answers = {k: v for k, v in answers.items() if k != "f1"}
    answers, _ = answer(form, answers, "1")
    assert len(answers["diem_cau"]) == 1 and next_question(form, answers) is None


@given(st.lists(st.text(max_size=30), max_size=40))
def test_any_typing_keeps_the_answers_well_formed(raws):  # type: ignore[no-untyped-def]
    form = seed_form()
    answers, _ = fill(form, *raws)
    count = answers.get("f1")
    assert count is None or 0 <= count <= 50
    assert len(answers.get("diem_cau", [])) <= (count or 0)
    summary(form, answers)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ([], "a form needs a list of fields"),
        ([{"key": "a b", "label": "x"}], "key 'a b'"),
        ([{"key": "a", "label": ""}], "a label"),
        ([{"key": "a", "label": "x", "type": "date"}], "type 'date'"),
        ([{"key": "a", "label": "x"}, {"key": "a", "label": "y"}], "share a key"),
        ([{"key": "n", "label": "x", "type": "text", "repeat": "g"},
          {"key": "a", "label": "y", "group": "g"}], "only a number"),
        ([{"key": "a", "label": "y", "group": "g"}], "exactly one number field"),
        ([{"key": "a", "label": "y", "group": "g"},
          {"key": "n", "label": "x", "type": "number", "repeat": "g"}], "asked before"),
    ],
)  # fmt: skip
def test_a_bad_definition_is_named(fields, problem):  # type: ignore[no-untyped-def]
    with pytest.raises(FormError, match=problem):
        form_from_json("t", {"fields": fields})


def test_the_office_writes_a_form_in_yaml_or_excel(tmp_path):
    yaml_file = tmp_path / "form.yaml"
    yaml_file.write_text(
        "title: Đăng ký\nfields:\n"
        "  - {key: n, label: Số phòng, type: number, repeat: phong}\n"
        "  - {key: ten, label: Tên phòng, group: phong}\n",
        encoding="utf-8",
    )
    form = read_form_file(yaml_file)
    assert form.title == "Đăng ký" and [f.key for f in form.fields] == ["n", "ten"]
    template = tmp_path / "bieu-mau.xlsx"
    write_form_template(template)
    from_excel = read_form_file(template)
    assert from_excel.title == "Thông tin về các điểm cầu cơ sở"
    assert from_excel.fields[0].repeat == "diem_cau"
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed", encoding="utf-8")
    with pytest.raises(FormError, match="not readable YAML"):
        read_form_file(broken)
    with pytest.raises(FormError, match=r"\.yaml or \.xlsx"):
        read_form_file(tmp_path / "form.txt")


def test_form_set_and_show_from_the_command_line(sessions, db_url, tmp_path, monkeypatch):
    from db.registry import import_sample
    from db.session import session_scope
    from plans.store import save_plan

    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_004, date(2025, 1, 24)), "kh.txt", "h",
                  date(2025, 1, 24))  # fmt: skip
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url}
    runner = CliRunner()
    assert runner.invoke(app, ["form", "template", "bm.xlsx"], env=env).exit_code == 0
    done = runner.invoke(app, ["form", "set", "496/KH-SGDĐT", "E1", "bm.xlsx"], env=env)
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["form", "show", "496/KH-SGDĐT", "E1"], env=env)
    assert "so_diem_cau" in shown.output and "repeat: diem_cau" in shown.output
    (tmp_path / "bad.yaml").write_text("fields:\n  - {key: a, label: x, type: date}\n")
    bad = runner.invoke(app, ["form", "set", "496/KH-SGDĐT", "E1", "bad.yaml"], env=env)
    assert bad.exit_code == 2 and "Nothing was changed" in bad.output and "date" in bad.output
    still = runner.invoke(app, ["form", "show", "496/KH-SGDĐT", "E1"], env=env)
    assert "so_diem_cau" in still.output
