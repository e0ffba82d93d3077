"""A bot that survives a malformed update from the Bot API.

PTB parses a getUpdates batch as a whole: one update it cannot read makes it log and fetch
the same batch again, forever, and the bot hears nothing more. Here, when a batch cannot be
read, each update is read on its own; one that cannot be read is logged and replaced by an
empty update with the same id, so polling moves past it and every other update in the batch
is handled. A batch that reads is read once (reading every update twice cost a third of a
millisecond per button press).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, cast

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.aiohttp_request import AiohttpRequest, PreparedJSON
from jobs.sender import BULK, Buttons, send_message_data

log = logging.getLogger(__name__)


class TolerantBot(ExtBot):  # type: ignore[type-arg]
    _batch: list[Any] | None = None

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates":
            self._batch = result if isinstance(result, list) else None
        return result

    async def send_text(self, chat_id: int, text: str, buttons: Buttons | None, paid: bool) -> int:
        """The outbox's send (`jobs.sender.OutboxBot`): sendMessage with the bulk rate-limit
        mark, its answer read for the message id only. Building a `Message` from the answer
        cost a fifth of a broadcast's CPU per message, and the outbox keeps nothing else."""
        data = send_message_data(chat_id, text, buttons, paid)
        if not isinstance(self.request, AiohttpRequest):  # not the application's: PTB's way
            result = await self._post(
                "sendMessage", data, api_kwargs=self._merge_api_rl_kwargs(None, BULK)
            )
            return int(result["message_id"])
        # The same body PTB would send, made once, through the same rate limiter and the same
        # error mapping (`BaseRequest.post`): PTB's defaults, per-parameter conversion and
        # logging took a third of a paid broadcast's CPU per message.
        body = cast(RequestData, PreparedJSON.of(data))
        post = partial(self.request.post, f"{self.base_url}/sendMessage", body)
        if self.rate_limiter is None:
            result = await post()
        else:
            result = await self.rate_limiter.process_request(
                callback=post, args=(), kwargs={}, endpoint="sendMessage", data=data,
                rate_limit_args=BULK,
            )  # fmt: skip
        return int(result["message_id"])  # type: ignore[index,call-overload]

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        # Only the updater polls, one call at a time, so one remembered batch is enough.
        self._batch = None
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            batch, self._batch = self._batch, None
            if batch is None:  # it failed before any batch arrived: not ours to mend
                raise
        updates = tuple(update for raw in batch if (update := self._read(raw)) is not None)
        for update in updates:
            self.insert_callback_data(update)
        return updates

    def _read(self, raw: Any) -> Update | None:
        try:
            return Update.de_json(dict(raw), self)
        except Exception as error:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.warning("dropped an unreadable update %s: %s", update_id, error)
            return Update(update_id) if isinstance(update_id, int) else None
