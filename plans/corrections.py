"""The office's corrections to a plan read but not yet saved: a wrong or unread timeline
phrase, and what an unmatched unit name means.

Pure: a document and the corrections in, the corrected document (or why a correction cannot
be used) out. The same refs as `plans.store` gives the rows: a table's task by its TT, the
body's deadlines D1…, its events E1….
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from plans.model import PlanDocument, Reading


@dataclass(frozen=True)
class Row:
    """One dated row of the preview: what the office may correct."""

    ref: str
    kind: str  # "task", "deadline" or "event"
    title: str
    who: tuple[str, ...]
    reading: Reading


def rows(doc: PlanDocument) -> list[Row]:
    listed = [Row(t.ref, "task", t.title, t.lead, t.timeline) for t in doc.tasks]
    listed += [
        Row(f"D{i}", "deadline", d.sentence, d.applies_to, d.timeline)
        for i, d in enumerate(doc.deadlines, start=1)
    ]
    listed += [
        Row(f"E{i}", "event", e.sentence, tuple(doc.recipients), e.timeline)
        for i, e in enumerate(doc.events, start=1)
    ]
    return listed


def names(doc: PlanDocument) -> list[str]:
    """Every unit name the plan gives work to or sends itself to, once, in order."""
    found = [n for t in doc.tasks for n in (*t.lead, *t.coordinators)]
    found += [n for d in doc.deadlines for n in d.applies_to] + list(doc.recipients)
    return list(dict.fromkeys(found))


def correct_timelines(
    doc: PlanDocument, phrases: Mapping[str, str], today: date
) -> tuple[PlanDocument, dict[str, str]]:
    """The document with each row whose phrase the office changed read again from the plan's
    date; and, by ref, why a changed phrase could not be read (then nothing is changed)."""
    reference = doc.reference(today)
    known = {row.ref: row.reading.text for row in rows(doc)}
    readings: dict[str, Reading] = {}
    errors: dict[str, str] = {}
    for ref, phrase in phrases.items():
        phrase = " ".join(phrase.split())
        if ref not in known or phrase == " ".join(known[ref].split()):
            continue
        if not phrase:
            errors[ref] = "Chưa ghi thời gian."
            continue
        reading = Reading.of(phrase, reference)
        if reading.timeline is None:
            errors[ref] = reading.error or "Không đọc được thời gian này."
        elif reading.timeline.kind == "none":
            errors[ref] = "Câu này không nêu ngày, thời hạn hay chu kỳ nào."
        else:
            readings[ref] = reading
    if errors:
        return doc, errors
    fixed = replace(
        doc,
        tasks=[replace(t, timeline=readings.get(t.ref, t.timeline)) for t in doc.tasks],
        deadlines=[
            replace(d, timeline=readings.get(f"D{i}", d.timeline))
            for i, d in enumerate(doc.deadlines, start=1)
        ],
        events=[
            replace(e, timeline=readings.get(f"E{i}", e.timeline))
            for i, e in enumerate(doc.events, start=1)
        ],
    )
    return fixed, {}
