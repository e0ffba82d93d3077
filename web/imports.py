"""A plan imported from the browser: upload, the preview the chat shows (with its warnings),
a wrong timeline or an unmatched unit corrected inline, then Apply.

The upload is a `web_import` row holding the file and the corrections so far, so a restart
between the preview and Apply loses nothing; the reading itself runs in the same child
process as the chat's (a memory and time limit), and is kept in memory only as a cache. A
failed reading stores nothing; Apply saves in one transaction through `plans.store`, as the
chat and the command line do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditLog, Unit, UnitGroup, WebImport
from duties.permissions import Action, authorize
from plans.assignments import RegimeError, regime_of, use_regime
from plans.corrections import correct_timelines, names, rows
from plans.isolated import read_isolated_async
from plans.matching import Match, Registry, normal, remember
from plans.model import PlanDocument
from plans.reader import MAX_BYTES
from plans.store import save_plan
from plans.tables import PlanReadError
from texts import messages
from web.app import Viewer, detached, in_db, render, viewer_of, workspace

EXTERNAL = "Ngoài hệ thống"
GROUP = "Nhóm: "
KEPT = 8  # readings kept in memory; an older upload is read again from its row


@dataclass(frozen=True)
class Name:
    """A unit name in the plan, how the registry reads it, and the office's choice for it."""

    index: int
    text: str
    match: Match
    choice: str = ""
    error: str = ""


def _office(request: web.Request) -> Viewer:
    viewer = viewer_of(request)
    if not viewer.scope.can_act:
        raise web.HTTPForbidden(reason="Chỉ Văn phòng Sở nhập được kế hoạch.")
    return viewer


def _allowed(session: Session, viewer: Viewer, now: Any) -> bool:
    return authorize(session, viewer.actor, Action.OFFICE, now, what="web_import")


def _today(request: web.Request) -> date:
    ws = workspace(request)
    return ws.clock().astimezone(ws.settings.timezone).date()


async def _read(request: web.Request, data: bytes, name: str, key: Any) -> PlanDocument:
    """The document, read in the child process (or from the cache for this upload)."""
    cache = workspace(request).readings
    if key is not None and key in cache:
        return cache[key]
    today = _today(request)
    doc = await read_isolated_async(data, name, today)
    use_regime(doc, workspace(request).settings.report_regime, today)
    if key is not None:
        cache[key] = doc
        while len(cache) > KEPT:
            cache.pop(next(iter(cache)))
    return doc


# ---- upload --------------------------------------------------------------------------------


async def upload_page(request: web.Request) -> web.Response:
    _office(request)

    def pending(session: Session) -> list[tuple[int, str, Any]]:
        found = session.execute(
            select(WebImport.id, WebImport.file_name, WebImport.created_at)
            .where(WebImport.applied_at.is_(None))
            .order_by(WebImport.id.desc())
            .limit(20)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]

    listed = await in_db(request, pending)
    said = request.query.get("ok", "")
    return render(request, "import.html", pending=listed, said=said, failure="",
                  limit_mb=MAX_BYTES >> 20)  # fmt: skip


