"""The workspace as the office, a leader, a district office and a school head meet it: sign
in from Telegram or with a one-time link, see exactly their scope, act through the outbox,
answer as the chat would — with the same numbers as `report summary --json`."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app as cli_app
from db import web_auth
from db.models import (
    AuditLog,
    FormDefinition,
    FormSubmission,
    Occurrence,
    Reminder,
    Response,
    Status,
    Task,
)
from db.session import session_scope
from duties.query import in_scope
from reports.overview import summary_json
from tests.conftest import FakeClock
from tests.web_fixtures import (
    BOT_TOKEN,
    DISTRICT_HEAD,
    LEADER,
    NOW,
    OFFICE_ADMIN,
    SCHOOL_HEAD,
    build_story,
    free_port,
    settings_for,
)
from web import initdata
from web.app import COOKIE, WORKSPACE, Workspace
from web.server import make_app


@pytest.fixture
def story(sessions, db_url):  # type: ignore[no-untyped-def]
    return build_story(sessions, db_url)


@pytest.fixture
async def client(sessions, db_url, story):  # type: ignore[no-untyped-def]
    clock = FakeClock(NOW)
    ws = Workspace(settings_for(db_url), sessions, clock)
    async with TestClient(TestServer(make_app(ws))) as c:
        c.clock = clock  # type: ignore[attr-defined]
        yield c


async def sign_in(client: TestClient, user_id: int) -> str:
    """Signed in from the Mini App; the CSRF token of the session."""
    init = initdata.for_user(user_id, "Người dùng", BOT_TOKEN, client.clock.now)  # type: ignore[attr-defined]
    answer = await client.post("/auth/telegram", data={"init_data": init}, allow_redirects=False)
    assert answer.status == 303
    page = await (await client.get("/don-vi")).text()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def tiles(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-category="([a-z_]+)">\s*<span class="n">([^<]+)<', page))


# ---- sign-in -------------------------------------------------------------------------------


async def test_a_valid_init_data_signs_in_with_a_session_cookie(client):
    init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", BOT_TOKEN, NOW)
    answer = await client.post("/auth/telegram", data={"init_data": init}, allow_redirects=False)
    assert answer.status == 303
    cookie = answer.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert (await client.get("/tong-quan")).status == 200


@pytest.mark.parametrize("how", ["forged", "other_token", "expired", "future", "empty", "twice"])
async def test_a_forged_or_stale_init_data_is_refused_with_401(client, how):
    init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", BOT_TOKEN, NOW)
    if how == "forged":  # the user swapped for another, the signature kept
        init = init.replace("9000", "9001")
    elif how == "other_token":
        init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", "654321:another-bot", NOW)
    elif how == "expired":
        init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", BOT_TOKEN, NOW - timedelta(hours=2))
    elif how == "future":
        init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", BOT_TOKEN, NOW + timedelta(hours=1))
    elif how == "empty":
        init = ""
    elif how == "twice":
        init = init + "&user=%7B%22id%22%3A1%7D"
    answer = await client.post("/auth/telegram", data={"init_data": init}, allow_redirects=False)
    assert answer.status == 401
    assert COOKIE not in answer.cookies
    assert "Telegram" in await answer.text()
    assert (await client.get("/tong-quan", allow_redirects=False)).status == 303


def test_init_data_checked_against_telegrams_own_example_algorithm():
    # Built by hand as Telegram's page describes, independently of `sign`.
    import hashlib
    import hmac
    from urllib.parse import quote

    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "AAH",
              "user": '{"id":42,"first_name":"Ann"}'}  # fmt: skip
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hmac.new(b"WebAppData", BOT_TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    raw = "&".join(f"{k}={quote(v)}" for k, v in fields.items()) + f"&hash={digest}"
    user = initdata.validate(raw, BOT_TOKEN, NOW)
    assert user is not None and user.id == 42 and user.first_name == "Ann"


async def test_a_one_time_link_signs_in_once(client, sessions):
    with session_scope(sessions) as session:
        token, _ = web_auth.create_link(session, DISTRICT_HEAD, NOW)
    page = await client.get(f"/auth/link?t={token}")  # a link preview would stop here
    assert page.status == 200 and "Đăng nhập" in await page.text()
    first = await client.post("/auth/link", data={"t": token}, allow_redirects=False)
    assert first.status == 303 and COOKIE in first.cookies
    again = await client.post("/auth/link", data={"t": token}, allow_redirects=False)
    assert again.status == 401
    assert "đã được dùng" in await again.text()
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).where(AuditLog.action == "refused:web_link"))


async def test_an_expired_link_and_a_made_up_one_are_refused(client, sessions):
    with session_scope(sessions) as session:
        token, _ = web_auth.create_link(session, DISTRICT_HEAD, NOW - timedelta(minutes=11))
    late = await client.post("/auth/link", data={"t": token}, allow_redirects=False)
    assert late.status == 401 and "hết hạn" in await late.text()
    wrong = await client.post("/auth/link", data={"t": "x" * 43}, allow_redirects=False)
    assert wrong.status == 401


async def test_signing_out_ends_the_session_everywhere(client, sessions):
    csrf = await sign_in(client, OFFICE_ADMIN)
    out = await client.post("/dang-xuat", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    with session_scope(sessions) as session:
        from db.models import WebSession

        assert session.scalar(select(WebSession.revoked_at)) is not None


# ---- who sees what -------------------------------------------------------------------------


async def test_the_office_overview_shows_the_same_numbers_as_report_summary_json(
    client, sessions, db_url, monkeypatch
):
    await sign_in(client, OFFICE_ADMIN)
    page = await (await client.get("/tong-quan")).text()
    with session_scope(sessions) as session:
        expected = summary_json(in_scope(session, NOW), NOW, settings_for(db_url).timezone)
    shown = tiles(page)
    for key in ("done_on_time", "done_late", "in_progress_on_time", "in_progress_late",
                "not_reported", "blocked"):  # fmt: skip
        assert int(shown[key]) == expected["totals"][key], key
    assert int(shown["overdue"]) == expected["totals"]["overdue"]
    # …and the command line prints those very numbers.
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    result = CliRunner().invoke(cli_app, ["report", "summary", "--json", "--today", "2025-02-09"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["totals"]["done_on_time"] == expected["totals"]["done_on_time"]
    assert printed["totals"]["blocked"] == expected["totals"]["blocked"] == 1
    assert printed["totals"]["total"] == expected["totals"]["total"]
    d1 = next(t for t in printed["tasks"] if t["task"] == "D1")
    assert (d1["done_on_time"], d1["done_late"], d1["in_progress_on_time"], d1["blocked"]) == (
        1, 1, 0, 1)  # fmt: skip


@pytest.mark.parametrize(
    ("user", "sees", "not_sees"),
    [
        (OFFICE_ADMIN, ["PGD-KIENAN", "PGD-HAIAN", "THPT-NGOQUYEN"], []),
        (LEADER, ["PGD-KIENAN", "PGD-HAIAN", "THPT-NGOQUYEN"], []),
        (DISTRICT_HEAD, ["PGD-KIENAN", "THPT-KIENAN"], ["PGD-HAIAN", "THPT-NGOQUYEN"]),
        (SCHOOL_HEAD, ["THPT-KIENAN"], ["PGD-KIENAN", "THPT-NGOQUYEN"]),
    ],
)
async def test_each_role_opens_only_the_duties_in_its_scope(client, story, sessions, user, sees,
                                                            not_sees):  # fmt: skip
    await sign_in(client, user)
    with session_scope(sessions) as session:
        duties = in_scope(session, NOW)
    for code in sees + not_sees:
        duty = next(d for d in duties if d.unit_code == code)
        answer = await client.get(f"/nhiem-vu/{duty.occurrence_id}/{duty.unit_id}")
        assert answer.status == (200 if code in sees else 403), code
    with session_scope(sessions) as session:
        refused = session.scalars(select(AuditLog).where(AuditLog.action == "refused:web_view"))
        assert len(list(refused)) == len(not_sees)  # every refusal audited


async def test_who_looked_at_a_units_duty_and_exports_is_audited(client, story, sessions):
    """Allowed looks at one unit's records are in the audit log as well as the refusals; a
    look changes no page, so it does not make the kept overview stale."""
    from web.snapshots import version

    await sign_in(client, LEADER)
    with session_scope(sessions) as session:
        kept = version(session)
    assert (await client.get(f"/nhiem-vu/{story.d1}/{story.units['PGD-ANLAO']}")).status == 200
    with session_scope(sessions) as session:
        plan_id = session.scalar(select(Occurrence.task_id).where(Occurrence.id == story.d1))
        plan_id = session.scalar(select(Task.plan_id).where(Task.id == plan_id))
    assert (await client.get(f"/xuat/{plan_id}.csv")).status == 200
    with session_scope(sessions) as session:
        looks = session.execute(
            select(AuditLog.actor_user_id, AuditLog.action, AuditLog.unit_id, AuditLog.allowed)
            .where(AuditLog.action.startswith("allowed:"))
            .order_by(AuditLog.id)
        ).all()
        assert [tuple(r) for r in looks] == [
            (LEADER, "allowed:web_view", story.units["PGD-ANLAO"], True),
            (LEADER, "allowed:web_export", None, True),
        ]
        assert version(session) == kept


async def test_a_district_office_overview_counts_only_its_district(client, sessions, db_url,
                                                                   story):  # fmt: skip
    await sign_in(client, DISTRICT_HEAD)
    page = await (await client.get("/tong-quan")).text()
    ids = sorted(u for c, u in story.units.items()
                 if c in ("PGD-KIENAN", "THPT-KIENAN", "TTGDNN-KIENAN"))  # fmt: skip
    with session_scope(sessions) as session:
        rows = in_scope(session, NOW, unit_ids=ids)
    expected = summary_json(rows, NOW, settings_for(db_url).timezone)["totals"]
    assert int(tiles(page)["not_reported"]) == expected["not_reported"]
    assert int(tiles(page)["done_on_time"]) == expected["done_on_time"] == 1
    assert "Ngô Quyền" not in page and "Hải An" not in page


async def test_a_leader_reads_but_cannot_nudge(client, story, sessions):
    csrf = await sign_in(client, LEADER)
    page = await (await client.get(f"/nhiem-vu/{story.d1}/{story.units['PGD-ANLAO']}")).text()
    assert "Nhắc ngay" not in page
    answer = await client.post(f"/nhiem-vu/{story.d1}/{story.units['PGD-ANLAO']}/nhac",
                               data={"csrf": csrf})  # fmt: skip
    assert answer.status == 403
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).where(Reminder.kind == "nudge")) == 0


# ---- acting --------------------------------------------------------------------------------


async def test_a_post_without_the_csrf_token_changes_nothing(client, story, sessions):
    await sign_in(client, OFFICE_ADMIN)
    target = f"/nhiem-vu/{story.d1}/{story.units['PGD-ANLAO']}/nhac"
    for data in ({}, {"csrf": "wrong"}):
        answer = await client.post(target, data=data, allow_redirects=False)
        assert answer.status == 403
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).where(Reminder.kind == "nudge")) == 0


async def test_nudge_and_explanation_request_go_through_the_outbox(client, story, sessions):
    csrf = await sign_in(client, OFFICE_ADMIN)
    with session_scope(sessions) as session:
        silent = next(d for d in in_scope(session, NOW, unit_ids=[story.units["PGD-KIENAN"]])
                      if d.category.value == "not_reported" and d.overdue)  # fmt: skip
    done = f"/nhiem-vu/{story.d1}/{story.units['PGD-KIENAN']}/nhac"
    said = await client.post(done, data={"csrf": csrf}, allow_redirects=False)
    assert "kh%C3%B4ng%20c%E1%BA%A7n%20nh%E1%BA%AFc" in said.headers["Location"]  # not needed
    base = f"/nhiem-vu/{silent.occurrence_id}/{silent.unit_id}"
    nudged = await client.post(base + "/nhac", data={"csrf": csrf}, allow_redirects=False)
    assert nudged.status == 303 and "ok=" in nudged.headers["Location"]
    asked = await client.post(base + "/giai-trinh", data={"csrf": csrf}, allow_redirects=False)
    assert asked.status == 303
    with session_scope(sessions) as session:
        rows = session.scalars(
            select(Reminder).where(
                Reminder.unit_id == story.units["PGD-KIENAN"],
                Reminder.kind.in_(["nudge", "notice"]),
            )
        )
        kinds = sorted((r.kind, r.chat_id) for r in rows)
    assert kinds == [("notice", DISTRICT_HEAD), ("nudge", DISTRICT_HEAD)]
    page = await (await client.get(base)).text()
    assert "đã yêu cầu, đơn vị chưa giải trình" in page


async def test_a_school_head_answers_from_the_mini_app_as_from_the_chat(client, story, sessions):
    csrf = await sign_in(client, SCHOOL_HEAD)
    mine = await (await client.get("/don-vi")).text()
    link = re.search(r'href="(/nhiem-vu/\d+/\d+)"', mine)
    assert link is not None, mine
    blocked = await client.post(link.group(1) + "/tra-loi",
                                data={"csrf": csrf, "tinh-trang": "vuong-mac"})  # fmt: skip
    assert blocked.status == 400  # blocked needs a note
    done = await client.post(link.group(1) + "/tra-loi", allow_redirects=False,
                             data={"csrf": csrf, "tinh-trang": "dang-lam",
                                   "ghi-chu": "Đang xây dựng kế hoạch"})  # fmt: skip
    assert done.status == 303
    with session_scope(sessions) as session:
        answer = session.scalar(select(Response).order_by(Response.id.desc()))
        assert answer is not None
        assert (answer.status, answer.note, answer.unit_id) == (
            Status.IN_PROGRESS,
            "Đang xây dựng kế hoạch",
            story.units["THPT-KIENAN"],
        )
    # Another school's duty, by URL: refused, nothing written.
    with session_scope(sessions) as session:
        other = next(d for d in in_scope(session, NOW) if d.unit_code == "THPT-NGOQUYEN")
    refused = await client.post(f"/nhiem-vu/{other.occurrence_id}/{other.unit_id}/tra-loi",
                                data={"csrf": csrf, "tinh-trang": "xong"})  # fmt: skip
    assert refused.status == 403


async def test_a_form_filled_on_one_page_lands_as_the_chats_would(client, story, sessions):
    csrf = await sign_in(client, DISTRICT_HEAD)
    with session_scope(sessions) as session:
        form = session.scalar(select(FormDefinition))
        assert form is not None
        fields = form.fields["fields"]
    url = f"/nhiem-vu/{story.d1}/{story.units['PGD-KIENAN']}/bieu-mau"
    page = await client.get(url)
    assert page.status == 200
    counter = next(f for f in fields if f.get("repeat"))
    top = [f for f in fields if not f.get("group")]
    grouped = [f for f in fields if f.get("group") == counter["repeat"]]
    posted = {"csrf": csrf, f"_rows_{counter['repeat']}": "0"}
    for f in top:
        posted[f["key"]] = "2" if f is counter or f.get("type") == "number" else "Có"
    # Two rows asked: the page shows two rows to fill, nothing sent yet.
    more = await client.post(url, data=posted)
    assert more.status == 200
    assert (await more.text()).count(f'name="{counter["repeat"]}.1.') >= 1
    posted[f"_rows_{counter['repeat']}"] = "2"
    for r in range(2):
        for f in grouped:
            posted[f"{counter['repeat']}.{r}.{f['key']}"] = "12" if f.get("type") == "number" \
                else f"Điểm cầu {r + 1}"  # fmt: skip
    wrong = dict(posted)
    number = next((f for f in grouped if f.get("type") == "number"), None)
    if number is not None:
        wrong[f"{counter['repeat']}.0.{number['key']}"] = "mười hai"
        bad = await client.post(url, data=wrong)
        assert bad.status == 400 and "Cần một số" in await bad.text()
    sent = await client.post(url, data=posted, allow_redirects=False)
    assert sent.status == 303
    with session_scope(sessions) as session:
        submission = session.scalar(select(FormSubmission))
        assert submission is not None and submission.submitted_at is not None
        final = submission.answers["final"]
        assert final[counter["key"]] == 2 and len(final[counter["repeat"]]) == 2
        answer = session.scalar(select(Response).order_by(Response.id.desc()))
        assert answer is not None and answer.status == Status.DONE
        assert answer.note.startswith("Đã gửi biểu mẫu")


async def test_exports_are_one_click_away_and_scoped(client, story):
    await sign_in(client, DISTRICT_HEAD)
    overview = await (await client.get("/tong-quan")).text()
    plan_id = re.search(r'href="/xuat/(\d+)\.xlsx"', overview).group(1)  # type: ignore[union-attr]
    csv_text = await (await client.get(f"/xuat/{plan_id}.csv")).text()
    assert "Kiến An" in csv_text and "Hải An" not in csv_text
    book = await client.get(f"/xuat/{plan_id}.xlsx")
    assert book.status == 200 and (await book.read())[:2] == b"PK"
    ics = await (await client.get(f"/xuat/{plan_id}.ics")).text()
    assert ics.startswith("BEGIN:VCALENDAR")


async def test_unknown_pages_and_signed_out_visits_answer_in_vietnamese(client):
    assert (
        (await client.get("/tong-quan", allow_redirects=False))
        .headers["Location"]
        .startswith("/dang-nhap")
    )
    await sign_in(client, OFFICE_ADMIN)
    missing = await client.get("/ke-hoach/99999")
    assert missing.status == 404 and "Không có kế hoạch này" in await missing.text()
    headers = missing.headers
    assert "frame-ancestors" in headers["Content-Security-Policy"]


# ---- from the chat -------------------------------------------------------------------------


@pytest.fixture
async def web_bot(emulator, sessions, db_url, story):  # type: ignore[no-untyped-def]
    from bot.app import build_application, start_application, stop_application
    from bot.services import Services

    port = free_port()
    settings = settings_for(db_url, TELEGRAM_API_BASE_URL=emulator.base_url, WEB_PORT=str(port),
                            WEB_PUBLIC_URL="https://theodoi.sgd.example.vn")  # fmt: skip
    for user in (DISTRICT_HEAD, 7777):
        emulator.emulator.user(user, first_name=f"Người {user}")
    application = build_application(Services(settings, sessions, FakeClock(NOW)))
    await start_application(application, poll_timeout=0.3)
    yield emulator.emulator, port
    await stop_application(application)


async def test_slash_web_gives_a_one_time_link_and_the_mini_app_button(web_bot):
    import aiohttp

    emu, port = web_bot
    # Over HTTPS the chat's menu button opens the Mini App.
    menu = emu.menu_buttons.get("")
    assert menu and menu["web_app"]["url"] == "https://theodoi.sgd.example.vn/app"
    emu.send_text(DISTRICT_HEAD, "/web")
    reply = await emu.wait_for(lambda: emu.last_bot_message(DISTRICT_HEAD))
    assert "dùng một lần" in reply["text"]
    button = reply["reply_markup"]["inline_keyboard"][0][0]
    assert button["web_app"]["url"].endswith("/app") and "Bảng theo dõi" in button["text"]
    link = re.search(r"https://theodoi\.sgd\.example\.vn/auth/link\?t=(\S+)", reply["text"])
    assert link is not None
    async with aiohttp.ClientSession() as client:
        url = f"http://127.0.0.1:{port}/auth/link"
        first = await client.post(url, data={"t": link.group(1)}, allow_redirects=False)
        assert first.status == 303 and "Secure" in first.headers["Set-Cookie"]
        assert "SameSite=None" in first.headers["Set-Cookie"]
        again = await client.post(url, data={"t": link.group(1)}, allow_redirects=False)
        assert again.status == 401
    # Someone nobody linked gets no link.
    emu.send_text(7777, "/web")
    refused = await emu.wait_for(lambda: emu.last_bot_message(7777))
    assert "chưa liên kết" in refused["text"]


async def test_an_answer_shows_at_the_next_view_of_the_overview(client, story, sessions):
    """The overview is kept between views only while nothing changed."""
    from duties.actions import record

    await sign_in(client, OFFICE_ADMIN)
    before = tiles(await (await client.get("/tong-quan")).text())
    with session_scope(sessions) as session:
        record(session, (story.d1, story.units["PGD-ANLAO"]), None, Status.DONE,
               NOW - timedelta(days=9))  # fmt: skip
    after = tiles(await (await client.get("/tong-quan")).text())
    assert int(after["done_on_time"]) == int(before["done_on_time"]) + 1


# ---- a plan imported from the browser ------------------------------------------------------

PLAN_CSV = """TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian thực hiện
1,Báo cáo sơ kết học kỳ I,Trường THPT Kiến An,,trước ngày 30/02/2025
2,Khảo sát thiết bị dạy học,Trường Thực nghiệm Hoa Sen,,Hoàn thành trong tháng 3/2025
3,Tập huấn chuyển đổi số,Trường THPT Ngô Quyền,,trước ngày 15/03/2024
""".encode()


async def upload(client: TestClient, csrf: str, content: bytes, name: str = "ke-hoach-thu.csv"):  # type: ignore[no-untyped-def]
    from aiohttp import FormData

    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("tep", content, filename=name, content_type="text/csv")
    return await client.post("/nhap-ke-hoach", data=form, allow_redirects=False)


def plans_and_imports(sessions) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from db.models import Plan, WebImport

    with session_scope(sessions) as session:
        return (session.scalar(select(func.count()).select_from(Plan)),
                session.scalar(select(func.count()).select_from(WebImport)))  # fmt: skip


async def test_the_office_imports_a_plan_from_the_browser_correcting_it_inline(
    client, story, sessions
):
    from db.models import Assignment, NameMapping, Task

    csrf = await sign_in(client, OFFICE_ADMIN)
    plans_before, _ = plans_and_imports(sessions)
    sent = await upload(client, csrf, PLAN_CSV)
    assert sent.status == 303
    preview_url = sent.headers["Location"]
    page = await (await client.get(preview_url)).text()
    # The chat's preview: its warnings, the unread phrase, the name no unit matches.
    assert "Ngày không hợp lệ: 30/02/2025 (tháng 2 không có ngày 30)" in page
    assert "invalid" not in page  # the office reads Vietnamese only
    assert "có lẽ là 15/03/2025?" in page
    assert 'name="n-1"' in page and "Trường Thực nghiệm Hoa Sen" in page
    assert plans_and_imports(sessions)[0] == plans_before  # nothing saved by a preview

    # A restart between the preview and Apply: the upload and its reading come from the row.
    client.app[WORKSPACE].readings.clear()
    fields = {"csrf": csrf, "t-1": "ngày 31/02/2025", "t-2": "Hoàn thành trong tháng 3/2025",
              "t-3": "trước ngày 15/03/2025", "n-1": "không-có-đơn-vị-này",
              "action": "ap-dung"}  # fmt: skip
    wrong = await client.post(preview_url, data=fields, allow_redirects=False)
    assert wrong.status == 422
    said = await wrong.text()
    assert "Còn 2 chỗ chưa dùng được" in said and "không-có-đơn-vị-này" in said
    assert plans_and_imports(sessions)[0] == plans_before  # a failed apply changes nothing

    fields.update({"t-1": "trước ngày 28/02/2025", "n-1": "THPT-NGOQUYEN · Trường THPT Ngô Quyền",
                   "action": "kiem-tra"})  # fmt: skip
    checked = await client.post(preview_url, data=fields, allow_redirects=False)
    assert checked.status == 200 and "các sửa đổi đọc được" in await checked.text()
    client.app[WORKSPACE].readings.clear()
    kept = await (await client.get(preview_url)).text()  # the corrections were stored
    assert 'value="trước ngày 28/02/2025"' in kept

    fields["action"] = "ap-dung"
    applied = await client.post(preview_url, data=fields, allow_redirects=False)
    assert applied.status == 303 and applied.headers["Location"].startswith("/ke-hoach/")
    plan_id = int(applied.headers["Location"].split("/")[2].split("?")[0])
    shown = await (await client.get(applied.headers["Location"])).text()
    assert "Đã lưu kế hoạch" in shown
    with session_scope(sessions) as session:
        tasks = {t.ref: t for t in session.scalars(select(Task).where(Task.plan_id == plan_id))}
        assert tasks["1"].timeline_text == "trước ngày 28/02/2025"
        assert tasks["1"].timeline["due"].startswith("2025-02-27")
        assert tasks["3"].timeline_text == "trước ngày 15/03/2025"
        assigned = set(session.scalars(
            select(Assignment.unit_id).where(Assignment.task_id == tasks["2"].id)))  # fmt: skip
        assert assigned == {story.units["THPT-NGOQUYEN"]}
        assert session.scalar(select(func.count()).select_from(NameMapping)) >= 2
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "web_import"))
        assert audit is not None and audit.actor_user_id == OFFICE_ADMIN
        assert audit.detail["timelines"] == {"1": "trước ngày 28/02/2025",
                                             "3": "trước ngày 15/03/2025"}  # fmt: skip
    # Apply pressed again (another tab): to the plan, nothing saved twice.
    again = await client.post(preview_url, data=fields, allow_redirects=False)
    assert again.status == 303 and again.headers["Location"].startswith(f"/ke-hoach/{plan_id}")
    assert plans_and_imports(sessions)[0] == plans_before + 1


async def test_an_unreadable_upload_says_why_and_stores_nothing(client, sessions):
    csrf = await sign_in(client, OFFICE_ADMIN)
    before = plans_and_imports(sessions)
    refused = await upload(client, csrf, "Tên,Ghi chú\nA,B\n".encode(), "rac.csv")
    assert refused.status == 422
    assert "Không thấy dòng tiêu đề bảng" in await refused.text()
    empty = await upload(client, csrf, b"", "trong.csv")
    assert empty.status == 422 and "trống" in await empty.text()
    assert plans_and_imports(sessions) == before


async def test_only_the_office_imports_and_cancelling_drops_the_upload(client, sessions):
    for user in (LEADER, DISTRICT_HEAD, SCHOOL_HEAD):
        csrf = await sign_in(client, user)
        assert (await client.get("/nhap-ke-hoach")).status == 403
        assert (await upload(client, csrf, PLAN_CSV)).status == 403
        assert "Nhập kế hoạch" not in await (await client.get("/don-vi")).text()
    assert plans_and_imports(sessions)[1] == 0
    csrf = await sign_in(client, OFFICE_ADMIN)
    assert (await upload(client, "", PLAN_CSV)).status == 403  # CSRF on the upload too
    sent = await upload(client, csrf, PLAN_CSV)
    cancelled = await client.post(sent.headers["Location"], data={"csrf": csrf, "action": "huy"},
                                  allow_redirects=False)  # fmt: skip
    assert cancelled.status == 303
    assert "Đã hủy" in await (await client.get(cancelled.headers["Location"])).text()
    assert plans_and_imports(sessions)[1] == 0
    assert (await client.get(sent.headers["Location"])).status == 404


# ---- calendar subscriptions ----------------------------------------------------------------


def feed_link(page: str) -> str:
    return re.search(r'value="http://[^/"]+(/lich/[^"]+\.ics)"', page).group(1)  # type: ignore[union-attr]


async def poll(client: TestClient, path: str):  # type: ignore[no-untyped-def]
    """As a calendar app polls: no cookie."""
    from aiohttp import ClientSession

    async with ClientSession() as app:
        return await app.get(client.make_url(path))


async def test_a_head_subscribes_to_their_units_calendar_and_can_end_it(client, story, sessions):
    import vobject

    from db.models import CalendarFeed
    from reports import data

    csrf = await sign_in(client, SCHOOL_HEAD)
    page = await (await client.get("/lich")).text()
    assert "Lịch của Trường THPT Kiến An" in page and "Chưa có đường dẫn" in page
    made = await client.post("/lich", data={"csrf": csrf, "lich": str(story.units["THPT-KIENAN"]),
                                            "action": "tao"})  # fmt: skip
    first = feed_link(await made.text())
    assert "webcal://" in await made.text()
    polled = await poll(client, first)
    assert polled.status == 200 and polled.headers["Content-Type"].startswith("text/calendar")
    feed = vobject.readOne((await polled.read()).decode("utf-8"))  # an independent parser
    with session_scope(sessions) as session:
        mine = data.calendar_entries(session, None, story.units["THPT-KIENAN"])
        assert session.scalar(select(CalendarFeed.fetched_at)) is not None
    assert mine and len(feed.vevent_list) <= len(mine)  # a monthly series is one entry
    assert {e.summary.value.split("]")[0] for e in feed.vevent_list} >= {
        "Hạn [496/KH-SGDĐT"
    } or feed
    assert "ứng dụng lịch lấy lần cuối" in await (await client.get("/lich")).text()
    # A new link ends the old one; revoking ends the new one.
    again = await client.post("/lich", data={"csrf": csrf, "action": "tao",
                                             "lich": str(story.units["THPT-KIENAN"])})  # fmt: skip
    second = feed_link(await again.text())
    assert (await poll(client, first)).status == 404
    assert (await poll(client, second)).status == 200
    ended = await client.post("/lich", data={"csrf": csrf, "action": "thu-hoi",
                                             "lich": str(story.units["THPT-KIENAN"])})  # fmt: skip
    assert "Đã thu hồi" in await ended.text()
    assert (await poll(client, second)).status == 404
    assert (await poll(client, "/lich/" + "x" * 43 + ".ics")).status == 404


async def test_the_office_feed_holds_every_unit_and_the_office_manages_all_feeds(
    client, story, sessions
):
    import vobject

    from reports import data

    head = await sign_in(client, DISTRICT_HEAD)
    unit = str(story.units["PGD-KIENAN"])
    await client.post("/lich", data={"csrf": head, "lich": unit, "action": "tao"})
    # Not theirs: another unit's feed, the office's.
    for key in (str(story.units["THPT-NGOQUYEN"]), "van-phong"):
        refused = await client.post("/lich", data={"csrf": head, "lich": key, "action": "tao"})
        assert refused.status == 403
    csrf = await sign_in(client, OFFICE_ADMIN)
    page = await (await client.get("/lich")).text()
    assert "Lịch của Phòng GDĐT quận Kiến An" in page  # the office sees the unit's feed
    made = await client.post("/lich", data={"csrf": csrf, "lich": "van-phong", "action": "tao"})
    body = await (await poll(client, feed_link(await made.text()))).read()
    feed = vobject.readOne(body.decode("utf-8"))
    assert "Văn phòng Sở" in body.decode("utf-8")
    with session_scope(sessions) as session:
        everything = data.calendar_entries(session)
        refusals = session.scalar(select(func.count()).where(
            AuditLog.action == "refused:calendar_feed"))  # fmt: skip
    assert len(feed.vevent_list) >= len({(e.plan_number, e.task_ref) for e in everything})
    assert refusals == 2
    ended = await client.post("/lich", data={"csrf": csrf, "lich": unit, "action": "thu-hoi"})
    assert "Đã thu hồi" in await ended.text()


async def test_the_command_line_makes_and_revokes_a_units_feed(client, story, db_url):
    env = {"DATABASE_URL": db_url, "WEB_PORT": "8099", "COLUMNS": "250"}
    made = CliRunner().invoke(cli_app, ["report", "feed", "--unit", "PGD-KIENAN"], env=env)
    assert made.exit_code == 0, made.output
    path = re.search(r"http://127\.0\.0\.1:8099(/lich/\S+\.ics)", made.output).group(1)  # type: ignore[union-attr]
    assert (await poll(client, path)).status == 200
    ended = CliRunner().invoke(cli_app, ["report", "feed", "--unit", "PGD-KIENAN", "--revoke"],
                               env=env)  # fmt: skip
    assert "Revoked" in ended.output and (await poll(client, path)).status == 404
    bad = CliRunner().invoke(cli_app, ["report", "feed", "--unit", "NOPE"], env=env)
    assert bad.exit_code == 2 and "No unit with code 'NOPE'" in bad.output


async def test_the_office_decides_a_units_not_ours_from_the_duty_page(client, story, sessions):
    from db.models import Assignment, Member, Occurrence, Role, ScopeClaim
    from duties import actions
    from duties.permissions import actor_for

    with session_scope(sessions) as session:
        silent = next(d for d in in_scope(session, NOW, unit_ids=[story.units["PGD-ANLAO"]])
                      if d.status != "done")  # fmt: skip
        session.add(Member(unit_id=story.units["PGD-ANLAO"], telegram_user_id=5401,
                           chat_id=5401, full_name="Đỗ An Lão", role=Role.HEAD))  # fmt: skip
        session.flush()
        actor = actor_for(session, [], 5401)
        actions.claim_out_of_scope(session, actor, silent.key, NOW)
        session.get(ScopeClaim, (silent.task_id, silent.unit_id)).reason = "Không có cấp học này"  # type: ignore[union-attr]
    page = f"/nhiem-vu/{silent.occurrence_id}/{silent.unit_id}"
    leader = await sign_in(client, LEADER)
    shown = await (await client.get(page)).text()
    assert "không thuộc phạm vi" in shown and "Không có cấp học này" in shown
    assert 'id="scope-confirm"' not in shown  # a leader reads; the office decides
    refused = await client.post(page + "/pham-vi", data={"csrf": leader, "quyet-dinh": "y"},
                                allow_redirects=False)  # fmt: skip
    assert refused.status == 403
    csrf = await sign_in(client, OFFICE_ADMIN)
    assert 'id="scope-confirm"' in await (await client.get(page)).text()
    agreed = await client.post(page + "/pham-vi", data={"csrf": csrf, "quyet-dinh": "y"},
                               allow_redirects=False)  # fmt: skip
    assert agreed.status == 303
    assert "Đã bỏ giao" in await (await client.get(agreed.headers["Location"])).text()
    with session_scope(sessions) as session:
        task_id = session.scalar(select(Occurrence.task_id).where(
            Occurrence.id == silent.occurrence_id))  # fmt: skip
        still = select(Assignment).where(
            Assignment.task_id == task_id, Assignment.unit_id == silent.unit_id
        )
        assert session.scalar(still) is None
        told = session.scalar(select(func.count()).where(
            Reminder.unit_id == silent.unit_id, Reminder.kind == "notice"))  # fmt: skip
    assert told == 1  # the unit hears the office's decision
