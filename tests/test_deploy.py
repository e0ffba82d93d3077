"""The deployment kit holds together: the image's recipe lints and names what exists, the
compose file's commands run against a real PostgreSQL, the service unit restarts on failure
but not on a configuration mistake, and logs under systemd carry no timestamp of their own."""

from __future__ import annotations

import configparser
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml

from bot.logs import configure_logging
from tests.conftest import POSTGRES_URL, require_postgres

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def instructions(path: Path) -> list[tuple[str, str]]:
    """(instruction, arguments) of a Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_the_dockerfile_lints_clean_and_copies_what_exists():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    linted = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert linted.returncode == 0, linted.stdout + linted.stderr
    steps = instructions(DEPLOY / "Dockerfile")
    assert steps[0][0] == "FROM" and "slim" in steps[0][1]
    copies = [args.split()[0] for word, args in steps if word == "COPY"]
    assert copies and all((ROOT / source).exists() for source in copies)
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert "-r requirements.lock" in runs  # the pinned versions, no development tools
    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    health = next(args for word, args in steps if word == "HEALTHCHECK")
    assert '"nhacviec", "health"' in health
    assert dict(steps)["CMD"] == '["nhacviec", "run"]'
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git"} <= set(ignored)


def test_the_compose_file_upgrades_before_the_bot_and_its_commands_run(tmp_path):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "migrate", "bot"}
    assert services["migrate"]["command"] == ["nhacviec", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["bot"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["bot"]["restart"] == "unless-stopped"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    build = services["bot"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    url = services["bot"]["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://nhacviec:") and "@db:5432/nhacviec" in url

    # The same commands against the local PostgreSQL, as the containers would run them.
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"{POSTGRES_URL}?options=-csearch_path%3D{schema}",
        "NHACVIEC_HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": "",
    }

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        assert command[0] == "nhacviec"
        return subprocess.run([sys.executable, "-m", "cli.main", *command[1:]], env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    try:
        migrated = run(services["migrate"]["command"])
        assert migrated.returncode == 0, migrated.stderr
        assert run(services["migrate"]["command"]).returncode == 0  # again: nothing to do
        health = run(["nhacviec", "health", "--json"])
        verdict = json.loads(health.stdout)
        assert health.returncode == 1 and verdict["checks"]["database"]["ok"] is True  # no tick yet
        # The bot's command without a token: exit 2, so `restart: unless-stopped` and the
        # service unit do not restart a demo forever.
        started = run(services["bot"]["command"])
        assert started.returncode == 2 and "@BotFather" in started.stderr
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_the_service_unit_restarts_on_failure_but_not_on_a_configuration_mistake():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "nhacviec.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"].endswith("nhacviec run")
    assert service["ExecStartPre"].endswith("nhacviec db upgrade")
    assert service["EnvironmentFile"] == "/etc/nhacviec/nhacviec.env"
    assert service["Restart"] == "on-failure" and service["RestartPreventExitStatus"] == "2"
    assert service["User"] == "nhacviec" and service["StandardError"] == "journal"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_proxy_passes_the_webhook_path_through():
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"location /telegram \{\s*proxy_pass http://127\.0\.0\.1:8443;", conf)
    assert "listen 443 ssl" in conf


@pytest.mark.parametrize(("journal", "stamped"), [(None, True), ("8:1234", False)])
def test_log_lines_are_stamped_unless_the_journal_stamps_them(monkeypatch, journal, stamped):
    if journal is None:
        monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    else:
        monkeypatch.setenv("JOURNAL_STREAM", journal)
    configure_logging("INFO", [])
    handler = logging.getLogger().handlers[0]
    line = handler.format(logging.makeLogRecord({"msg": "tick", "levelname": "INFO",
                                                 "name": "nhacviec"}))  # fmt: skip
    assert line.endswith("INFO nhacviec tick")
    assert bool(re.match(r"\d{4}-\d{2}-\d{2} ", line)) is stamped
