"""What handlers and jobs need from the outside world, built once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import CallbackContext

from config import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = system_clock

    @property
    def locale(self) -> str:
        return self.settings.locale


def services_of(context: CallbackContext) -> Services:  # type: ignore[type-arg]
    return context.application.bot_data["services"]
