"""Typed settings.

Everything the program needs from its environment is read here, once, and handed on as a
frozen `Settings`. No other module reads `os.environ`. A bad value stops start-up with one
message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from timing.workcalendar import WorkCalendar

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite:///data/nhacviec.sqlite3"
LOCALES = ("vi", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class Secret:
    """A string that never shows itself in repr(), str() or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: Secret = field(default_factory=lambda: Secret(""))
    telegram_api_base_url: str = TELEGRAM_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    office_admins: frozenset[int] = frozenset()
    locale: str = "vi"
    log_level: str = "INFO"
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    tick_seconds: int = 30
    # PostgreSQL: what a sender that lost its lock had claimed is resent by the next one after
    # this long (it may still be finishing those sends; it stops within a second).
    sender_grace_seconds: int = 60
    # Telegram's paid broadcasts (allow_paid_broadcast, 0.1 Star a message): the outbox may
    # send up to this many messages a second instead of about 30. 0: off.
    paid_broadcast_rate: int = 0
    # "before_days=14,7,3,1,0;send_at=08:00;…" (see jobs/planner.Policy), plans may override.
    reminder_policy: Mapping[str, str] = field(default_factory=dict)
    # "yearly=15/12;monthly=25": the day a report is due when a phrase names only the period.
    report_days: Mapping[str, str] = field(default_factory=dict)
    # What "thực hiện chế độ báo cáo … theo quy định" means here: a cycle, read as a phrase.
    report_regime: str = ""
    office_days_off: frozenset[date] = frozenset()
    office_extra_working_days: frozenset[date] = frozenset()
    health_port: int = 0  # 0: no HTTP health endpoint
    web_port: int = 0  # 0: no web workspace
    web_host: str = "127.0.0.1"  # behind a reverse proxy for HTTPS
    web_public_url: str = ""  # the workspace as people reach it (links, the Mini App)
    healthcheck_url: str = ""  # a dead-man's switch pinged after each good tick
    attachments_dir: str = ""  # empty: report files stay on Telegram (their file ids are kept)
    # What relative paths (the SQLite file, `.env`, ATTACHMENTS_DIR) are read against:
    # NHACVIEC_HOME, else the folder the command was started from.
    nhacviec_home: Path = field(default_factory=Path.cwd)

    @property
    def has_token(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def telegram_file_base_url(self) -> str:
        """Files live beside the methods: `…/bot` becomes `…/file/bot` on the same host."""
        base = self.telegram_api_base_url
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base.rstrip("/") + "/file/bot"

    @property
    def web_url(self) -> str:
        """Where people open the workspace: WEB_PUBLIC_URL, else the address it listens on."""
        return self.web_public_url or f"http://{self.web_host}:{self.web_port}"

    @property
    def mini_app(self) -> bool:
        """Telegram opens a Mini App only over HTTPS."""
        return self.web_port > 0 and self.web_public_url.startswith("https://")

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(
            tz=self.timezone,
            days_off=self.office_days_off,
            extra_working_days=self.office_extra_working_days,
        )

    def secrets(self) -> list[str]:
        """Values that must never be written to a log."""
        return [s.reveal() for s in (self.telegram_bot_token, self.webhook_secret) if s]


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Read `.env` (if present), overlaid by the environment, into validated Settings.

    Relative paths are read against NHACVIEC_HOME (from the environment), else the working
    folder: a service manager and a shell then find the same `.env` and the same database."""
    environment = os.environ if environ is None else environ
    home = _home(environment.get("NHACVIEC_HOME", ""))
    values: dict[str, str] = {}
    if env_file is not None:
        env_path = Path(env_file) if Path(env_file).is_absolute() else home / env_file
        if env_path.is_file():
            values.update({k: v for k, v in dotenv_values(env_path).items() if v is not None})
    values.update(environment)
    if values.get("NHACVIEC_HOME", "").strip() and not environment.get("NHACVIEC_HOME"):
        home = _home(values["NHACVIEC_HOME"])  # named in .env: the paths after it follow

    def get(name: str) -> str:
        return values.get(name, "").strip()

    return Settings(
        telegram_bot_token=_token(get("TELEGRAM_BOT_TOKEN")),
        telegram_api_base_url=_base_url(get("TELEGRAM_API_BASE_URL")),
        database_url=_against(home, _database_url(get("DATABASE_URL"))),
        nhacviec_home=home,
        timezone=_timezone(get("TIMEZONE")),
        office_admins=_ids("OFFICE_ADMINS", get("OFFICE_ADMINS")),
        locale=_choice("LOCALE", get("LOCALE") or "vi", LOCALES, lower=True),
        log_level=_choice("LOG_LEVEL", get("LOG_LEVEL") or "INFO", LOG_LEVELS),
        webhook_url=_webhook_url(get("WEBHOOK_URL")),
        webhook_secret=_webhook_secret(get("WEBHOOK_SECRET")),
        webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=_int("WEBHOOK_PORT", get("WEBHOOK_PORT") or "8443", 1, 65535),
        tick_seconds=_int("TICK_SECONDS", get("TICK_SECONDS") or "30", 1, 3600),
        sender_grace_seconds=_int(
            "SENDER_GRACE_SECONDS", get("SENDER_GRACE_SECONDS") or "60", 5, 3600
        ),
        paid_broadcast_rate=_paid_rate(get("PAID_BROADCAST_RATE")),
        attachments_dir=str(home / get("ATTACHMENTS_DIR")) if get("ATTACHMENTS_DIR") else "",
        health_port=_int("HEALTH_PORT", get("HEALTH_PORT") or "0", 0, 65535),
        web_port=_int("WEB_PORT", get("WEB_PORT") or "0", 0, 65535),
        web_host=get("WEB_HOST") or "127.0.0.1",
        web_public_url=_web_public_url(get("WEB_PUBLIC_URL")),
        healthcheck_url=_ping_url(get("HEALTHCHECK_URL")),
        reminder_policy=_reminder_policy(get("REMINDER_POLICY")),
        report_days=_report_days(get("REPORT_DAYS")),
        report_regime=_report_regime(get("REPORT_REGIME")),
        office_days_off=_dates("OFFICE_DAYS_OFF", get("OFFICE_DAYS_OFF")),
        office_extra_working_days=_dates(
            "OFFICE_EXTRA_WORKING_DAYS", get("OFFICE_EXTRA_WORKING_DAYS")
        ),
    )


def _ping_url(raw: str) -> str:
    parts = urlsplit(raw)
    if raw and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise ConfigError("HEALTHCHECK_URL", f"{raw!r} is not an http(s) URL")
    return raw


def _pairs(variable: str, raw: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for piece in raw.split(";"):
        if not piece.strip():
            continue
        name, sep, value = piece.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(variable, f"{piece.strip()!r} is not name=value")
        pairs[name.strip()] = value.strip()
    return pairs


def _reminder_policy(raw: str) -> dict[str, str]:
    from timing.planner import Policy, PolicyError  # the policy's own check, one place

    pairs = _pairs("REMINDER_POLICY", raw)
    unknown = sorted(set(pairs) - set(Policy.__dataclass_fields__))
    if unknown:
        raise ConfigError("REMINDER_POLICY", f"unknown setting {unknown[0]!r}")
    try:
        Policy().overridden(pairs)
    except PolicyError as error:
        raise ConfigError("REMINDER_POLICY", str(error)) from None
    return pairs


def _report_days(raw: str) -> dict[str, str]:
    from timing.timeline import ReportDays, TimelineError

    pairs = _pairs("REPORT_DAYS", raw)
    unknown = sorted(set(pairs) - {"yearly", "half_yearly", "quarterly", "monthly", "weekly"})
    if unknown:
        raise ConfigError("REPORT_DAYS", f"unknown period {unknown[0]!r}")
    try:
        ReportDays.from_mapping(pairs)
    except (TimelineError, ValueError) as error:
        raise ConfigError("REPORT_DAYS", f"{error}") from None
    return pairs


def _report_regime(raw: str) -> str:
    from timing.timeline import TimelineError, parse_timeline

    phrase = " ".join(raw.split())
    if not phrase:
        return ""  # the default: Nghị định 09/2019
    try:
        kind = parse_timeline(phrase, date(2025, 1, 1)).kind
    except TimelineError as error:
        raise ConfigError("REPORT_REGIME", f"{phrase!r}: {error.message}") from None
    if kind != "recurring":
        raise ConfigError("REPORT_REGIME", f"{phrase!r} is no cycle (e.g. 'ngày 15/6 và "
                          "15/12 hằng năm')")  # fmt: skip
    return phrase


def _dates(variable: str, raw: str) -> frozenset[date]:
    days: set[date] = set()
    for piece in raw.replace(";", ",").split(","):
        if not piece.strip():
            continue
        try:
            days.add(date.fromisoformat(piece.strip()))
        except ValueError:
            raise ConfigError(variable, f"{piece.strip()!r} is not a date (YYYY-MM-DD)") from None
    return frozenset(days)


def _token(raw: str) -> Secret:
    # A Bot API token is "<bot id>:<secret>"; checking the shape catches pasted junk early
    # without ever echoing the value back.
    if raw:
        bot_id, sep, rest = raw.partition(":")
        if not sep or not bot_id.isdigit() or len(rest) < 10:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN",
                "does not look like a bot token (expected '<digits>:<secret>' from @BotFather)",
            )
    return Secret(raw)


def _base_url(raw: str) -> str:
    if not raw:
        return TELEGRAM_BASE_URL
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            "TELEGRAM_API_BASE_URL",
            f"{raw!r} is not an http(s) URL (example: http://127.0.0.1:8081/bot)",
        )
    return raw.rstrip("/")


def _home(raw: str) -> Path:
    home = Path(raw.strip() or Path.cwd()).expanduser()
    return home if home.is_absolute() else Path.cwd() / home


def _against(home: Path, url: str) -> str:
    """A SQLite file named relative to the working folder, made absolute against home."""
    scheme, sep, rest = url.partition(":///")
    if (
        not sep
        or not scheme.startswith("sqlite")
        or rest.startswith("/")
        or rest in ("", ":memory:")
    ):
        return url
    return f"{scheme}:///{home / rest}"


def _database_url(raw: str) -> str:
    if not raw:
        return DEFAULT_DATABASE_URL
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if not scheme.startswith(("sqlite", "postgresql", "postgres")):
        raise ConfigError(
            "DATABASE_URL",
            "must be a sqlite:/// or postgresql:// URL "
            "(example: postgresql+psycopg://user@127.0.0.1:5432/nhacviec)",
        )
    if scheme in ("postgres", "postgresql"):
        # psycopg 3 is the driver we ship; a bare postgresql:// would ask for psycopg2.
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def _timezone(raw: str) -> ZoneInfo:
    name = raw or "Asia/Ho_Chi_Minh"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIMEZONE", f"unknown time zone {name!r}") from None


def _ids(variable: str, raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for piece in raw.replace(";", ",").replace(" ", ",").split(","):
        if not piece:
            continue
        if not piece.lstrip("-").isdigit():
            raise ConfigError(variable, f"{piece!r} is not a numeric Telegram user id")
        ids.add(int(piece))
    return frozenset(ids)


def _choice(variable: str, raw: str, allowed: tuple[str, ...], lower: bool = False) -> str:
    value = raw.lower() if lower else raw.upper()
    if value not in allowed:
        raise ConfigError(variable, f"{raw!r} is not one of {', '.join(allowed)}")
    return value


def _int(variable: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(variable, f"{raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(variable, f"{value} is outside {low}..{high}")
    return value


def _paid_rate(raw: str) -> int:
    rate = _int("PAID_BROADCAST_RATE", raw or "0", 0, 1000)
    if 0 < rate <= 30:
        raise ConfigError(
            "PAID_BROADCAST_RATE",
            f"{rate} is within Telegram's free 30 a second: use 0 (off) or 31..1000",
        )
    return rate


def _web_public_url(raw: str) -> str:
    if raw and not raw.startswith(("https://", "http://")):
        raise ConfigError("WEB_PUBLIC_URL", "must be an http:// or https:// URL")
    return raw.rstrip("/")


def _webhook_url(raw: str) -> str:
    if raw and urlsplit(raw).scheme != "https":
        raise ConfigError("WEBHOOK_URL", "must be an https:// URL (Telegram requires it)")
    return raw


def _webhook_secret(raw: str) -> Secret:
    # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
    if raw and (len(raw) > 256 or not all(c.isalnum() or c in "_-" for c in raw)):
        raise ConfigError(
            "WEBHOOK_SECRET", "must be 1-256 characters of letters, digits, '_' or '-'"
        )
    return Secret(raw)
