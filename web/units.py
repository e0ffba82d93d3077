"""A unit's own duties in the workspace (the Mini App a head opens from Telegram): answer
with a status and a note, send a checklist, fill a form on one page — through the same duty
actions as the chat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FormDefinition, FormSubmission, Status
from duties import actions, query
from duties.model import Duty
from plans.forms import Field, Form, FormError, form_from_json, parse_value
from texts import messages
from web.app import done, in_db, problem, render, viewer_of, workspace

STATUSES = {"dang-lam": Status.IN_PROGRESS, "vuong-mac": Status.BLOCKED, "xong": Status.DONE}


@dataclass(frozen=True)
class FormView:
    definition_id: int
    form: Form
    answers: dict[str, Any]  # what was sent, or the draft the chat holds
    sent: bool


def form_of(session: Session, duty: Duty) -> FormView | None:
    if not duty.has_form:
        return None
    definition = session.scalar(
        select(FormDefinition).where(FormDefinition.task_id == duty.task_id)
    )
    if definition is None:
        return None
    try:
        form = form_from_json(definition.title, definition.fields)
    except FormError:
        return None
    submission = session.scalar(
        select(FormSubmission).where(
            FormSubmission.form_id == definition.id,
            FormSubmission.occurrence_id == duty.occurrence_id,
            FormSubmission.unit_id == duty.unit_id,
        )
    )
    stored = dict(submission.answers) if submission is not None else {}
    final = stored.get("final")
    return FormView(definition.id, form, final or stored.get("draft") or {}, bool(final))


async def mine(request: web.Request) -> web.Response:
    """The viewer's unit's open duties, nearest first."""
    viewer = viewer_of(request)
    now = workspace(request).clock()
    unit_id = viewer.actor.unit_id
    if unit_id is None:
        return render(request, "mine.html", duties=[], unit_name="")
    duties = await in_db(request, lambda s: query.open_duties(s, now, unit_ids=[unit_id]))
    duties = [d for d in duties if d.task_kind != "event"]
    return render(request, "mine.html", duties=duties, unit_name=viewer.scope.label)


def _key(request: web.Request) -> tuple[int, int]:
    return int(request.match_info["occurrence_id"]), int(request.match_info["unit_id"])


def _refused(request: web.Request, outcome: actions.Outcome) -> web.Response:
    text = messages.text(outcome.problem or "answer.refused", workspace(request).settings.locale)
    return problem(request, 403 if not outcome.allowed else 404, "Không ghi được", text)


async def answer(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    now = workspace(request).clock()
    key = _key(request)
    form = await request.post()
    status = STATUSES.get(str(form.get("tinh-trang", "")))
    note = str(form.get("ghi-chu", "")).strip()[:2000]
    if status is None:
        return problem(
            request,
            400,
            "Chưa chọn tình trạng",
            "Hãy chọn Đang thực hiện, Vướng mắc hoặc Đã hoàn thành.",
        )
    if status is Status.BLOCKED and not note:
        return problem(
            request,
            400,
            "Cần ghi rõ vướng mắc",
            "Khi báo vướng mắc, đề nghị ghi rõ vướng mắc gì để Văn phòng Sở hỗ trợ.",
        )
    outcome = await in_db(
        request, lambda s: actions.answer(s, viewer.actor, key, status, note, now)
    )
    if outcome.recorded is None:
        return _refused(request, outcome)
    late = " (sau hạn)" if outcome.recorded.late else ""
    raise done(key, f"Đã ghi nhận báo cáo{late}.")


async def checklist(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    now = workspace(request).clock()
    key = _key(request)
    form = await request.post()
    ticked = {int(v) for v in form.getall("muc", []) if str(v).isdigit()}
    outcome = await in_db(
        request, lambda s: actions.set_checklist(s, viewer.actor, key, ticked, now)
    )
    if outcome.checklist is None:
        return _refused(request, outcome)
    done, total = outcome.checklist
    raise done(key, f"Đã gửi danh sách kiểm tra: {done}/{total} mục.")


def read_form(form: Form, posted: dict[str, str]) -> tuple[dict[str, Any], dict[str, str], bool]:
    """The page's fields as the form's answers: (answers, problems by input name, complete).
    A changed repeat count re-shows the page with that many rows, nothing lost."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    complete = True

    def value(field: Field, name: str) -> Any:
        nonlocal complete
        raw = posted.get(name, "")
        parsed, problem_key = parse_value(field, raw)
        if problem_key is not None:
            problems[name] = messages.text(problem_key)  # as the chat says it
            complete = False
            return raw
        return parsed

    for field in form.fields:
        if field.group:
            continue
        answers[field.key] = value(field, field.key)
        if field.repeat:
            count = answers[field.key] if isinstance(answers[field.key], int) else 0
            shown = int(posted.get(f"_rows_{field.repeat}", "0") or 0)
            rows = []
            for r in range(count):
                if r >= shown:  # a row the page did not show yet: asked, not wrong
                    rows.append({})
                    continue
                rows.append(
                    {
                        m.key: value(m, f"{field.repeat}.{r}.{m.key}")
                        for m in form.group_fields(field.repeat)
                    }
                )
            answers[field.repeat] = rows
            if count != shown:  # more or fewer rows asked for: show them before sending
                complete = False
    return answers, problems, complete and not problems


async def form_page(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    ws = workspace(request)
    now = ws.clock()
    key = _key(request)

    def read(session: Session) -> tuple[Duty, FormView] | None:
        seen = actions.look(session, viewer.actor, key, now, "form")
        if seen.duty is None:
            return None
        view = form_of(session, seen.duty)
        return (seen.duty, view) if view is not None else None

    found = await in_db(request, read)
    if found is None:
        return problem(
            request,
            404,
            "Không mở được biểu mẫu",
            "Biểu mẫu này không có hoặc không thuộc đơn vị của bạn.",
        )
    duty, view = found
    if request.method == "GET":
        return render(request, "form.html", duty=duty, view=view, answers=view.answers, problems={})
    posted = {k: str(v) for k, v in (await request.post()).items()}
    answers, problems, complete = read_form(view.form, posted)
    if not complete:
        return render(
            request,
            "form.html",
            duty=duty,
            view=view,
            answers=answers,
            problems=problems,
            status=400 if problems else 200,
        )
    outcome = await in_db(
        request,
        lambda s: actions.submit_form(
            s, viewer.actor, key, view.definition_id, view.form.title, answers, now
        ),
    )
    if outcome.recorded is None:
        return problem(
            request,
            409,
            "Không gửi được",
            "Biểu mẫu đã gửi và đã quá hạn sửa."
            if outcome.asks == "closed"
            else "Biểu mẫu không thuộc đơn vị của bạn.",
        )
    late = " (sau hạn)" if outcome.recorded.late else ""
    raise done(key, f"Đã gửi biểu mẫu{late}.")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/don-vi", mine)
    base = r"/nhiem-vu/{occurrence_id:\d+}/{unit_id:\d+}"
    app.router.add_post(base + "/tra-loi", answer)
    app.router.add_post(base + "/danh-sach", checklist)
    app.router.add_get(base + "/bieu-mau", form_page)
    app.router.add_post(base + "/bieu-mau", form_page)