async def upload(request: web.Request) -> web.StreamResponse:
    viewer = _office(request)
    ws = workspace(request)
    form = await request.post()
    sent = form.get("tep")
    if not isinstance(sent, web.FileField) or not sent.filename:
        return _refused(request, "Chưa chọn tệp kế hoạch.")
    name = sent.filename
    data = sent.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _refused(request, messages.text("plan.too_big", ws.settings.locale, name=name))
    if not data:
        return _refused(request, f"Tệp {name} trống.")
    now = ws.clock()
    if not await in_db(request, lambda s: _allowed(s, viewer, now)):
        raise web.HTTPForbidden(reason="Chỉ Văn phòng Sở nhập được kế hoạch.")
    try:
        doc = await _read(request, data, name, None)
    except (PlanReadError, RegimeError) as error:  # nothing is stored
        text = messages.text("plan.unreadable", ws.settings.locale, problem=str(error))
        return _refused(request, messages.plain(text))

    def store(session: Session) -> int:
        row = WebImport(telegram_user_id=viewer.user_id, file_name=name[:255],
                        sha256=hashlib.sha256(data).hexdigest(), data=data, corrections={},
                        created_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id

    import_id = await in_db(request, store)
    ws.readings[(import_id, hashlib.sha256(data).hexdigest())] = doc
    raise web.HTTPSeeOther(f"/nhap-ke-hoach/{import_id}")


def _refused(request: web.Request, failure: str) -> web.Response:
    return render(request, "import.html", status=422, pending=[], said="", failure=failure,
                  limit_mb=MAX_BYTES >> 20)  # fmt: skip


# ---- preview, corrections, apply -----------------------------------------------------------


def _choice(session: Session, raw: str) -> tuple[dict[str, Any], str]:
    """What the office typed for an unmatched name: a unit (code or exact name), a group
    ("Nhóm: …") or "Ngoài hệ thống"; ({}, "") when left empty."""
    text = " ".join(raw.split())
    if not text:
        return {}, ""
    if normal(text) == normal(EXTERNAL):
        return {"external": True}, ""
    if text.lower().startswith(GROUP.strip().lower()):
        group = text.split(":", 1)[1].strip()
        if session.scalar(select(UnitGroup.id).where(UnitGroup.name == group)) is not None:
            return {"group": group}, ""
        return {}, f"Không có nhóm đơn vị nào tên «{group}»."
    code = text.split(" · ", 1)[0].strip()
    for unit in session.scalars(select(Unit).where(Unit.active.is_(True))):
        if unit.code.lower() == code.lower() or normal(unit.name) == normal(text):
            return {"unit_code": unit.code}, ""
    return {}, f"Không có đơn vị nào mã hoặc tên «{text}»."


def _names(session: Session, doc: PlanDocument, chosen: dict[str, str]) -> list[Name]:
    registry = Registry(session)
    listed = []
    for index, text in enumerate(names(doc)):
        raw = chosen.get(text, "")
        error = _choice(session, raw)[1] if raw else ""
        listed.append(Name(index, text, registry.match(text), raw, error))
    return listed


def _registry_choices(session: Session) -> list[tuple[str, str]]:
    """(value, label) for the datalist an unmatched name is corrected with."""
    units = session.execute(
        select(Unit.code, Unit.name, Unit.district).where(Unit.active.is_(True)).order_by(Unit.name)
    )
    listed = [(f"{code} · {name}", district or "") for code, name, district in units]
    listed += [(GROUP + g, "nhóm đơn vị") for g in session.scalars(select(UnitGroup.name))]
    return [*listed, (EXTERNAL, "cơ quan không nhận nhắc việc")]


async def _pending(request: web.Request) -> tuple[WebImport, PlanDocument]:
    try:
        import_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound(reason="Không có lần nhập này.") from None
    row = await in_db(request, lambda s: detached(s, s.get(WebImport, import_id)))
    if row is None:
        raise web.HTTPNotFound(reason="Không có lần nhập này (đã hủy hoặc không tồn tại).")
    if row.applied_at is not None and row.plan_id is not None:
        raise web.HTTPSeeOther(f"/ke-hoach/{row.plan_id}")
    try:
        doc = await _read(request, row.data, row.file_name, (row.id, row.sha256))
    except (PlanReadError, RegimeError) as error:  # a limit changed since the upload
        raise web.HTTPUnprocessableEntity(reason=str(error)) from None
    return row, doc


def _preview(
    request: web.Request,
    row: WebImport,
    doc: PlanDocument,
    corrections: dict[str, Any],
    session: Session,
    said: str = "",
) -> dict[str, Any]:
    phrases: dict[str, str] = corrections.get("timelines", {})
    fixed, errors = correct_timelines(doc, phrases, _today(request))
    if errors:  # show what was read, each wrong phrase as typed with why
        fixed = correct_timelines(
            doc, {k: v for k, v in phrases.items() if k not in errors}, _today(request)
        )[0]
    listed = _names(session, doc, corrections.get("names", {}))
    return {
        "row": row,
        "doc": fixed,
        "rows": rows(fixed),
        "phrases": phrases,
        "errors": errors,
        "names": listed,
        "name_errors": [n for n in listed if n.error],
        "unmatched": [n for n in listed if n.match.kind == "unmatched"],
        "choices": _registry_choices(session),
        "regime": regime_of(fixed),
        "said": said,
    }


async def preview_page(request: web.Request) -> web.Response:
    _office(request)
    row, doc = await _pending(request)
    values = await in_db(request, lambda s: _preview(request, row, doc, row.corrections, s))
    return render(request, "import_preview.html", **values)


def _submitted(form: Any, doc: PlanDocument) -> dict[str, Any]:
    timelines = {r.ref: str(form.get(f"t-{r.ref}", r.reading.text)) for r in rows(doc)}
    chosen = {}
    for index, text in enumerate(names(doc)):
        value = " ".join(str(form.get(f"n-{index}", "")).split())
        if value:
            chosen[text] = value
    return {"timelines": timelines, "names": chosen}


async def correct_or_apply(request: web.Request) -> web.StreamResponse:
    viewer = _office(request)
    ws = workspace(request)
    row, doc = await _pending(request)
    form = await request.post()
    if form.get("action") == "huy":

        def drop(session: Session) -> None:
            session.execute(
                WebImport.__table__.delete().where(
                    WebImport.id == row.id, WebImport.applied_at.is_(None)
                )
            )

        await in_db(request, drop)
        raise web.HTTPSeeOther("/nhap-ke-hoach?ok=" + quote(f"Đã hủy nhập {row.file_name}."))
    corrections = _submitted(form, doc)
    applying = form.get("action") == "ap-dung"
    now, today = ws.clock(), _today(request)

    def act(session: Session) -> tuple[dict[str, Any] | None, str]:
        """(the preview to show again, "") or (None, where to go when applied)."""
        if not _allowed(session, viewer, now):
            raise web.HTTPForbidden(reason="Chỉ Văn phòng Sở nhập được kế hoạch.")
        session.execute(
            update(WebImport).where(WebImport.id == row.id).values(corrections=corrections)
        )
        values = _preview(request, row, doc, corrections, session)
        if not applying or values["errors"] or values["name_errors"]:
            return values, ""
        claimed = session.execute(
            update(WebImport)
            .where(WebImport.id == row.id, WebImport.applied_at.is_(None))
            .values(applied_at=now)
        )
        if claimed.rowcount != 1:  # applied meanwhile (a second press, another tab)
            found = session.get(WebImport, row.id)
            return None, f"/ke-hoach/{found.plan_id}" if found and found.plan_id else "/"
        for name, raw in corrections["names"].items():
            chosen = _choice(session, raw)[0]
            if chosen:
                remember(session, name, **chosen)
        saved = save_plan(session, values["doc"], row.file_name, row.sha256, today)
        session.execute(
            update(WebImport).where(WebImport.id == row.id).values(plan_id=saved.plan_id)
        )
        changed = {k: v for k, v in corrections["timelines"].items()
                   if k in {r.ref for r in rows(doc)} and v != _phrase(doc, k)}  # fmt: skip
        session.add(
            AuditLog(at=now, actor_user_id=viewer.user_id, action="web_import",
                     detail={"plan_id": saved.plan_id, "source": row.file_name,
                             "timelines": changed, "names": corrections["names"]})
        )  # fmt: skip
        said = messages.text(saved.message_key, ws.settings.locale, **saved.counts)
        return None, f"/ke-hoach/{saved.plan_id}?ok=" + quote(messages.plain(said))

    values, location = await in_db(request, act)
    if values is None:
        ws.readings.pop((row.id, row.sha256), None)
        raise web.HTTPSeeOther(location)
    if not applying and not values["errors"] and not values["name_errors"]:
        values["said"] = "Đã kiểm tra: các sửa đổi đọc được. Bấm «Áp dụng» để lưu kế hoạch."
    bad = values["errors"] or values["name_errors"]
    return render(request, "import_preview.html", status=422 if bad else 200, **values)


def _phrase(doc: PlanDocument, ref: str) -> str:
    return next((r.reading.text for r in rows(doc) if r.ref == ref), "")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/nhap-ke-hoach", upload_page)
    app.router.add_post("/nhap-ke-hoach", upload)
    app.router.add_get("/nhap-ke-hoach/{id}", preview_page)
    app.router.add_post("/nhap-ke-hoach/{id}", correct_or_apply)
