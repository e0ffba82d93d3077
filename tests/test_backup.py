"""The office backs up while the bot works, restores once, and moves from SQLite to PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from db.backup import BackupError, backup, copy_database, inspect_backup, restore, restore_plan
from db.models import AuditLog, Plan, Task, Unit
from db.registry import import_sample
from db.schema import head_revision, upgrade
from db.session import make_engine, make_session_factory, session_scope
from plans.store import save_plan
from plans.text import parse_plan_text
from tests.conftest import POSTGRES_URL, require_postgres
from tests.test_plan_text import SEED_004


def filled(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        import_sample(session)
        doc = parse_plan_text(SEED_004, date(2025, 1, 24))
        save_plan(session, doc, "kh496.txt", "h", date(2025, 1, 24))
    engine.dispose()


def count(url: str, model) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_a_backup_taken_while_the_bot_writes_is_whole_and_restores(db_url, tmp_path):
    filled(db_url)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    stop = threading.Event()

    def write() -> None:  # the bot at work meanwhile
        n = 0
        while not stop.is_set():
            with session_scope(sessions) as session:
                session.add(AuditLog(action="test_write", detail={"n": n}))
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        held = backup(db_url, tmp_path / "nhacviec.backup")
    finally:
        stop.set()
        writer.join()
    assert held.revision == head_revision() or held.revision is None  # pg: read on restore
    if db_url.startswith("sqlite"):
        check = sqlite3.connect(tmp_path / "nhacviec.backup")
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        check.close()
        assert held.counts["plan"] == 1 and held.counts["unit"] == count(db_url, Unit)
    tasks = count(db_url, Task)

    # Later the plan is lost by mistake; the backup brings it back, and says what it replaces.
    with session_scope(sessions) as session:
        session.query(Task).delete()
        session.query(Plan).delete()
    engine.dispose()
    now, kept = restore_plan(db_url, tmp_path / "nhacviec.backup")
    assert now.counts["plan"] == 0 and kept.revision == head_revision()
    after = restore(db_url, tmp_path / "nhacviec.backup")
    assert after.counts["plan"] == 1 and count(db_url, Task) == tasks
    assert after.revision == head_revision()


def test_a_backup_from_a_newer_nhacviec_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    filled(url)
    backup(url, tmp_path / "old.db")
    newer = sqlite3.connect(tmp_path / "old.db")
    newer.execute("UPDATE alembic_version SET version_num = 'f00dbeef9999'")
    newer.commit()
    newer.close()
    with pytest.raises(BackupError, match="newer version"):
        restore(url, tmp_path / "old.db")
    assert inspect_backup(tmp_path / "old.db").revision == "f00dbeef9999"


def test_the_command_line_says_what_it_replaces_and_asks_for_yes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'data' / 'nhacviec.sqlite3'}"
    filled(url)
    env = {"DATABASE_URL": url}
    runner = CliRunner()
    made = runner.invoke(app, ["db", "backup", "b/one.db"], env=env)
    assert made.exit_code == 0, made.output
    assert "1 plan" in made.output and (tmp_path / "b" / "one.db").is_file()
    again = runner.invoke(app, ["db", "backup", "b/one.db"], env=env)
    assert again.exit_code == 2 and "--force" in again.output
    asked = runner.invoke(app, ["db", "restore", "b/one.db"], env=env)
    assert asked.exit_code == 2 and "The backup:" in asked.output and "--yes" in asked.output
    done = runner.invoke(app, ["db", "restore", "b/one.db", "--yes"], env=env)
    assert done.exit_code == 0 and "Restored" in done.output
    missing = runner.invoke(app, ["db", "restore", "nowhere.db"], env=env)
    assert missing.exit_code == 2 and "No backup file" in missing.output
    assert "Traceback" not in missing.output


def test_copy_moves_every_row_from_sqlite_to_postgresql(tmp_path):
    require_postgres()
    import uuid

    import psycopg

    source_url = f"sqlite:///{tmp_path / 'office.sqlite3'}"
    filled(source_url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    target_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        source, target = make_engine(source_url), make_engine(target_url)
        copied = copy_database(source, target)
        for model in (Unit, Plan, Task):
            assert count(target_url, model) == count(source_url, model) > 0
        assert copied["task"] == count(source_url, Task)
        # A sample compared field by field, and the next id follows the copied ones.
        with source.connect() as a, target.connect() as b:
            query = select(Task.ref, Task.title, Task.timeline_text).order_by(Task.id)
            assert a.execute(query).all() == b.execute(query).all()
        with session_scope(make_session_factory(target)) as session:
            session.add(AuditLog(action="after_copy", detail={}))
        with pytest.raises(BackupError, match="already holds rows"):
            copy_database(source, target)
        source.dispose()
        target.dispose()
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_postgresql_without_its_client_tools_is_one_clear_message(monkeypatch, tmp_path):
    import db.backup

    monkeypatch.setattr(db.backup.shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="postgresql-client"):
        backup(POSTGRES_URL, tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()
    assert Path(tmp_path).is_dir()
