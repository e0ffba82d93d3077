"""A Sở with both sample plans, people of every role and a known set of answers, for the
workspace's tests (server-level and in a browser)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config import Settings, load_settings
from db.models import Member, Occurrence, Role, Status, Task, Unit
from db.registry import import_sample, unit_by_code
from db.session import session_scope
from duties.actions import record
from emulator.demo import sample_plans
from jobs import outbox
from plans.matching import remember
from plans.reader import read_plan_bytes
from plans.store import save_plan

BOT_TOKEN = "123456:emulator-test-token"
START = date(2025, 1, 24)
NOW = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)  # after seed 004's districts' deadline

OFFICE_ADMIN = 9000
LEADER = 9100
DISTRICT_HEAD = 5101  # Phòng GDĐT quận Kiến An
SCHOOL_HEAD = 5201  # Trường THPT Kiến An
OTHER_SCHOOL_HEAD = 5301  # Trường THPT Ngô Quyền (another district)


@dataclass(frozen=True)
class Story:
    d1: int  # seed 004's districts' deadline
    units: dict[str, int]  # code → id


def settings_for(db_url: str, **env: str) -> Settings:
    return load_settings(
        {"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "DATABASE_URL": db_url,
         "OFFICE_ADMINS": str(OFFICE_ADMIN), "WEB_PORT": "8099", **env},
        env_file=None,
    )  # fmt: skip


def build_story(sessions: sessionmaker[Session], db_url: str) -> Story:
    with session_scope(sessions) as session:
        import_sample(session)
        remember(session, "Các quận, huyện", group="Các phòng GDĐT quận huyện")
    for name, content in sample_plans():
        # The office corrects seed 004's mistyped year before going live (as the demo does).
        content = content.replace(b"05/02/2024", b"05/02/2025")
        doc = read_plan_bytes(content, name, START)
        with session_scope(sessions) as session:
            save_plan(session, doc, name, name, START)
    with session_scope(sessions) as session:
        outbox.roll_forward(
            session, Settings(database_url=db_url), datetime(2025, 1, 24, 2, tzinfo=UTC)
        )
    with session_scope(sessions) as session:
        units = {u.code: u.id for u in session.scalars(select(Unit))}
        d1 = session.scalar(select(Occurrence.id).join(Task).where(Task.ref == "D1"))
        assert d1 is not None
        people = [
            (LEADER, "SGDDT", Role.LEADER, "Lãnh đạo Sở"),
            (DISTRICT_HEAD, "PGD-KIENAN", Role.HEAD, "Trần Kiến An"),
            (SCHOOL_HEAD, "THPT-KIENAN", Role.HEAD, "Lê Trường Kiến An"),
            (OTHER_SCHOOL_HEAD, "THPT-NGOQUYEN", Role.HEAD, "Phạm Ngô Quyền"),
        ]
        for user_id, code, role, name in people:
            session.add(Member(unit_id=units[code], telegram_user_id=user_id, chat_id=user_id,
                               full_name=name, role=role))  # fmt: skip
        session.flush()

        def at(day: int) -> datetime:
            return datetime(2025, 2, day, 2, 0, tzinfo=UTC)

        unit = unit_by_code(session, "PGD-KIENAN")
        assert unit is not None
        record(session, (d1, units["PGD-KIENAN"]), None, Status.DONE, at(1))
        record(session, (d1, units["PGD-HAIAN"]), None, Status.DONE, at(6))
        record(session, (d1, units["PGD-LECHAN"]), None, Status.IN_PROGRESS, at(1))
        record(session, (d1, units["PGD-HONGBANG"]), None, Status.BLOCKED, at(3),
               note="Thiếu kinh phí")  # fmt: skip
    return Story(d1, units)


def free_port() -> int:
    """A port nothing listens on, for a server of the test's own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
