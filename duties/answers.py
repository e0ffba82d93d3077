"""Recording a unit's answer: append the response, then move the current status.

The answer is stored before anyone is told it was received (the caller commits, then
acknowledges). A change of mind is a new response; the history is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from db.models import (
    Attachment,
    AuditLog,
    ChecklistAnswer,
    ChecklistItem,
    FormSubmission,
    Occurrence,
    Response,
    Status,
    UnitStatus,
)
from db.session import upsert_insert
from db.text import clean

T = TypeVar("T")


@dataclass(frozen=True)
class Recorded:
    response_id: int
    status: Status
    late: bool


# Built once (per database kind): constructing them cost more than running them.
_RESPONSES = Response.__table__
_INSERT_RESPONSE = insert(_RESPONSES).returning(_RESPONSES.c.id)


@cache
def _move_status(dialect: str) -> Any:
    """The unit's current status, inserted or moved: an upsert in the database's dialect."""
    statement = upsert_insert(dialect)(UnitStatus.__table__).values(
        occurrence_id=bindparam("occurrence_id"),
        unit_id=bindparam("unit_id"),
        explanation="",
        status=bindparam("status"),
        late=bindparam("late"),
        updated_at=bindparam("updated_at"),
        last_response_id=bindparam("last_response_id"),
    )
    moved = ("status", "late", "updated_at", "last_response_id")
    return statement.on_conflict_do_update(
        index_elements=["occurrence_id", "unit_id"],
        set_={name: statement.excluded[name] for name in moved},
    )


def record_answer(
    session: Session,
    occurrence_id: int,
    unit_id: int,
    member_id: int | None,
    status: Status,
    now: datetime,
    *,
    late: bool,
    note: str = "",
) -> Recorded:
    """Append the response and move the unit's current status, in the caller's transaction.

    Two statements (an insert and an upsert): a thousand units answering at once is the
    case this is shaped for. Whether it came late is the duty's rule, decided by the caller
    (`duties.actions.record`)."""
    # Core statements on the session's connection (same transaction): the ORM has no part in
    # them, and going through it cost as much as the statements.
    connection = session.connection()
    response_id = connection.execute(
        _INSERT_RESPONSE,
        {"occurrence_id": occurrence_id, "unit_id": unit_id, "member_id": member_id,
         "status": status, "note": clean(note), "late": late, "created_at": now},
    ).scalar_one()  # fmt: skip
    connection.execute(
        _move_status(connection.dialect.name),
        {"occurrence_id": occurrence_id, "unit_id": unit_id, "status": status, "late": late,
         "updated_at": now, "last_response_id": response_id},
    )  # fmt: skip
    return Recorded(response_id, status, late)


def current_status(session: Session, occurrence_id: int, unit_id: int) -> Status:
    row = session.scalar(
        select(UnitStatus).where(
            UnitStatus.occurrence_id == occurrence_id, UnitStatus.unit_id == unit_id
        )
    )
    return row.status if row is not None else Status.NOT_STARTED


def latest_response_id(session: Session, occurrence_id: int, unit_id: int) -> int | None:
    return session.scalar(
        select(Response.id)
        .where(Response.occurrence_id == occurrence_id, Response.unit_id == unit_id)
        .order_by(Response.id.desc())
        .limit(1)
    )


def save_attachment(
    session: Session,
    occurrence_id: int,
    unit_id: int,
    member_id: int | None,
    now: datetime,
    *,
    file_id: str,
    file_unique_id: str,
    file_name: str,
    mime_type: str,
    size: int,
    local_path: str = "",
) -> Attachment:
    attachment = Attachment(
        occurrence_id=occurrence_id,
        unit_id=unit_id,
        member_id=member_id,
        response_id=latest_response_id(session, occurrence_id, unit_id),
        file_id=clean(file_id, 255),
        file_unique_id=clean(file_unique_id, 128),
        file_name=clean(file_name, 255),
        mime_type=clean(mime_type, 128),
        size=size,
        local_path=local_path,
        created_at=now,
    )
    session.add(attachment)
    session.flush()
    return attachment


def toggle_checklist(
    session: Session,
    occurrence_id: int,
    unit_id: int,
    item_id: int,
    member_id: int | None,
    now: datetime,
) -> bool:
    """Tick or untick one item (saved at once: partial progress survives). Returns the new
    state; LookupError when the item is not on this occurrence's task."""
    occurrence = session.get(Occurrence, occurrence_id)
    item = session.get(ChecklistItem, item_id)
    if occurrence is None or item is None or item.task_id != occurrence.task_id:
        raise LookupError("no such checklist item")
    answer = one_or_new(session, ChecklistAnswer, {"checked": False},
                        occurrence_id=occurrence_id, unit_id=unit_id, item_id=item_id)  # fmt: skip
    answer.checked = not answer.checked
    answer.member_id, answer.updated_at = member_id, now
    session.flush()
    return answer.checked


def checklist_state(
    session: Session, occurrence_id: int, unit_id: int
) -> list[tuple[ChecklistItem, bool]]:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        return []
    items = session.scalars(
        select(ChecklistItem)
        .where(ChecklistItem.task_id == occurrence.task_id)
        .order_by(ChecklistItem.position)
    ).all()
    checked = set(
        session.scalars(
            select(ChecklistAnswer.item_id).where(
                ChecklistAnswer.occurrence_id == occurrence_id,
                ChecklistAnswer.unit_id == unit_id,
                ChecklistAnswer.checked.is_(True),
            )
        )
    )
    return [(item, item.id in checked) for item in items]


def mark_checklist_sent(session: Session, occurrence_id: int, unit_id: int, now: datetime) -> None:
    for answer in session.scalars(
        select(ChecklistAnswer).where(
            ChecklistAnswer.occurrence_id == occurrence_id, ChecklistAnswer.unit_id == unit_id
        )
    ):
        answer.submitted_at = now


def due_at(session: Session, occurrence_id: int) -> datetime:
    found = session.scalar(select(Occurrence.due_at).where(Occurrence.id == occurrence_id))
    if found is None:
        raise LookupError(f"occurrence {occurrence_id} does not exist")
    return found


def request_explanation(session: Session, occurrence_id: int, unit_id: int, now: datetime) -> None:
    current = _status_row(session, occurrence_id, unit_id)
    current.explanation_requested_at = now
    session.flush()


def save_explanation(
    session: Session,
    occurrence_id: int,
    unit_id: int,
    member_id: int | None,
    text: str,
    now: datetime,
) -> None:
    current = _status_row(session, occurrence_id, unit_id)
    current.explanation = clean(text)
    detail = {"occurrence_id": occurrence_id, "member_id": member_id}
    session.add(AuditLog(at=now, action="explanation", unit_id=unit_id, detail=detail))
    session.flush()


def _status_row(session: Session, occurrence_id: int, unit_id: int) -> UnitStatus:
    return one_or_new(session, UnitStatus, {"status": Status.NOT_STARTED},
                      occurrence_id=occurrence_id, unit_id=unit_id)  # fmt: skip


def form_submission(
    session: Session, form_id: int, occurrence_id: int, unit_id: int
) -> FormSubmission:
    """A unit's answers to a form for one occurrence (a draft until sent)."""
    row = one_or_new(session, FormSubmission, {"answers": {}},
                     form_id=form_id, occurrence_id=occurrence_id, unit_id=unit_id)  # fmt: skip
    session.flush()
    return row


def one_or_new(session: Session, model: type[T], defaults: dict[str, Any], **keys: Any) -> T:
    """The row with these key columns, or a new one (added to the session) with defaults."""
    row = session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **defaults)
        session.add(row)
    return row
