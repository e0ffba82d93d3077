"""A bot that survives a malformed update from the Bot API.

PTB parses a getUpdates batch as a whole: one update it cannot read makes it log and fetch
the same batch again, forever, and the bot hears nothing more. Here each update is read on
its own first; one that cannot be read is logged and replaced by an empty update with the
same id, so polling moves past it and every other update in the batch is handled.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class TolerantBot(ExtBot):  # type: ignore[type-arg]
    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            return [kept for raw in result if (kept := self._readable(raw)) is not None]
        return result

    def _readable(self, raw: Any) -> dict[str, Any] | None:
        try:
            Update.de_json(dict(raw), self)
            return raw  # type: ignore[no-any-return]
        except Exception as error:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.warning("dropped an unreadable update %s: %s", update_id, error)
            return {"update_id": update_id} if isinstance(update_id, int) else None
