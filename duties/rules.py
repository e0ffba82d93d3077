"""A duty's rules, named as Vietnam's task-tracking systems name them.

Pure: the recorded status, whether it came late, the due moment and `now` in; a category,
"overdue" or "late" out. Every edge asks here, through the `Duty` read model.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from db.models import Status


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_LATE = "in_progress_late"
    NOT_REPORTED = "not_reported"
    BLOCKED = "blocked"


LABELS_VI = {
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
    Category.IN_PROGRESS_ON_TIME: "Đang thực hiện trong hạn",
    Category.IN_PROGRESS_LATE: "Đang thực hiện quá hạn",
    Category.NOT_REPORTED: "Chưa báo cáo",
    Category.BLOCKED: "Vướng mắc",
}
LABELS_EN = {
    Category.DONE_ON_TIME: "Done on time",
    Category.DONE_LATE: "Done late",
    Category.IN_PROGRESS_ON_TIME: "In progress, on time",
    Category.IN_PROGRESS_LATE: "In progress, overdue",
    Category.NOT_REPORTED: "Not started / not reported",
    Category.BLOCKED: "Blocked",
}
ORDER = list(LABELS_VI)


def label(category: Category, locale: str = "vi") -> str:
    return (LABELS_EN if locale == "en" else LABELS_VI)[category]


def classify(status: str, late: bool, due_at: datetime, now: datetime) -> Category:
    if status == "done":
        return Category.DONE_LATE if late else Category.DONE_ON_TIME
    if status == "blocked":
        return Category.BLOCKED
    if status == "in_progress":
        return Category.IN_PROGRESS_LATE if now > due_at else Category.IN_PROGRESS_ON_TIME
    return Category.NOT_REPORTED


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    """Not done and past its last allowed moment."""
    return status != "done" and now > due_at


def standing(status: str, late: bool, due_at: datetime, now: datetime) -> tuple[Category, bool]:
    """A duty's category and whether it is overdue: what the read model carries."""
    return classify(status, late, due_at, now), is_overdue(status, due_at, now)


def answered_late(due_at: datetime, now: datetime) -> bool:
    """An answer after the deadline is accepted, and marked late."""
    return now > due_at


# What a chat can be asked next about a duty (ChatState.kind).
NOTE, FILE = "note", "file"


def asked_after(status: str) -> str:
    """What a unit is asked after a status: why it is blocked, or what it did (skippable)."""
    return NOTE if status in ("blocked", "done") else ""


def checklist_status(ticked: int, total: int) -> Status:
    """A sent checklist: done when every item is ticked, else in progress."""
    return Status.DONE if total and ticked == total else Status.IN_PROGRESS


def form_closed(sent: bool, due_at: datetime, now: datetime) -> bool:
    """A sent form may be corrected until the deadline; a first answer is taken late."""
    return sent and now > due_at
