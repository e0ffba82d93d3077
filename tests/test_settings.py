"""The office configures the bot with a .env file; a mistake is named, never guessed around."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.logs import RedactingFormatter
from cli.main import app
from config import ConfigError, load_settings

TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults_are_those_of_a_vietnamese_office():
    s = load_settings({}, env_file=None)
    assert s.telegram_api_base_url == "https://api.telegram.org/bot"
    assert s.telegram_file_base_url == "https://api.telegram.org/file/bot"
    # A relative SQLite path is read against the working folder (NHACVIEC_HOME unset).
    assert s.database_url == f"sqlite:///{Path.cwd() / 'data' / 'nhacviec.sqlite3'}"
    assert s.timezone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert s.locale == "vi"
    assert s.office_admins == frozenset()
    assert not s.has_token


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nOFFICE_ADMINS=111, 222\nLOCALE=en\nTIMEZONE=UTC\n"
    )
    s = load_settings({"LOCALE": "vi"}, env_file=env_file)
    assert s.telegram_bot_token.reveal() == TOKEN
    assert s.office_admins == frozenset({111, 222})
    assert s.locale == "vi"
    assert s.timezone == ZoneInfo("UTC")


def test_a_local_bot_api_server_gets_its_files_from_the_same_host():
    s = load_settings({"TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/"}, env_file=None)
    assert s.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert s.telegram_file_base_url == "http://127.0.0.1:8081/file/bot"


def test_a_bare_postgresql_url_uses_psycopg3():
    s = load_settings({"DATABASE_URL": "postgresql://u@db:5432/nv"}, env_file=None)
    assert s.database_url == "postgresql+psycopg://u@db:5432/nv"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TIMEZONE", "Asia/Saigon_City"),
        ("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.org/bot"),
        ("OFFICE_ADMINS", "12345,abc"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("LOCALE", "fr"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("WEBHOOK_URL", "http://insecure.example.org/hook"),
        ("WEBHOOK_SECRET", "has spaces in it"),
        ("WEBHOOK_PORT", "eighty"),
        ("TICK_SECONDS", "0"),
        ("SENDER_GRACE_SECONDS", "1"),  # shorter than a send can take
    ],
)
def test_each_bad_value_stops_start_up_naming_the_variable(variable, value):
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value}, env_file=None)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")


def test_the_command_line_prints_one_message_and_exits_2(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["db", "current"], env={"TIMEZONE": "Nowhere/Land"})
    assert result.exit_code == 2
    assert "Configuration error: TIMEZONE: unknown time zone 'Nowhere/Land'" in result.output


def test_the_token_never_shows_in_settings_repr_or_errors():
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, env_file=None)
    assert TOKEN not in repr(s)
    assert TOKEN not in str(s.telegram_bot_token)
    bad = TOKEN.replace(":", "")
    with pytest.raises(ConfigError) as caught:
        load_settings({"TELEGRAM_BOT_TOKEN": bad}, env_file=None)
    assert bad not in str(caught.value)


def test_the_token_is_redacted_from_log_lines_and_tracebacks():
    formatter = RedactingFormatter([TOKEN])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "telegram", logging.ERROR, __file__, 1, "calling %s", (f"bot{TOKEN}",), sys.exc_info()
        )
    line = formatter.format(record)
    assert TOKEN not in line
    assert "bot***" in line
    assert "\n" not in line  # one line per event


def test_run_without_a_token_says_it_is_offline_explains_the_token_and_runs_the_demo(
    monkeypatch, tmp_path
):
    import cli.main

    monkeypatch.chdir(tmp_path)
    demos = []
    monkeypatch.setattr(cli.main, "_demo", demos.append)  # the demo itself: tests/test_demo.py
    result = CliRunner().invoke(
        app, ["run", "--demo-without-token"], env={"TELEGRAM_BOT_TOKEN": ""}
    )  # what `make run` runs
    assert result.exit_code == 0
    assert "Running offline" in result.output
    assert "@BotFather" in result.output
    assert "TELEGRAM_BOT_TOKEN" in result.output
    assert len(demos) == 1 and demos[0].days == 340
    assert demos[0].serve and demos[0].web_port == 8080  # then the workspace, at its address


def test_run_without_a_token_fails_loudly_for_a_service_manager(monkeypatch, tmp_path):
    import cli.main

    monkeypatch.chdir(tmp_path)
    demos = []
    monkeypatch.setattr(cli.main, "_demo", demos.append)
    result = CliRunner().invoke(app, ["run"], env={"TELEGRAM_BOT_TOKEN": ""})
    assert result.exit_code == 2 and demos == []
    assert "@BotFather" in result.output and "nhacviec demo" in result.output
    assert "Traceback" not in result.output


def test_every_setting_is_documented_in_env_example_and_the_example_loads():
    from dataclasses import fields
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / ".env.example"
    lines = example.read_text(encoding="utf-8").splitlines()
    documented = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert sorted(documented) == sorted(f.name.upper() for f in fields(load_settings({}, None)))
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[i - 1].startswith("# "), f"{line} has no one-line description"
    load_settings({}, env_file=example)


def test_the_reminder_policy_report_days_and_office_days_off_are_read_and_checked():
    from datetime import date

    settings = load_settings(
        {
            "REMINDER_POLICY": "before_days=7,1,0; send_at=07:30",
            "REPORT_DAYS": "yearly=15/12;monthly=25",
            "OFFICE_DAYS_OFF": "2025-09-01, 2025-12-24",
            "OFFICE_EXTRA_WORKING_DAYS": "2025-04-26",
        },
        None,
    )
    assert settings.reminder_policy == {"before_days": "7,1,0", "send_at": "07:30"}
    assert settings.report_days == {"yearly": "15/12", "monthly": "25"}
    calendar = settings.calendar()
    assert not calendar.is_working_day(date(2025, 12, 24))
    assert calendar.is_working_day(date(2025, 4, 26))  # a Saturday made a working day

    for variable, value, problem in [
        ("REMINDER_POLICY", "before_days=soon", "before_days"),
        ("REMINDER_POLICY", "nag_every=2", "unknown setting 'nag_every'"),
        ("REMINDER_POLICY", "send_at", "not name=value"),
        ("REPORT_DAYS", "yearly=31/02", "31/02"),
        ("REPORT_DAYS", "daily=1", "unknown period 'daily'"),
        ("OFFICE_DAYS_OFF", "24/12/2025", "not a date"),
    ]:
        with pytest.raises(ConfigError) as caught:
            load_settings({variable: value}, None)
        assert caught.value.variable == variable
        assert problem in caught.value.problem


def test_relative_paths_are_read_against_nhacviec_home(tmp_path, monkeypatch):
    home = tmp_path / "srv"
    home.mkdir()
    (home / ".env").write_text("TIMEZONE=Asia/Bangkok\nATTACHMENTS_DIR=files\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # started from elsewhere, as a service manager would
    s = load_settings({"NHACVIEC_HOME": str(home)})
    assert s.timezone == ZoneInfo("Asia/Bangkok")  # its .env was found
    assert s.database_url == f"sqlite:///{home / 'data' / 'nhacviec.sqlite3'}"
    assert s.attachments_dir == str(home / "files")
    absolute = load_settings({"NHACVIEC_HOME": str(home), "DATABASE_URL": "sqlite:////var/x.db"})
    assert absolute.database_url == "sqlite:////var/x.db"
    assert load_settings({"DATABASE_URL": "sqlite://"}, None).database_url == "sqlite://"
