"""The duty read model: one unit's part in one occurrence, as every edge reads it.

Plain frozen values: built by `duties.query` at a given `now`, so that "late", "overdue" and
the category are decided once, by `duties.rules`, and read the same by the chat, the command
line, the engine, the reports and the web workspace.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from duties.rules import Category


@dataclass(frozen=True)
class Duty:
    """One unit's part in one occurrence of one task, as of the `now` it was read at."""

    occurrence_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    unit_district: str
    plan_id: int
    plan_number: str  # as the plan writes it; "" when it has none
    plan_title: str
    task_id: int
    task_ref: str
    task_title: str
    task_position: int
    task_kind: str  # deadline, report, event, continuous…
    role: str  # lead, coordinator
    period_key: str
    due_at: datetime  # aware UTC
    starts_at: datetime | None
    ends_at: datetime | None
    status: str
    late: bool
    answered_at: datetime | None
    note: str  # the latest note a unit wrote
    explanation: str
    explanation_requested: bool
    checklist_total: int
    checklist_done: int
    has_form: bool
    category: Category
    overdue: bool

    @property
    def key(self) -> tuple[int, int]:
        return (self.occurrence_id, self.unit_id)

    @property
    def plan_ref(self) -> str:
        """How a report names the plan: its number, else its id."""
        return self.plan_number or f"#{self.plan_id}"


@dataclass(frozen=True)
class Reminded:
    """A duty as one reminder brings it up: which reminder (`kind`) and to whom."""

    kind: str
    audience: str
    duty: Duty


@dataclass(frozen=True)
class OfficeDigest:
    """What the office reads in the morning."""

    day: date
    due_this_week: list[Duty]
    overdue: list[Duty]
    answered_today: int
    units_without_members: list[str]

    @property
    def empty(self) -> bool:
        """Nothing worth a morning message (no plan yet, or all quiet and staffed)."""
        return not (self.due_this_week or self.overdue or self.answered_today
                    or self.units_without_members)  # fmt: skip

    def fingerprint(self) -> str:
        """What the digest says, without what only the calendar changes ("late 5 days" the
        day after "late 4 days"): two digests with one fingerprint tell the office nothing new."""
        facts = (
            sorted((t.occurrence_id, t.unit_id, t.status) for t in self.overdue),
            sorted((t.occurrence_id, t.unit_id, t.status) for t in self.due_this_week),
            self.answered_today,
            sorted(self.units_without_members),
        )
        return hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()[:16]
