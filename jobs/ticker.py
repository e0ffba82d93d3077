"""The beat that wakes the engine: every TICK_SECONDS on the event loop's monotonic clock.

APScheduler's interval trigger computes its next run in wall-clock time: when the system
clock steps back an hour (an NTP correction, a VM restored from a snapshot), nothing runs for
that hour. The beat is measured on the loop's monotonic clock instead; the engine reads the
wall clock only to know what is due.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def beat(tick: Callable[[], Awaitable[object]], seconds: float, first: float = 1.0) -> None:
    """Call `tick` `first` seconds from now, then every `seconds`, until cancelled. A tick
    longer than the interval is followed by the next at once, never by a burst."""
    loop = asyncio.get_running_loop()
    due = loop.time() + first
    while True:
        await asyncio.sleep(max(0.0, due - loop.time()))
        try:
            await tick()
        except Exception:  # the engine never raises; the beat must survive if it ever does
            log.exception("tick raised")
        due = max(due + seconds, loop.time())
