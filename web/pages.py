"""The office's pages: the overview, a plan's matrix, one unit's duty, the exports.

Every number comes from `duties.query.in_scope` restricted to the viewer's scope and counted
by `reports.overview`, as `/tonghop` and `nhacviec report summary --json` count them.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Attachment,
    AuditLog,
    ChecklistItem,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderState,
    Response,
    ScopeClaim,
    Task,
    TaskKind,
    Unit,
)
from db.text import folded
from duties import actions, query
from duties.answers import checklist_state
from duties.model import Duty
from duties.permissions import Action, Scope, authorize
from duties.rules import ORDER
from jobs import notices
from reports import data, excel, overview
from reports.calendar import calendar, installation_id
from web import charts, snapshots
from web.app import Viewer, detached, done, in_db, problem, render, viewer_of, workspace
from web.units import form_of

PAGE_ROWS = 50
T = TypeVar("T")


def _unit_ids(scope: Scope) -> list[int] | None:
    return None if scope.unit_ids is None else sorted(scope.unit_ids)


def _plans(session: Session) -> list[Plan]:
    return list(session.scalars(select(Plan).order_by(Plan.issued_on.desc(), Plan.id.desc())))


async def snapshot(request: web.Request, key: Any, read: Any) -> Any:
    """`read` in a worker thread, or its snapshot while the data have not changed."""
    current = await in_db(request, snapshots.version)

    async def compute() -> Any:
        return await in_db(request, read)

    return await workspace(request).snapshots.get(key, current, compute)


# ---- the overview --------------------------------------------------------------------------


async def home(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    raise web.HTTPSeeOther("/don-vi" if viewer.scope.kind == "unit" else "/tong-quan")


async def overview_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    ws = workspace(request)
    now = ws.clock()

    def read(session: Session) -> tuple[overview.Overview, list[Plan]]:
        rows = query.in_scope(session, now, unit_ids=_unit_ids(viewer.scope))
        return overview.overview(rows, now, ws.settings.timezone), _plans(session)

    seen, plans = await snapshot(request, ("overview", viewer.scope.unit_ids), read)
    return render(
        request,
        "overview.html",
        seen=seen,
        plans=plans,
        order=ORDER,
        chart_categories=charts.categories(seen.tally.counts),
        chart_weeks=charts.weeks(seen.weeks),
        chart_districts=charts.districts(seen.districts),
        chart_slowest=charts.slowest(seen.slowest),
    )


# ---- a plan's matrix -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    task_id: int
    period_key: str
    ref: str
    title: str
    due_at: datetime


def current(ordered: list[T], due_at: Any, now: datetime) -> T:
    """Of a task's periods in date order, the one a matrix shows: the latest already due
    (what the office chases), or the first to come when none is due yet."""
    due = [p for p in ordered if due_at(p) <= now]
    return due[-1] if due else ordered[0]


def columns(rows: list[Duty], now: datetime, every_period: bool) -> list[Column]:
    """Each task's occurrence to show: with `every_period` all of them; else `current`."""
    per_task: dict[int, dict[str, Duty]] = defaultdict(dict)
    for r in rows:
        per_task[r.task_id].setdefault(r.period_key, r)
    out = []
    for periods in per_task.values():
        ordered = sorted(periods.values(), key=lambda d: d.due_at)
        if not every_period:
            ordered = [current(ordered, lambda d: d.due_at, now)]
        out += [
            Column(d.task_id, d.period_key, d.task_ref, d.task_title, d.due_at) for d in ordered
        ]
    position = {r.task_id: r.task_position for r in rows}
    return sorted(out, key=lambda c: (position[c.task_id], c.due_at))


@dataclass(frozen=True)
class Line:
    unit_id: int
    name: str
    district: str
    kind: str
    cells: list[Duty | None]


