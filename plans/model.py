"""What a plan document says, before anything is saved: plain values, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from timing.timeline import ReportDays, Timeline, TimelineError, parse_timeline


@dataclass(frozen=True)
class Reading:
    """A timeline phrase and how it was read (or why it could not be)."""

    text: str
    timeline: Timeline | None
    error: str = ""

    @classmethod
    def of(cls, text: str, reference: date, report_days: ReportDays | None = None) -> Reading:
        try:
            return cls(text, parse_timeline(text, reference, report_days))
        except TimelineError as error:
            return cls(text, None, error.message)

    def to_json(self, reference: date) -> dict[str, Any]:
        if self.timeline is None:
            # Unreadable: kept with its text and flagged (as `nhacviec deadline` prints an
            # error line), never dropped or guessed.
            return {"text": self.text, "error": self.error}
        return self.timeline.to_json(reference)


@dataclass(frozen=True)
class Section:
    ref: str
    title: str


@dataclass(frozen=True)
class TaskRow:
    ref: str
    section: str
    title: str
    lead: tuple[str, ...]
    coordinators: tuple[str, ...]
    timeline: Reading
    checklist: tuple[str, ...] = ()
    report_day: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # columns with no role (Sản phẩm, Ghi chú…)


@dataclass(frozen=True)
class BodyDeadline:
    sentence: str
    applies_to: tuple[str, ...]
    timeline: Reading


@dataclass(frozen=True)
class BodyEvent:
    sentence: str
    timeline: Reading


@dataclass(frozen=True)
class FormField:
    label: str
    type: str  # "number" or "text"


@dataclass(frozen=True)
class FormSpec:
    title: str
    fields: tuple[FormField, ...]


@dataclass
class PlanDocument:
    number: str = ""
    issued_on: date | None = None
    issuer: str = ""
    title: str = ""
    kind: str = "Kế hoạch"  # what the document is: Kế hoạch, Thông báo, Công văn, Quyết định …
    sections: list[Section] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    deadlines: list[BodyDeadline] = field(default_factory=list)
    events: list[BodyEvent] = field(default_factory=list)
    form: FormSpec | None = None
    recipients: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # how each task table's columns were read
    # No date of issue: the latest date the document itself shows (a date cited in its preamble,
    # the year of a blank dateline) is the earliest it can be, and its phrases are read from it.
    floor: date | None = None
    floor_source: str = ""
    from_ocr: bool = False  # read from a scan or a photo: the office is asked to check it

    def reference(self, today: date) -> date:
        """The day year-less phrases are read from: the date of issue, else its lower bound."""
        return self.issued_on or self.floor or today

    def to_json(self, today: date) -> dict[str, Any]:
        """The `nhacviec plan import --json` object; timelines read as of the plan's date."""
        reference = self.reference(today)
        return {
            "plan": {
                "number": self.number,
                "issued_on": self.issued_on.isoformat() if self.issued_on else None,
                "issuer": self.issuer,
                "title": self.title,
                "kind": self.kind,
            },
            "sections": [{"ref": s.ref, "title": s.title} for s in self.sections],
            "tasks": [
                {
                    "ref": t.ref,
                    "section": t.section,
                    "title": t.title,
                    "lead": list(t.lead),
                    "coordinators": list(t.coordinators),
                    "timeline": t.timeline.to_json(reference),
                    **({"extra": dict(t.extra)} if t.extra else {}),
                }
                for t in self.tasks
            ],
            "deadlines": [
                {
                    "sentence": d.sentence,
                    "applies_to": list(d.applies_to),
                    "timeline": d.timeline.to_json(reference),
                }
                for d in self.deadlines
            ],
            "events": [
                {"sentence": e.sentence, "timeline": e.timeline.to_json(reference)}
                for e in self.events
            ],
            "form": None
            if self.form is None
            else {
                "title": self.form.title,
                "fields": [{"label": f.label, "type": f.type} for f in self.form.fields],
            },
            "columns": list(self.columns),
            "recipients": list(self.recipients),
            "warnings": list(self.warnings),
        }
