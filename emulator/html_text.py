"""Telegram's HTML parse mode as the emulator needs it: the plain text a user sees, and a
400 for markup Telegram would refuse."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from emulator.errors import ApiError

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
           "span", "tg-spoiler", "blockquote", "tg-emoji"}  # fmt: skip


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_STRAY = re.compile(r"<(?!/?[a-zA-Z])")


def plain_text(markup: str) -> str:
    stray = _STRAY.search(markup)
    if stray is not None:  # Telegram wants a lone < written as &lt;
        raise ApiError(
            400, f"Bad Request: can't parse entities: Unexpected character at {stray.start()}"
        )
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    if reader.open:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{reader.open[-1]}"',
        )
    return "".join(reader.parts)
