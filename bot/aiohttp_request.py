"""python-telegram-bot's requests over aiohttp instead of httpx.

PTB talks to the Bot API through a `BaseRequest`; its own is httpx. On a machine where system
calls are dear, httpx spends about 2 ms of CPU per request (httpcore checks every idle pooled
connection before and after each request, and each check asks the socket for its peer) while
aiohttp, already a dependency, spends about 0.3 ms. A button press costs two requests (the
acknowledgement and the edited card), so this is most of what a press costs the bot.

Errors keep PTB's meaning: a timeout is `TimedOut` (the send path retries it), anything else on
the network is `NetworkError`.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL


def _ssl_context() -> ssl.SSLContext:
    # httpx trusts certifi's bundle; do the same, so a machine without system CA certificates
    # reaches api.telegram.org the same way.
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx, a PTB dependency
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


_JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class PreparedJSON:
    """A call's body made once by its caller, in the form PTB sends (`RequestData`'s JSON
    payload: strings as they are, other values as JSON text). `AiohttpRequest.do_request` reads
    only these two attributes; the outbox's sends skip PTB's per-parameter conversion (a third
    of a message's CPU in a paid broadcast)."""

    json_payload: bytes
    multipart_data: None = None

    @classmethod
    def of(cls, values: dict[str, Any]) -> PreparedJSON:
        fields = {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in values.items()
            if value is not None
        }
        return cls(json.dumps(fields).encode())


class AiohttpRequest(BaseRequest):
    """A pool of `connection_pool_size` connections; timeouts in seconds, None for none."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=_ssl_context())
            # HTTPS_PROXY / NO_PROXY apply, as they did with httpx (offices often reach the
            # internet through a proxy), but read once per host (`_proxy`): aiohttp's trust_env
            # reads the environment and ~/.netrc again on every request, a quarter of a
            # broadcast's CPU.
            self._proxies = {}
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The proxy the environment names for this URL's scheme and host, if any."""
        origin = url.split("/", 3)[:3]
        key = "/".join(origin)
        found = self._proxies.get(key)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(key))
            except LookupError:  # none set, or NO_PROXY covers the host
                found = (None, None)
            self._proxies[key] = found
        return found

    def _timeout(self, files: bool, **given: Any) -> aiohttp.ClientTimeout:
        # A bot method that names no timeout passes PTB's DEFAULT_NONE: ours apply then.
        unset = type(BaseRequest.DEFAULT_NONE)
        chosen = {
            name: self._timeouts[name] if isinstance(value, unset) else value
            for name, value in given.items()
        }
        if files and isinstance(given["write"], unset):
            chosen["write"] = self._media_write_timeout
        read, write = chosen["read"], chosen["write"]
        connect, pool = chosen["connect"], chosen["pool"]
        # aiohttp has no write timeout of its own: a socket read or write that stalls longer
        # than the longer of the two ends the request. Its "connect" includes waiting for a free
        # connection of the pool.
        stall = None if read is None or write is None else max(read, write)
        waiting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect, sock_read=stall
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        body: Any = None
        headers = None
        if request_data and not files:
            # One JSON body, as the Bot API accepts it: a form's field-by-field quoting cost
            # about a fifth of a message's CPU in a broadcast.
            body, headers = request_data.json_payload, _JSON
        if files:
            fields = request_data.json_parameters if request_data else None
            # Names as UTF-8, as httpx and Telegram's own clients send them: quoted, a Vietnamese
            # file name would reach the chat percent-encoded.
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            body = form
        timeout = self._timeout(
            bool(files),
            read=read_timeout,
            write=write_timeout,
            connect=connect_timeout,
            pool=pool_timeout,
        )
        proxy, proxy_auth = self._proxy(url)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout,
                proxy=proxy, proxy_auth=proxy_auth,
            ) as response:  # fmt: skip
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