def matrix_lines(
    session: Session, plan_id: int, scope: Scope, now: datetime, every_period: bool
) -> tuple[list[Column], list[Line]]:
    """The columns a plan's matrix shows and a line per unit in scope, by district."""
    shown_periods = session.execute(
        select(Occurrence.id, Occurrence.task_id, Occurrence.period_key, Occurrence.due_at)
        .join(Task, Task.id == Occurrence.task_id)
        .where(Task.plan_id == plan_id, Task.active.is_(True), Task.kind != TaskKind.EVENT)
    ).all()
    # Only the occurrences the page shows are read: each task's current one, unless all.
    wanted = None
    if not every_period:
        per_task: dict[int, list[Any]] = defaultdict(list)
        for row in shown_periods:
            per_task[row.task_id].append(row)
        wanted = []
        for rows_of_task in per_task.values():
            ordered = sorted(rows_of_task, key=lambda r: r.due_at)
            wanted.append(current(ordered, lambda r: r.due_at, now).id)
    rows = query.in_scope(session, now, plan_ids=[plan_id], unit_ids=_unit_ids(scope),
                          occurrence_ids=wanted)  # fmt: skip
    kinds = dict(session.execute(select(Unit.id, Unit.kind)).all()) if rows else {}
    cols = columns(rows, now, every_period)
    cells: dict[tuple[int, int, str], Duty] = {}
    units: dict[int, Duty] = {}
    for r in rows:
        cells[(r.unit_id, r.task_id, r.period_key)] = r
        units.setdefault(r.unit_id, r)
    lines = [
        Line(unit_id, first.unit_name, first.unit_district, kinds.get(unit_id, ""),
             [cells.get((unit_id, c.task_id, c.period_key)) for c in cols])
        for unit_id, first in sorted(units.items(),
                                     key=lambda u: (u[1].unit_district, u[1].unit_name))
    ]  # fmt: skip
    return cols, lines


