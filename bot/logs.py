"""Logging: one line per event, secrets replaced before anything is written."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterable

_SECRETS: set[str] = set()


def remember_secrets(secrets: Iterable[str]) -> None:
    """Values `redact` hides from now on, wherever it is asked (logs, the command line). A
    bot token is hidden whole and by its secret half (after the colon) alone."""
    for secret in secrets:
        if secret:
            _SECRETS.add(secret)
            bot_id, _, half = secret.partition(":")
            if bot_id.isdigit() and len(half) >= 8:
                _SECRETS.add(half)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every remembered secret (and `secrets`) replaced by ***: the one place
    that does it, for every path text leaves the process by."""
    for secret in sorted({*_SECRETS, *(s for s in secrets if s)}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class RedactingFormatter(logging.Formatter):
    """Formats a record on one line and replaces every secret, tracebacks included."""

    def __init__(self, secrets: Iterable[str], timestamps: bool = True) -> None:
        # Under systemd the journal stamps each line itself: no second time on it.
        shape = "%(levelname)s %(name)s %(message)s"
        super().__init__(f"%(asctime)s {shape}" if timestamps else shape)
        remember_secrets(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record).replace("\n", " | "))


class RedactedStream(io.TextIOBase):
    """sys.stdout or sys.stderr (looked up at each write, as a test runner swaps them), with
    secrets redacted: what the command line prints, errors included."""

    def __init__(self, name: str) -> None:
        self.stream_name = name

    @property
    def _stream(self) -> io.TextIOBase:
        return getattr(sys, self.stream_name)  # type: ignore[no-any-return]

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    # systemd sets JOURNAL_STREAM when stderr goes to the journal.
    handler.setFormatter(RedactingFormatter(secrets, timestamps="JOURNAL_STREAM" not in os.environ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and a Bot API URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
