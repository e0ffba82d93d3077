"""Is the bot alive? Pure: the heartbeats the running bot writes, and `now`, in; a verdict out.

The bot writes a heartbeat at every tick, and another whenever Telegram answered it. The
verdict says whether the scheduler ticked recently, the database answered, and Telegram was
reached recently enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checks: dict[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": self.checks}


def verdict(
    now: datetime,
    heartbeats: dict[str, datetime],
    tick_seconds: int,
    database_ok: bool = True,
    database_error: str = "",
    tick_error: str = "",
) -> Verdict:
    """`tick_error`: what the last tick reported going wrong ("" when it did its work): a
    process that ticks and fails at every tick is not healthy."""
    tick_limit = timedelta(seconds=max(3 * tick_seconds, 90))
    telegram_limit = timedelta(minutes=30)
    checks: dict[str, dict[str, Any]] = {
        "database": {"ok": database_ok, **({"error": database_error} if database_error else {})}
    }
    for name, limit in (("tick", tick_limit), ("telegram", telegram_limit)):
        last = heartbeats.get(name)
        age = (now - last).total_seconds() if last is not None else None
        checks[name] = {
            "ok": database_ok and age is not None and age <= limit.total_seconds(),
            "last": last.isoformat() if last is not None else None,
            "age_seconds": round(age) if age is not None else None,
            "limit_seconds": int(limit.total_seconds()),
        }
    if tick_error:
        checks["tick"]["ok"] = False
        checks["tick"]["error"] = tick_error
    return Verdict(all(c["ok"] for c in checks.values()), checks)


def read(session: Any, now: datetime, tick_seconds: int) -> Verdict:
    """The verdict from the database (the edge; a database error is itself the answer)."""
    from sqlalchemy import select

    from db.models import Heartbeat

    try:
        rows = session.execute(select(Heartbeat.name, Heartbeat.at, Heartbeat.detail)).all()
    except Exception as error:  # unreachable, locked, missing tables: the check says so
        return verdict(now, {}, tick_seconds, database_ok=False, database_error=str(error)[:200])
    beats = {name: at for name, at, _ in rows}
    tick = next((detail or {} for name, _, detail in rows if name == "tick"), {})
    failed = tick.get("ok") is False
    return verdict(now, beats, tick_seconds, tick_error=str(tick.get("error") or "") if failed
                   else "")  # fmt: skip
