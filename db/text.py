"""Text from people made fit to store: PostgreSQL refuses a NUL character in text and JSON,
and columns have lengths. One function for every place a person's words enter the database."""

from __future__ import annotations

import re
import unicodedata

# C0 control characters but tab and line feed (a NUL first: PostgreSQL refuses it).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def folded(value: str) -> str:
    """Lower case, no diacritics, đ → d, one space: how a name typed two ways compares."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def clean(value: str, limit: int | None = None) -> str:
    """`value` without control characters, cut to `limit` characters (with … when cut)."""
    value = _CONTROLS.sub("", value)
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return value
