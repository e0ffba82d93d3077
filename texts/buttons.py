"""The one callback codec: every button kind declared once. A declaration builds the button's
data, parses it back, and gives its handler's pattern, so the three cannot drift apart.

Telegram keeps a button's data for as long as the message lives (64 bytes at most). The data
carries the codec's version: version 1 wrote none, so it is the unprefixed form; a later
version writes "v2." in front. A press whose data no declaration of this version reads — a
button on a message from an older release, or a forged one — gets one clear answer
(`stale_button`), never silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = 1
_PREFIX = "" if VERSION == 1 else f"v{VERSION}."
_ID = r"(\d{1,12})"
_FIELD = {"id": _ID, "code": r"([a-z])"}


@dataclass(frozen=True)
class Button:
    """A kind of button: its tag and the fields its data carries, in order."""

    tag: str
    fields: tuple[str, ...] = ()  # "id" (a database id) or "code" (one letter)
    codes: str = ""  # the letters a "code" field may take

    @property
    def _regex(self) -> re.Pattern[str]:
        parts = [re.escape(_PREFIX + self.tag)]
        for kind in self.fields:
            parts.append(f"([{self.codes}])" if kind == "code" and self.codes else _FIELD[kind])
        return re.compile("^" + ":".join(parts) + "$")

    @property
    def pattern(self) -> str:
        """The handler's pattern: this tag, whatever follows (the handler parses and refuses)."""
        suffix = ":" if self.fields else "$"
        return "^" + re.escape(_PREFIX + self.tag) + suffix

    def data(self, *values: int | str) -> str:
        if len(values) != len(self.fields):
            raise TypeError(f"{self.tag}: {len(self.fields)} values expected")
        data = ":".join([_PREFIX + self.tag, *(str(v) for v in values)])
        assert len(data.encode()) <= 64, data  # Telegram's limit
        return data

    def parse(self, data: str) -> tuple[int | str, ...] | None:
        match = self._regex.match(data or "")
        if match is None:
            return None
        return tuple(
            int(value) if kind == "id" else value
            for kind, value in zip(self.fields, match.groups(), strict=True)
        )


# A task card's status buttons: ✅ 🔄 ⚠️ 📎 (d p b f).
STATUS = Button("s", ("id", "id", "code"), codes="dpbf")
OPEN = Button("o", ("id", "id"))  # 📋 a task's own card, from a list
CANCEL = Button("q", ("code",), codes="xs")  # under a question: cancel (x) or skip (s)
CHECKLIST = Button("c", ("id", "id"))  # open a checklist
TICK = Button("k", ("id", "id", "id"))  # tick an item (occurrence, unit, item)
CHECKLIST_SEND = Button("ks", ("id", "id"))
FORM = Button("f", ("id", "id"))  # open (or reopen) a form
FORM_EDIT = Button("fe", ("id", "id"))
FORM_CONFIRM = Button("fc", ("id", "id"))
EXPLAIN_REQUEST = Button("x", ("id", "id"))  # the office asks a unit why
EXPLAIN = Button("e", ("id", "id"))  # the unit answers
NUDGE = Button("rn", ("id",))  # the office: remind who has not answered (a period id)
PLAN_APPLY = Button("plan:apply")
PLAN_CANCEL = Button("plan:cancel")
HELP = Button("help")
SNOOZE = Button("z", ("id", "id"))  # ⏰ remind me later: show the choices
SNOOZE_FOR = Button("zz", ("id", "id", "code"), codes="13wb")  # a choice, or b: back
OUT_OF_SCOPE = Button("n", ("id", "id"))  # 🚫 the task is not the unit's (occurrence, unit)
SCOPE_DECIDE = Button("nd", ("id", "id", "code"), codes="yn")  # the office: (task, unit) y/n

ALL = (STATUS, OPEN, CANCEL, CHECKLIST, TICK, CHECKLIST_SEND, FORM, FORM_EDIT, FORM_CONFIRM,
       EXPLAIN_REQUEST, EXPLAIN, NUDGE, PLAN_APPLY, PLAN_CANCEL, HELP, SNOOZE,
       SNOOZE_FOR, OUT_OF_SCOPE, SCOPE_DECIDE)  # fmt: skip


def read(data: str) -> tuple[Button, tuple[int | str, ...]] | None:
    """Which declared button this data is, and its values; None for an unknown or old one."""
    for button in ALL:
        values = button.parse(data)
        if values is not None:
            return button, values
    return None
