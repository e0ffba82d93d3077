"""A Mini App's `initData`, checked as Telegram specifies.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app: the
fields but `hash`, sorted, joined with newlines, signed with HMAC-SHA256 under the key
HMAC-SHA256("WebAppData", bot token); `auth_date` no older than an hour here. Pure: the
string, the token and `now` in, the Telegram user (or None) out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

MAX_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class WebAppUser:
    id: int
    first_name: str
    last_name: str
    username: str
    auth_date: datetime

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode("utf-8"), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def validate(
    init_data: str, bot_token: str, now: datetime, max_age: timedelta = MAX_AGE
) -> WebAppUser | None:
    """The signed-in Telegram user, or None: forged, altered, too old, from the future or
    not a user at all."""
    if not init_data or not bot_token or len(init_data) > 8192:
        return None
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a field given twice: which one was signed?
        return None
    given = fields.get("hash", "")
    expected = hmac.new(
        _secret(bot_token), _check_string(fields).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not given or not hmac.compare_digest(given, expected):
        return None
    try:
        auth_date = datetime.fromtimestamp(int(fields.get("auth_date", "")), UTC)
        user = json.loads(fields.get("user", ""))
        user_id = int(user["id"])
    except (ValueError, TypeError, KeyError, OverflowError, OSError):
        return None
    if not now - max_age <= auth_date <= now + timedelta(minutes=5):
        return None
    return WebAppUser(
        user_id,
        str(user.get("first_name", "")),
        str(user.get("last_name", "")),
        str(user.get("username", "")),
        auth_date,
    )


def sign(fields: dict[str, str], bot_token: str) -> str:
    """`initData` as Telegram would give it for these fields (the emulator and the tests)."""
    unsigned = {k: v for k, v in fields.items() if k != "hash"}
    digest = hmac.new(
        _secret(bot_token), _check_string(unsigned).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return urlencode({**unsigned, "hash": digest})


def for_user(user_id: int, first_name: str, bot_token: str, now: datetime) -> str:
    user = json.dumps({"id": user_id, "first_name": first_name}, ensure_ascii=False)
    return sign({"auth_date": str(int(now.timestamp())), "query_id": "AA", "user": user}, bot_token)
