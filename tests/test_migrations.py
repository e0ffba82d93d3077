"""The schema is created by migrations, and the bot will not run on an old one."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from cli.main import app
from db.models import Base
from db.schema import (
    SchemaOutOfDate,
    current_revision,
    downgrade,
    ensure_current,
    head_revision,
    upgrade,
)
from db.session import make_engine


def test_migrations_take_an_empty_database_to_head_and_back(db_url):
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        with pytest.raises(SchemaOutOfDate, match="nhacviec db upgrade"):
            ensure_current(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        ensure_current(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_db_upgrade_command_then_check(monkeypatch, tmp_path, db_url):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url}
    assert runner.invoke(app, ["db", "check"], env=env).exit_code == 2
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert head_revision() in result.output
    assert runner.invoke(app, ["db", "check"], env=env).exit_code == 0


def test_run_refuses_an_out_of_date_schema_and_names_the_command(monkeypatch, tmp_path, db_url):
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": "123456:emulator-test-token"}
    result = CliRunner().invoke(app, ["run"], env=env)
    assert result.exit_code == 2
    assert "nhacviec db upgrade" in result.output


def test_an_occurrences_kind_is_filled_in_for_rows_made_before_it_was_stored(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO plan (id, number, issuer, title, source_name, source_hash,"
                " imported_at, policy, details) VALUES (1, '1/KH', 'Sở', 'Kế hoạch', 'a.txt',"
                " 'x', '2025-01-24 00:00:00+00:00', '{}', '{}')"
            ))  # fmt: skip
            for task_id, kind in ((1, "once"), (2, "event")):
                connection.execute(text(
                    "INSERT INTO task (id, plan_id, ref, section_ref, title, kind, lead_text,"
                    " coordinators_text, timeline_text, timeline, policy, position, active)"
                    f" VALUES ({task_id}, 1, 'T{task_id}', '', 't', 'task', '', '', 'x',"
                    f" '{{\"kind\": \"{kind}\"}}', '{{}}', {task_id}, true)"
                ))  # fmt: skip
            for i, (task_id, key) in enumerate(
                ((1, "once"), (1, "checkin-2025-03"), (2, "once"), (2, "checkin-2025-02")), 1
            ):
                connection.execute(text(
                    "INSERT INTO occurrence (id, task_id, period_key, due_at) VALUES"
                    f" ({i}, {task_id}, '{key}', '2025-02-06 07:00:00+00:00')"
                ))  # fmt: skip
        upgrade(engine)
        with engine.connect() as connection:
            kinds = connection.execute(text("SELECT id, kind FROM occurrence ORDER BY id")).all()
        assert [k for _, k in kinds] == ["deadline", "checkin", "event", "checkin"]
    finally:
        downgrade(engine, "base")
        engine.dispose()


def test_postgresql_plans_each_execution_for_its_own_values():
    # A generic plan (psycopg prepares what a connection repeats) cannot hash the outbox's
    # `key IN (1,000 parameters)`: a planning pass at 5,000 units took 515 s instead of 11
    # (bench/planning.py --shared). Every connection the engine opens plans each execution.
    from tests.conftest import POSTGRES_URL, require_postgres

    require_postgres()
    engine = make_engine(POSTGRES_URL)
    for _ in range(2):  # a new connection of the pool, and the same one again
        with engine.connect() as connection:
            assert connection.execute(text("SHOW plan_cache_mode")).scalar() == (
                "force_custom_plan"
            )
    engine.dispose()
