"""Recording a unit's answer: append the response, then move the current status.

The answer is stored before anyone is told it was received (the caller commits, then
acknowledges). A change of mind is a new response; the history is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Occurrence, Response, Status, UnitStatus


@dataclass(frozen=True)
class Recorded:
    response_id: int
    status: Status
    late: bool
    previous: Status


def record_answer(
    session: Session,
    occurrence_id: int,
    unit_id: int,
    member_id: int | None,
    status: Status,
    now: datetime,
    note: str = "",
) -> Recorded:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise LookupError(f"occurrence {occurrence_id} does not exist")
    # An answer after the deadline is accepted and marked late.
    late = now > occurrence.due_at
    response = Response(
        occurrence_id=occurrence_id,
        unit_id=unit_id,
        member_id=member_id,
        status=status,
        note=note,
        late=late,
        created_at=now,
    )
    session.add(response)
    session.flush()
    current = session.scalar(
        select(UnitStatus).where(
            UnitStatus.occurrence_id == occurrence_id, UnitStatus.unit_id == unit_id
        )
    )
    previous = current.status if current is not None else Status.NOT_STARTED
    if current is None:
        current = UnitStatus(occurrence_id=occurrence_id, unit_id=unit_id)
        session.add(current)
    current.status, current.late, current.updated_at = status, late, now
    current.last_response_id = response.id
    session.flush()
    return Recorded(response.id, status, late, previous)