async def plan_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    ws = workspace(request)
    now = ws.clock()
    plan_id = int(request.match_info["plan_id"])
    q = request.query
    want_district, want_kind = q.get("huyen", ""), q.get("loai", "")
    want_status, search = q.get("tinh-trang", ""), folded(q.get("q", ""))
    every_period = q.get("ky") == "tat-ca"
    try:
        page_no = max(1, int(q.get("trang", "1")))
    except ValueError:
        page_no = 1

    def read(session: Session) -> Any:
        plan = detached(session, session.get(Plan, plan_id))
        if plan is None:
            return None
        return plan, matrix_lines(session, plan_id, viewer.scope, now, every_period)

    found = await snapshot(request, ("plan", plan_id, viewer.scope.unit_ids, every_period), read)
    if found is None:
        raise web.HTTPNotFound(reason="Không có kế hoạch này.")
    plan, (cols, lines) = found
    districts = sorted({ln.district for ln in lines if ln.district})
    unit_kinds = sorted({ln.kind for ln in lines if ln.kind})
    matching = [
        ln
        for ln in lines
        if (not want_district or ln.district == want_district)
        and (not want_kind or ln.kind == want_kind)
        and (
            not want_status
            or any(
                c is not None
                and (c.category.value == want_status or (want_status == "overdue" and c.overdue))
                for c in ln.cells
            )
        )
        and (
            not search
            or search in folded(ln.name)
            or any(c is not None and search in folded(c.task_title) for c in ln.cells)
        )
    ]
    pages = max(1, -(-len(matching) // PAGE_ROWS))
    page_no = min(page_no, pages)
    tally = overview.Tally.of(c for ln in matching for c in ln.cells if c is not None)
    kept = {k: v for k, v in q.items() if k != "trang"}
    return render(
        request,
        "plan.html",
        plan=plan,
        columns=cols,
        lines=matching[(page_no - 1) * PAGE_ROWS : page_no * PAGE_ROWS],
        total_lines=len(matching),
        districts=districts,
        unit_kinds=unit_kinds,
        order=ORDER,
        query=q,
        page_no=page_no,
        pages=pages,
        tally=tally,
        page_link=lambda n: f"/ke-hoach/{plan_id}?" + urlencode({**kept, "trang": n}),
        every_period=every_period,
        said=q.get("ok", ""),
    )


# ---- one unit's duty -----------------------------------------------------------------------


@dataclass(frozen=True)
class DutyPage:
    duty: Duty
    answers: list[tuple[Response, str]]
    files: list[Attachment]
    reminders: list[Reminder]
    checklist: list[tuple[int, str, bool]]
    form: Any  # (definition, Form, submission answers) or None
    claim: ScopeClaim | None = None  # the unit said the task is not its own


def _key(request: web.Request) -> tuple[int, int]:
    try:
        return int(request.match_info["occurrence_id"]), int(request.match_info["unit_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


def read_duty(
    session: Session, viewer: Viewer, key: tuple[int, int], now: datetime
) -> DutyPage | str:
    """The duty with its history, or why not ("refused", "gone")."""
    if not authorize(
        session,
        viewer.actor,
        Action.VIEW,
        now,
        unit_id=key[1],
        what="web_view",
        detail={"occurrence_id": key[0]},
        scope=viewer.scope,
        audit_allowed=True,
    ):
        return "refused"
    duty = query.one(session, key[0], key[1], now)
    if duty is None:
        return "gone"
    answers = session.execute(
        select(Response, Member.full_name)
        .outerjoin(Member, Member.id == Response.member_id)
        .where(Response.occurrence_id == key[0], Response.unit_id == key[1])
        .order_by(Response.id.desc())
    ).all()
    files = list(
        session.scalars(
            select(Attachment)
            .where(Attachment.occurrence_id == key[0], Attachment.unit_id == key[1])
            .order_by(Attachment.id.desc())
        )
    )
    reminders = list(
        session.scalars(
            select(Reminder)
            .where(
                Reminder.occurrence_id == key[0],
                Reminder.unit_id == key[1],
                Reminder.state == ReminderState.SENT,
            )
            .order_by(Reminder.sent_at.desc())
            .limit(50)
        )
    )
    labels = dict(
        session.execute(
            select(ChecklistItem.id, ChecklistItem.label).where(
                ChecklistItem.task_id == duty.task_id
            )
        ).all()
    )
    checklist = [(i, labels.get(i, ""), c) for i, c in checklist_state(session, *key)]
    return DutyPage(
        duty,
        [(r, n or "") for r, n in answers],
        files,
        reminders,
        checklist,
        form_of(session, duty),
        detached(session, session.get(ScopeClaim, (duty.task_id, key[1]))),
    )


async def duty_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    now = workspace(request).clock()
    key = _key(request)
    found = await in_db(request, lambda s: read_duty(s, viewer, key, now))
    if found == "refused":
        return problem(
            request,
            403,
            "Không có quyền xem",
            "Nhiệm vụ này thuộc một đơn vị ngoài phạm vi của bạn.",
        )
    if found == "gone":
        raise web.HTTPNotFound(reason="Nhiệm vụ này không còn.")
    assert isinstance(found, DutyPage)
    return render(
        request,
        "duty.html",
        page=found,
        duty=found.duty,
        done=request.query.get("ok"),
        can_answer=viewer.actor.is_office
        or (viewer.actor.unit_id == key[1] and not viewer.actor.is_leader),
    )


async def nudge(request: web.Request) -> web.StreamResponse:
    """🔔 Nhắc ngay: a reminder now to the unit's people, through the outbox."""
    viewer = viewer_of(request)
    now = workspace(request).clock()
    key = _key(request)

    def act(session: Session) -> int | None:
        seen = actions.look(session, viewer.actor, key, now, "web_nudge", Action.OFFICE)
        if seen.duty is None:
            return None
        if seen.duty.status == "done":  # the sender would drop it: say so instead
            return -1
        queued, _ = notices.queue_nudges(session, [seen.duty], now)
        return queued

    queued = await in_db(request, act)
    if queued is None:
        return problem(request, 403, "Không thực hiện được", "Chỉ Văn phòng Sở nhắc được đơn vị.")
    if queued < 0:
        raise done(key, "Đơn vị đã báo cáo hoàn thành việc này: không cần nhắc.")
    raise done(
        key,
        f"Đã xếp {queued} tin nhắc cho đơn vị."
        if queued
        else "Đơn vị chưa có ai liên kết với bot: không có ai để nhắc.",
    )


async def explain_request(request: web.Request) -> web.StreamResponse:
    """📝 Yêu cầu giải trình: the formal request, through the outbox."""
    viewer = viewer_of(request)
    ws = workspace(request)
    now = ws.clock()
    key = _key(request)

    def act(session: Session) -> int | None:
        done = actions.request_explanation(session, viewer.actor, key, now)
        if done.duty is None:
            return None
        return notices.queue_explanation_request(
            session, done.duty, now, ws.settings.locale, ws.settings.timezone
        )

    queued = await in_db(request, act)
    if queued is None:
        return problem(
            request, 403, "Không thực hiện được", "Chỉ Văn phòng Sở yêu cầu giải trình được."
        )
    raise done(
        key,
        "Đã gửi yêu cầu giải trình."
        if queued
        else "Đã ghi yêu cầu; đơn vị chưa có ai liên kết để nhận.",
    )


async def scope_decision(request: web.Request) -> web.StreamResponse:
    """The office confirms a unit's "Không thuộc phạm vi", or keeps the task assigned."""
    viewer = viewer_of(request)
    ws = workspace(request)
    now, key = ws.clock(), _key(request)
    confirm = (await request.post()).get("quyet-dinh") == "y"

    def act(session: Session) -> str | None:
        duty = query.one(session, key[0], key[1], now)
        if duty is None:
            return None
        claim = actions.decide_scope(session, viewer.actor, duty.task_id, key[1], confirm, now)
        if claim is None:
            return ""
        notices.queue_scope_decision(session, key[1], duty.unit_name, duty.task_ref, confirm,
                                     now, ws.settings.locale)  # fmt: skip
        return claim.state

    decided = await in_db(request, act)
    if decided is None:
        raise web.HTTPNotFound(reason="Không có việc này.")
    if not decided:
        why = "Chỉ Văn phòng Sở quyết định, và chỉ khi đơn vị đang chờ xác nhận."
        return problem(request, 403, "Không thực hiện được", why)
    if decided == "confirmed":  # the duty is no longer the unit's: back to the plan
        raise web.HTTPSeeOther("/tong-quan?ok=" + quote("Đã bỏ giao việc cho đơn vị."))
    raise done(key, "Đã đề nghị đơn vị vẫn thực hiện việc này; bot nhắc lại như trước.")


async def attachment(request: web.Request) -> web.StreamResponse:
    """A report file: from ATTACHMENTS_DIR when kept there, else fetched from Telegram."""
    viewer = viewer_of(request)
    ws = workspace(request)
    now = ws.clock()
    file_id = int(request.match_info["file_id"])

    def read(session: Session) -> Attachment | str:
        found = session.get(Attachment, file_id)
        if found is None:
            return "gone"
        if not authorize(
            session,
            viewer.actor,
            Action.VIEW,
            now,
            unit_id=found.unit_id,
            what="web_file",
            detail={"attachment": file_id},
            scope=viewer.scope,
            audit_allowed=True,
        ):
            return "refused"
        session.expunge(found)
        return found

    found = await in_db(request, read)
    if found == "refused":
        return problem(request, 403, "Không có quyền xem", "Tệp này thuộc đơn vị khác.")
    if not isinstance(found, Attachment):
        raise web.HTTPNotFound(reason="Không có tệp này.")
    name = found.file_name or f"tep-{found.id}"
    mime = found.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    if found.local_path and await asyncio.to_thread(Path(found.local_path).is_file):
        return web.FileResponse(
            found.local_path, headers={"Content-Disposition": disposition, "Content-Type": mime}
        )
    if ws.bot is None:
        return problem(
            request,
            404,
            "Không tải được tệp",
            "Tệp chỉ lưu trên Telegram và máy chủ đang không kết nối Telegram.",
        )
    try:
        remote = await ws.bot.get_file(found.file_id)
        content = bytes(await remote.download_as_bytearray())
    except Exception:  # any Telegram or network error: one clear page
        return problem(
            request, 502, "Không tải được tệp", "Telegram không trả tệp lúc này; hãy thử lại sau."
        )
    return web.Response(
        body=content, headers={"Content-Disposition": disposition, "Content-Type": mime}
    )


# ---- exports -------------------------------------------------------------------------------


def _scoped_report(session: Session, plan: Plan, scope: Scope, now: datetime) -> data.PlanReport:
    report = data.plan_report(session, plan, now)
    if scope.unit_ids is None:
        return report
    rows = [r for r in report.rows if scope.sees(r.unit_id)]
    codes = {r.unit_code for r in rows}
    names = {r.unit_name for r in rows}
    forms = [
        data.FormSheet(f.task_ref, f.title, f.fields, [s for s in f.submissions if s[0] in names])
        for f in report.forms
    ]
    return data.PlanReport(plan, rows, [a for a in report.answers if a.unit_code in codes], forms)


async def export(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    ws = workspace(request)
    now, tz = ws.clock(), ws.settings.timezone
    plan_id, kind = int(request.match_info["plan_id"]), request.match_info["kind"]

    def read(session: Session) -> tuple[str, bytes, str] | None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            return None
        session.add(AuditLog(at=now, actor_user_id=viewer.user_id, action="allowed:web_export",
                             allowed=True, detail={"plan_id": plan_id, "kind": kind}))  # fmt: skip
        name = excel.export_name(plan)
        if kind == "ics":
            unit = (
                None
                if viewer.scope.unit_ids is None or len(viewer.scope.unit_ids) != 1
                else next(iter(viewer.scope.unit_ids))
            )
            entries = data.calendar_entries(session, [plan.id], unit)
            body = calendar(
                entries,
                f"Nhắc việc — {plan.number or plan.id}",
                tz,
                now,
                installation_id(ws.settings.telegram_bot_token.reveal(), ws.settings.database_url),
            )
            return name.replace(".xlsx", ".ics"), body, "text/calendar; charset=utf-8"
        report = _scoped_report(session, plan, viewer.scope, now)
        if kind == "csv":
            return (
                name.replace(".xlsx", ".csv"),
                excel.csv_text(report.rows, tz).encode("utf-8"),
                "text/csv; charset=utf-8",
            )
        return (
            name,
            excel.workbook_bytes(report, now, tz),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    found = await in_db(request, read)
    if found is None:
        raise web.HTTPNotFound(reason="Không có kế hoạch này.")
    name, body, mime = found
    return web.Response(
        body=body,
        headers={
            "Content-Type": mime,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/tong-quan", overview_page)
    app.router.add_get(r"/ke-hoach/{plan_id:\d+}", plan_page)
    app.router.add_get(r"/nhiem-vu/{occurrence_id:\d+}/{unit_id:\d+}", duty_page)
    app.router.add_post(r"/nhiem-vu/{occurrence_id:\d+}/{unit_id:\d+}/pham-vi", scope_decision)
    app.router.add_post(r"/nhiem-vu/{occurrence_id:\d+}/{unit_id:\d+}/nhac", nudge)
    app.router.add_post(r"/nhiem-vu/{occurrence_id:\d+}/{unit_id:\d+}/giai-trinh", explain_request)
    app.router.add_get(r"/tep/{file_id:\d+}", attachment)
    app.router.add_get(r"/xuat/{plan_id:\d+}.{kind:xlsx|csv|ics}", export)
