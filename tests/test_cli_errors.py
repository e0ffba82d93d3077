"""A mistake on the command line is one line that names what to fix, and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from db.registry import import_sample
from db.session import session_scope
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.conftest import POSTGRES_URL, require_postgres
from tests.test_plan_text import SEED_004

ROOT = Path(__file__).resolve().parent.parent


def nhacviec(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command as a person runs it (its own process: no test runner between)."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_database_mistakes_are_one_line(tmp_path):
    unreachable = one_line(nhacviec("units", "list", cwd=tmp_path, env={
        "DATABASE_URL": "postgresql+psycopg://nhacviec@127.0.0.1:1/nhacviec"}))  # fmt: skip
    assert "Cannot reach the database server" in unreachable and "DATABASE_URL" in unreachable
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    folder = one_line(nhacviec("units", "list", cwd=tmp_path, env={
        "DATABASE_URL": f"sqlite:///{blocked}/nhacviec.sqlite3"}))  # fmt: skip
    assert "a-file" in folder


def test_a_database_that_does_not_exist_is_named(tmp_path):
    require_postgres()
    base = POSTGRES_URL.rsplit("/", 1)[0]
    line = one_line(nhacviec("units", "list", cwd=tmp_path,
                             env={"DATABASE_URL": f"{base}/no_such_database"}))  # fmt: skip
    assert "no_such_database" in line and "DATABASE_URL" in line


def test_a_mistyped_plan_number_suggests_the_nearest(sessions, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with session_scope(sessions) as session:
        import_sample(session)
        save_plan(session, parse_plan_text(SEED_004, date(2025, 1, 24)), "kh.txt", "h",
                  date(2025, 1, 24))  # fmt: skip
    env = {"DATABASE_URL": db_url}
    runner = CliRunner()
    typo = runner.invoke(app, ["report", "export", "496/KH-SGDDT"], env=env)
    assert typo.exit_code == 2 and "did you mean 496/KH-SGDĐT?" in typo.output
    slip = runner.invoke(app, ["report", "export", "469/KH-SGDĐT"], env=env)
    assert slip.exit_code == 2 and "did you mean 496/KH-SGDĐT?" in slip.output
    as_csv = runner.invoke(app, ["report", "export", "496/KH-SGDĐT", "--out", "x.csv"], env=env)
    assert as_csv.exit_code == 0, as_csv.output
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig").startswith("Kế hoạch,Nhiệm vụ")
    refused = runner.invoke(app, ["report", "export", "496/KH-SGDĐT", "--out", "x.txt"], env=env)
    assert (
        refused.exit_code == 2 and ".xlsx" in refused.output and not (tmp_path / "x.txt").exists()
    )
    ics = runner.invoke(app, ["report", "calendar", "--out", "x.xlsx"], env=env)
    assert ics.exit_code == 2 and ".ics" in ics.output


def test_a_sqlite_file_locked_by_another_process_is_one_line(tmp_path):
    import sqlite3

    from db.schema import upgrade
    from db.session import make_engine

    path = tmp_path / "nhacviec.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    holder = sqlite3.connect(path, timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of writing
    try:
        line = one_line(nhacviec("units", "import", "--sample", "--apply", cwd=tmp_path,
                                 env={"DATABASE_URL": f"sqlite:///{path}"}))  # fmt: skip
    finally:
        holder.rollback()
        holder.close()
    assert "locked by another process" in line
