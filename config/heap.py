"""The process's heap kept out of the garbage collector's way.

A full collection walks every object the process holds: after the imports (SQLAlchemy,
python-telegram-bot, aiohttp, the models) that is hundreds of thousands, and each full
collection during a broadcast stopped the event loop for 120–180 ms, the sends with it.
Objects that live as long as the process are set aside once started (`settle`), and the
youngest generation is collected after YOUNG allocations instead of 700: collections a
tenth as often, each still small.
"""

from __future__ import annotations

import gc

YOUNG = 10_000


def settle() -> None:
    """Collect once, then leave what is alive now out of later collections. Objects freed by
    reference counting (most are) go as usual, set aside or not; a later `settle` takes in
    what grew since (the workspace does, for each new snapshot)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def settle_at_start() -> None:
    """Once started: the heap settled and the young generation sized for a server."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
    settle()
