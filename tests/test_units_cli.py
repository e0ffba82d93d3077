"""The office keeps its unit registry with `nhacviec units …`."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from db.models import Invite, Unit
from db.registry import SAMPLE_REGISTRY, RegistryError, parse_rows
from emulator import EmulatorServer
from tests.conftest import BOT_TOKEN

runner = CliRunner()


@pytest.fixture
def env(engine, db_url, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    return {"DATABASE_URL": db_url}


def units_in(engine) -> dict[str, Unit]:  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        return {u.code: u for u in session.scalars(select(Unit))}


def test_preview_saves_nothing_and_apply_saves_everything_once(env, engine):
    preview = runner.invoke(app, ["units", "import", "--sample"], env=env)
    assert preview.exit_code == 0, preview.output
    assert "Would save: 46 new" in preview.output
    assert units_in(engine) == {}

    applied = runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    assert "Saved: 46 new, 0 updated, 0 unchanged." in applied.output
    units = units_in(engine)
    assert units["THPT-NGOQUYEN"].district == "Ngô Quyền"
    assert units["VP"].extra == {"phone": "0225 3841 001"}

    again = runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    assert "Saved: 0 new, 0 updated, 46 unchanged." in again.output


def test_a_changed_row_is_updated_by_code(env, engine, tmp_path):
    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "code,name,kind,district,parent,groups\n"
        "THPT-NGOQUYEN,Trường THPT Ngô Quyền (cơ sở 2),Trường THPT,Ngô Quyền,SGDDT,"
        "Các trường THPT PT nhiều cấp;Trường điểm\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["units", "import", str(changed), "--apply"], env=env)
    assert "0 new, 1 updated" in result.output
    unit = units_in(engine)["THPT-NGOQUYEN"]
    assert unit.name.endswith("(cơ sở 2)")


def test_the_preview_names_the_fields_that_change(engine):
    from sqlalchemy.orm import Session

    from db.registry import apply_import, preview_import, read_units_file

    rows = read_units_file(SAMPLE_REGISTRY)
    with Session(engine) as session:
        apply_import(session, rows)
        session.commit()
        changed = next(r for r in rows if r.code == "THPT-NGOQUYEN")
        changed = type(changed)(**{**changed.__dict__, "name": "Mới", "groups": ("X",)})
        preview = preview_import(session, [changed])
    assert [(row.code, fields) for row, fields in preview.changed] == [
        ("THPT-NGOQUYEN", ["name", "groups"])
    ]


def test_a_bad_file_names_line_and_column_and_saves_nothing(env, engine, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,kind,district,parent,groups\n"
        "A1,Trường A,Trường THPT,,,\n"
        ",Trường B,,,,\n"
        "C 3,Trường C,,,,\n"
        "A1,,,,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["units", "import", str(bad), "--apply"], env=env)
    assert result.exit_code == 2
    assert "Nothing was saved" in result.output
    for expected in (
        "line 3, column 'code': empty",
        "line 4, column 'code': 'C 3' may use only",
        "line 5, column 'code': 'A1' repeats line 2",
        "line 5, column 'name': empty",
    ):
        assert expected in result.output
    assert units_in(engine) == {}


def test_an_unknown_parent_and_a_parent_loop_are_refused(env, engine, tmp_path):
    bad = tmp_path / "parents.csv"
    bad.write_text(
        "code,name,parent\nA,Trường A,B\nB,Trường B,A\nC,Trường C,NOPE\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["units", "import", str(bad), "--apply"], env=env)
    assert result.exit_code == 2
    assert "line 4, column 'parent': no unit with code 'NOPE'" in result.output
    assert "loop" in result.output
    assert units_in(engine) == {}


def test_an_xlsx_registry_with_extra_columns(env, engine, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "kind", "district", "parent", "groups", "email"])
    sheet.append(["PGD-X", "Phòng GDĐT huyện X", "Phòng GDĐT quận/huyện", "X", None,
                  "Các phòng GDĐT quận huyện", "pgdx@example.org"])  # fmt: skip
    sheet.append(["THPT-X", "Trường THPT X", "Trường THPT", "X", "PGD-X", "A;B", None])
    path = tmp_path / "donvi.xlsx"
    book.save(path)
    result = runner.invoke(app, ["units", "import", str(path), "--apply"], env=env)
    assert "Saved: 2 new" in result.output, result.output
    units = units_in(engine)
    assert units["PGD-X"].extra == {"email": "pgdx@example.org"}


def test_a_damaged_xlsx_is_a_clear_message(env, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = runner.invoke(app, ["units", "import", str(path)], env=env)
    assert result.exit_code == 2
    assert "not a readable XLSX file" in result.output


def test_list_edit_deactivate(env, engine):
    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    listed = runner.invoke(app, ["units", "list"], env=env)
    assert "46 units; 46 with no active member nor group" in listed.output
    runner.invoke(app, ["units", "edit", "THPT-DOSON", "--name", "Trường THPT Đồ Sơn mới"], env=env)
    assert units_in(engine)["THPT-DOSON"].name == "Trường THPT Đồ Sơn mới"
    assert runner.invoke(app, ["units", "deactivate", "THPT-DOSON"], env=env).exit_code == 0
    assert not units_in(engine)["THPT-DOSON"].active
    assert "45 units" in runner.invoke(app, ["units", "list"], env=env).output
    missing = runner.invoke(app, ["units", "edit", "NOPE", "--name", "x"], env=env)
    assert missing.exit_code == 2 and "no unit with code 'NOPE'" in missing.output


def test_invite_prints_the_link_alone_on_its_last_line(env, engine):
    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    result = runner.invoke(
        app, ["units", "invite", "THPT-NGOQUYEN", "--bot-username", "nhacviec_bot"], env=env
    )
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"https://t\.me/nhacviec_bot\?start=[A-Za-z0-9_-]{24}", last)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        stored = session.scalars(select(Invite)).one()
    assert last.split("=", 1)[1] not in stored.token_hash


def test_invite_asks_the_bot_api_for_the_username(env, engine):
    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    loop = asyncio.new_event_loop()
    server = EmulatorServer()
    loop.run_until_complete(server.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        result = runner.invoke(
            app,
            ["units", "invite", "VP", "--role", "office"],
            env={**env, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": server.base_url},
        )
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("https://t.me/nhacviec_bot?start=")


def test_the_sample_registry_is_valid_and_covers_every_kind():
    from db.registry import read_units_file

    rows = read_units_file(SAMPLE_REGISTRY)
    kinds = {r.kind for r in rows}
    assert {"Trường THPT", "Trường PT nhiều cấp", "Phòng GDĐT quận/huyện", "TT GDNN-GDTX",
            "Đơn vị trực thuộc", "Phòng chuyên môn của Sở"} <= kinds  # fmt: skip
    groups = {g for r in rows for g in r.groups}
    assert "Các trường THPT PT nhiều cấp" in groups and "Đơn vị trực thuộc" in groups


def test_a_header_without_code_is_refused():
    with pytest.raises(RegistryError, match="column 'code' is missing"):
        parse_rows([["ten", "name"], ["x", "y"]])


def test_one_command_invites_every_school_of_a_group_and_writes_a_printable_sheet(
    env, engine, tmp_path
):
    from openpyxl import load_workbook
    from sqlalchemy.orm import Session

    from db.models import Member

    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    with Session(engine) as session:  # one school already has its head
        school = session.scalars(select(Unit).where(Unit.code == "THPT-NGOQUYEN")).one()
        session.add(Member(unit_id=school.id, telegram_user_id=7, chat_id=7, full_name="Hà"))
        session.commit()
    args = ["units", "invite", "--group", "các trường THPT, PT nhiều cấp", "--only-unlinked",
            "--sheet", "moi-thpt.xlsx", "--bot-username", "nhacviec_bot"]  # fmt: skip
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "18 invitations made, one per unit" in result.output
    book = load_workbook(tmp_path / "moi-thpt.xlsx")
    sheet = book.active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(rows) == 18 and "THPT-NGOQUYEN" not in {r[1] for r in rows}
    assert all(re.fullmatch(r"https://t\.me/nhacviec_bot\?start=[\w-]{24}", r[4]) for r in rows)
    assert len(sheet._images) == 18  # a QR code per unit
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    with Session(engine) as session:
        assert len(session.scalars(select(Invite)).all()) == 18
    # Every link works once: the tokens are distinct.
    assert len({r[4] for r in rows}) == 18
    # A link from the sheet links its unit's head.
    from datetime import UTC, datetime

    from db.invites import Person, redeem

    with Session(engine) as session:
        member = redeem(session, rows[0][4].split("=", 1)[1], Person(8, 8, "Lan"),
                        datetime.now(UTC))  # fmt: skip
        session.commit()
        assert member.unit_id == units_in(engine)[rows[0][1]].id
    listed = runner.invoke(app, ["units", "list"], env=env)
    assert "linked" in listed.output
    # Every unit at once: one link each for the 44 still unlinked (of 46).
    args = ["units", "invite", "--all", "--only-unlinked", "--sheet", "moi-tat-ca.xlsx",
            "--bot-username", "nhacviec_bot"]  # fmt: skip
    every = runner.invoke(app, args, env=env)
    assert every.exit_code == 0 and "44 invitations made" in every.output


def test_bulk_invitation_mistakes_are_one_line_each(env, engine):
    runner.invoke(app, ["units", "import", "--sample", "--apply"], env=env)
    base = ["units", "invite", "--bot-username", "b"]
    both = runner.invoke(app, [*base, "VP", "--all"], env=env)
    assert both.exit_code == 2 and "one of them" in both.output
    unknown = runner.invoke(app, [*base, "--group", "Các trường mầm non"], env=env)
    assert unknown.exit_code == 2 and "no group named" in unknown.output
    csv_sheet = runner.invoke(app, [*base, "--all", "--sheet", "x.csv"], env=env)
    assert csv_sheet.exit_code == 2 and ".xlsx" in csv_sheet.output
    assert "Traceback" not in both.output + unknown.output + csv_sheet.output


def test_the_registry_reads_the_column_names_offices_write(tmp_path):
    rows = parse_rows([
        ["Mã", "Tên đơn vị", "Loại hình", "Quận/huyện", "Đơn vị cấp trên", "Nhóm", "Điện thoại"],
        ["THPT-A", "Trường THPT A", "Trường THPT", "Ngô Quyền", "", "Các trường THPT", "0225"],
    ])  # fmt: skip
    [row] = rows
    assert (row.code, row.name, row.kind, row.district) == (
        "THPT-A",
        "Trường THPT A",
        "Trường THPT",
        "Ngô Quyền",
    )
    assert row.groups == ("Các trường THPT",) and row.extra.get("phone") == "0225"
