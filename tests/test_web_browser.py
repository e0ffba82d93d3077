"""The workspace in a real browser (Debian's headless Chromium through Selenium), served by
the bot itself (`WEB_PORT`) against the Bot API emulator: each person signs in as they
would, sees their scope, and the pages are photographed at a phone's and a desk's width
into artifacts/web/ to be looked at."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import build_application, start_application, stop_application
from bot.services import Services
from db import web_auth
from db.models import Plan, Reminder
from db.session import session_scope
from duties.query import in_scope
from reports.overview import summary_json
from tests.conftest import FakeClock
from tests.web_fixtures import (
    BOT_TOKEN,
    DISTRICT_HEAD,
    NOW,
    OFFICE_ADMIN,
    SCHOOL_HEAD,
    Story,
    build_story,
    free_port,
    settings_for,
)
from web import initdata
from web.pages import columns

ARTIFACTS = Path(os.environ.get("NHACVIEC_ARTIFACTS", Path(__file__).parent.parent / "artifacts"))
SIZES = {"phone": (390, 844), "desk": (1366, 900)}
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


def _browser_missing() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    why = "Debian's chromium and chromium-driver are not installed (bash .ci/system installs them)"
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


class Browser:
    """Selenium's blocking calls on a worker thread: the bot and its web server share the
    test's event loop and must keep serving while the browser waits for them."""

    def __init__(self, base: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM or ""
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--lang=vi", "--window-size=1366,900"):  # fmt: skip
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER or ""), options=options)
        self.base = base

    async def call(self, fn: Any, *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def open(self, path: str) -> str:
        await self.call(self.driver.get, self.base + path)
        return await self.text()

    async def text(self) -> str:
        return await self.call(lambda: self.driver.find_element("tag name", "body").text)

    async def click(self, css: str, navigates: bool = True) -> str:
        """Click, and when it submits or follows a link, wait for the next page."""

        def run() -> None:
            from selenium.common.exceptions import WebDriverException
            from selenium.webdriver.support.ui import WebDriverWait

            old = self.driver.find_element("tag name", "html")

            def gone(_: Any) -> bool:
                # Chromium reports a page left behind either as a stale element or, mid-
                # navigation, as "Node … does not belong to the document"; both mean it moved on.
                try:
                    old.is_enabled()
                except WebDriverException:
                    return True
                return False

            self.driver.find_element("css selector", css).click()
            if navigates:
                WebDriverWait(self.driver, 15).until(gone)
                self._loaded()

        await self.call(run)
        return await self.text()

    def _loaded(self) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, 15).until(
            lambda d: (
                d.execute_script("return document.readyState") == "complete"
                and d.find_elements("tag name", "body")
            )
        )

    async def away_from(self, path: str) -> str:
        """Wait until a page that moves on by itself (the Mini App's) has moved on."""
        from selenium.webdriver.support.ui import WebDriverWait

        def run() -> None:
            WebDriverWait(self.driver, 15).until(
                lambda d: (
                    path not in d.current_url
                    or (
                        d.find_elements("id", "not-telegram")
                        and d.find_element("id", "not-telegram").is_displayed()
                    )
                )
            )
            self._loaded()

        await self.call(run)
        return await self.text()

    async def count(self, css: str) -> int:
        return await self.call(lambda: len(self.driver.find_elements("css selector", css)))

    async def attribute(self, css: str, name: str) -> str:
        return await self.call(
            lambda: self.driver.find_element("css selector", css).get_attribute(name)
        )

    async def fill(self, name: str, value: str) -> None:
        def run() -> None:
            box = self.driver.find_element("name", name)
            box.clear()
            box.send_keys(value)

        await self.call(run)

    async def photograph(self, name: str) -> list[Path]:
        """The page at each width, its whole height, as PNG files."""
        ARTIFACTS.joinpath("web").mkdir(parents=True, exist_ok=True)
        taken = []
        for size, (width, height) in SIZES.items():

            def shoot(width: int = width, height: int = height, size: str = size) -> Path:
                self.driver.set_window_size(width, height)
                full = self.driver.execute_script("return document.body.scrollHeight")
                self.driver.set_window_size(width, min(max(height, full + 120), 4000))
                path = ARTIFACTS / "web" / f"{name}-{size}.png"
                self.driver.save_screenshot(str(path))
                return path

            taken.append(await self.call(shoot))
        await self.call(self.driver.set_window_size, 1366, 900)
        return taken

    def close(self) -> None:
        self.driver.quit()


@pytest.fixture
async def live(emulator, db_url, sessions) -> AsyncIterator[tuple[Any, Story, Browser]]:  # type: ignore[no-untyped-def]
    _browser_missing()
    story = build_story(sessions, db_url)
    port = free_port()
    settings = settings_for(db_url, TELEGRAM_API_BASE_URL=emulator.base_url,
                            WEB_PORT=str(port), TICK_SECONDS="1")  # fmt: skip
    for user in (OFFICE_ADMIN, DISTRICT_HEAD, SCHOOL_HEAD):
        emulator.emulator.user(user, first_name=f"Người {user}")
    application = build_application(Services(settings, sessions, FakeClock(NOW)))
    await start_application(application, poll_timeout=0.3)
    browser = await asyncio.to_thread(Browser, f"http://127.0.0.1:{port}")
    try:
        yield emulator.emulator, story, browser
    finally:
        await asyncio.to_thread(browser.close)
        await stop_application(application)


async def mini_app(browser: Browser, user_id: int) -> str:
    """Opened from Telegram's button: the page reads initData from its fragment."""
    init = initdata.for_user(user_id, "Người dùng", BOT_TOKEN, NOW)
    await browser.open(f"/app#tgWebAppData={quote(init)}")
    return await browser.away_from("/app")


async def test_the_office_signs_in_from_the_mini_app_and_sees_the_same_numbers(live, sessions):
    _, _, browser = live
    page = await mini_app(browser, OFFICE_ADMIN)
    assert "Tổng quan — Toàn Sở" in page
    with session_scope(sessions) as session:
        expected = summary_json(in_scope(session, NOW), NOW, settings_for("sqlite://").timezone)
    for key in ("done_on_time", "done_late", "blocked", "not_reported", "overdue"):
        shown = await browser.attribute(f'[data-category="{key}"] .n', "textContent")
        assert int(shown) == expected["totals"][key], key
    # The charts are drawn on the server with the overview's own numbers.
    label = await browser.attribute('svg[aria-label^="Tỷ lệ đúng hạn theo địa bàn"]', "aria-label")
    assert label and "Kiến An" in label
    assert await browser.count("svg.chart") == 4
    await browser.photograph("overview-office")


async def test_a_forged_init_data_shows_a_refusal_not_the_workspace(live):
    _, _, browser = live
    init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", "654321:someone-else", NOW)
    await browser.open(f"/app#tgWebAppData={quote(init)}")
    page = await browser.away_from("/app")
    assert "Không đăng nhập được" in page and "Tổng quan" not in page
    await browser.photograph("signin-refused")


async def test_an_expired_init_data_asks_to_open_the_app_again(live):
    _, _, browser = live
    init = initdata.for_user(OFFICE_ADMIN, "Văn phòng", BOT_TOKEN, NOW - timedelta(hours=2))
    await browser.open(f"/app#tgWebAppData={quote(init)}")
    page = await browser.away_from("/app")
    assert "Không đăng nhập được" in page and "Tổng quan" not in page


async def test_another_site_cannot_make_the_office_nudge_without_the_pages_token(live, sessions):
    """A page elsewhere posts the nudge form while the office is signed in: its cookie goes
    along, its CSRF token cannot, and nothing is queued."""
    _, story, browser = live
    await mini_app(browser, OFFICE_ADMIN)
    target = f"{browser.base}/nhiem-vu/{story.d1}/{story.units['PGD-HAIAN']}/nhac"

    async def lure(_: web.Request) -> web.Response:
        return web.Response(content_type="text/html", text=(
            f'<form id="f" method="post" action="{target}"><input name="csrf" value="guess">'
            '</form><script>document.getElementById("f").submit()</script>'
        ))  # fmt: skip

    trap = web.Application()
    trap.router.add_get("/", lure)
    runner = web.AppRunner(trap)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    nudges = select(func.count()).select_from(Reminder).where(Reminder.kind == "nudge")
    try:
        with session_scope(sessions) as session:
            before = session.scalar(nudges)
        await browser.call(browser.driver.get, f"http://127.0.0.1:{port}/")
        page = await browser.away_from(f":{port}/")
    finally:
        await runner.cleanup()
    assert "Phiên làm việc không hợp lệ" in page
    with session_scope(sessions) as session:
        assert session.scalar(nudges) == before == 0


async def test_tonghop_in_the_chat_counts_as_the_overview_does(live):
    emu, _, browser = live
    await mini_app(browser, OFFICE_ADMIN)
    patterns = {
        "done_on_time": r"✅ đúng hạn (\d+)",
        "done_late": r"☑️ quá hạn (\d+)",
        "in_progress_on_time": r"🔄 trong hạn (\d+)",
        "in_progress_late": r"⏳ quá hạn (\d+)",
        "blocked": r"⚠️ Vướng mắc (\d+)",
        "not_reported": r"⭕ Chưa báo cáo (\d+)",
    }
    tiles = {
        key: int(await browser.attribute(f'[data-category="{key}"] .n', "textContent"))
        for key in patterns
    }
    before = len(emu.bot_messages(OFFICE_ADMIN))
    emu.send_text(OFFICE_ADMIN, "/tonghop")

    def said() -> str:
        return "\n".join(m.get("text", "") for m in emu.bot_messages(OFFICE_ADMIN)[before:])

    def counted(key: str) -> int:
        return sum(int(n) for n in re.findall(patterns[key], said()))

    # A long summary comes in several messages: wait until every assignment it announces
    # has been counted under some task.
    await emu.wait_for(
        lambda: (
            (head := re.search(r"\((\d+) lượt giao\)", said()))
            and sum(counted(k) for k in patterns) == int(head.group(1))
        ),
        timeout=20,
    )
    assert f"({sum(tiles.values())} lượt giao)" in said()
    for key in patterns:
        assert counted(key) == tiles[key], key
    assert tiles["done_on_time"] and tiles["not_reported"]


async def test_a_one_time_link_works_once_in_the_browser(live, sessions):
    _, _, browser = live
    with session_scope(sessions) as session:
        token, _ = web_auth.create_link(session, DISTRICT_HEAD, NOW)
    await browser.open(f"/auth/link?t={token}")
    await browser.photograph("signin-link")
    page = await browser.click("#sign-in")
    assert "Tổng quan — Phòng GDĐT quận Kiến An" in page
    await browser.photograph("overview-district")
    await browser.call(browser.driver.delete_all_cookies)
    await browser.open(f"/auth/link?t={token}")
    again = await browser.click("#sign-in")
    assert "đã được dùng" in again


async def test_a_district_office_cannot_open_another_districts_duty_by_url(live):
    _, story, browser = live
    await mini_app(browser, DISTRICT_HEAD)
    page = await browser.open(f"/nhiem-vu/{story.d1}/{story.units['PGD-HAIAN']}")
    assert "Không có quyền xem" in page and "Hải An" not in page
    own = await browser.open(f"/nhiem-vu/{story.d1}/{story.units['PGD-KIENAN']}")
    assert "Phòng GDĐT quận Kiến An" in own and "Hoàn thành đúng hạn" in own


async def test_the_matrix_shows_each_unit_coloured_as_the_workbook(live, sessions):
    _, _, browser = live
    await mini_app(browser, OFFICE_ADMIN)
    with session_scope(sessions) as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.number.like("%496%")))
        rows = in_scope(session, NOW, plan_ids=[plan_id])
    # Each task's current period, as the page shows it (the latest already due).
    shown = {(c.task_id, c.period_key) for c in columns(rows, NOW, every_period=False)}
    cells_expected = [d for d in rows if (d.task_id, d.period_key) in shown]
    await browser.open(f"/ke-hoach/{plan_id}")
    for category in ("done_on_time", "done_late", "blocked", "not_reported"):
        cells = await browser.count(f'#matrix td[data-category="{category}"]')
        assert cells == sum(1 for d in cells_expected if d.category.value == category), category
    assert sum(1 for d in cells_expected if d.category.value == "done_on_time") == 1
    colour = await browser.call(lambda: browser.driver.find_element(
        "css selector", '#matrix td[data-category="done_on_time"]').value_of_css_property(
        "background-color"))  # fmt: skip
    assert colour == "rgba(198, 239, 206, 1)"  # C6EFCE, the workbook's fill
    await browser.photograph("matrix")
    # Filters: a district, then a status.
    await browser.open(f"/ke-hoach/{plan_id}?huyen=Kiến+An")
    kien_an = {d.unit_id for d in cells_expected if d.unit_district == "Kiến An"}
    assert await browser.count("#matrix tbody tr") == len(kien_an) >= 2
    assert "Hải An" not in await browser.attribute("#matrix", "textContent")
    await browser.open(f"/ke-hoach/{plan_id}?tinh-trang=blocked")
    page = await browser.attribute("#matrix", "textContent")
    assert "Hồng Bàng" in page and "Kiến An" not in page


async def test_a_nudge_from_the_web_reaches_the_unit_through_the_emulator(live, sessions):
    emu, story, browser = live
    await mini_app(browser, OFFICE_ADMIN)
    with session_scope(sessions) as session:
        silent = next(d for d in in_scope(session, NOW, unit_ids=[story.units["PGD-KIENAN"]])
                      if d.category.value == "not_reported" and d.overdue)  # fmt: skip
    await browser.open(f"/nhiem-vu/{silent.occurrence_id}/{silent.unit_id}")
    page = await browser.click("#nudge")
    assert "Đã xếp 1 tin nhắc" in page
    await browser.photograph("duty-office")
    got = await emu.wait_for(
        lambda: [m for m in emu.bot_messages(DISTRICT_HEAD)
                 if "Văn phòng Sở nhắc" in m.get("text", "") and silent.task_ref in m["text"]],
        timeout=20,
    )  # fmt: skip
    assert got
    # Done duties are not nudged: the button is not offered.
    await browser.open(f"/nhiem-vu/{story.d1}/{story.units['PGD-KIENAN']}")
    assert await browser.count("#nudge") == 0


async def test_a_head_fills_the_form_on_one_page_in_the_mini_app(live, sessions):
    _, story, browser = live
    await mini_app(browser, DISTRICT_HEAD)
    mine = await browser.open("/don-vi")
    assert "Việc của Phòng GDĐT quận Kiến An" in mine
    await browser.photograph("mine")
    await browser.open(f"/nhiem-vu/{story.d1}/{story.units['PGD-KIENAN']}/bieu-mau")
    fields = await browser.call(lambda: [
        (e.get_attribute("name"), e.get_attribute("inputmode"))
        for e in browser.driver.find_elements("css selector", "#form input:not([type=hidden])")
    ])  # fmt: skip
    for name, mode in fields:
        await browser.fill(name, "2" if mode == "numeric" else "Có")
    await browser.click("#form button")  # the count asked for rows: they appear
    await browser.photograph("form")
    fields = await browser.call(lambda: [
        (e.get_attribute("name"), e.get_attribute("inputmode"), e.get_attribute("value"))
        for e in browser.driver.find_elements("css selector", "#form input:not([type=hidden])")
    ])  # fmt: skip
    assert any(re.match(r".+\.1\..+", n or "") for n, _, _ in fields)
    for name, mode, value in fields:
        if not value:
            await browser.fill(name, "12" if mode == "numeric" else "Điểm cầu")
    page = await browser.click("#form button")
    assert "Đã gửi biểu mẫu" in page
    from db.models import FormSubmission

    with session_scope(sessions) as session:
        submission = session.scalar(select(FormSubmission))
        assert submission is not None and submission.answers.get("final")


async def test_a_school_head_sees_only_their_school_and_answers(live):
    _, _, browser = live
    page = await mini_app(browser, SCHOOL_HEAD)
    assert "Việc của Trường THPT Kiến An" in page and "Tổng quan" not in page
    await browser.click("#mine a")
    await browser.click('input[value="dang-lam"]', navigates=False)
    await browser.fill("ghi-chu", "Đang xây dựng kế hoạch của trường")
    page = await browser.click("#answer button")
    assert "Đã ghi nhận báo cáo" in page and "Đang xây dựng kế hoạch của trường" in page
    await browser.photograph("duty-school")


async def test_the_office_imports_a_plan_in_the_browser_fixing_a_typo_inline(live, tmp_path):
    from tests.test_web import PLAN_CSV

    _, _, browser = live
    await mini_app(browser, OFFICE_ADMIN)
    await browser.open("/nhap-ke-hoach")
    await browser.photograph("import")
    chosen = tmp_path / "ke-hoach-thu.csv"
    chosen.write_bytes(PLAN_CSV)
    await browser.call(lambda: browser.driver.find_element("name", "tep").send_keys(str(chosen)))
    page = await browser.click("#upload button")
    assert "Xem trước: ke-hoach-thu.csv" in page and "Ngày không hợp lệ" in page
    await browser.photograph("import-preview")
    await browser.fill("t-1", "trước ngày 28/02/2025")
    await browser.fill("t-3", "trước ngày 15/03/2025")
    await browser.fill("n-1", "THPT-NGOQUYEN")
    page = await browser.click("button[value=kiem-tra]")
    assert "các sửa đổi đọc được" in page and "hạn cuối 27/02/2025" in page
    page = await browser.click("button[value=ap-dung]")
    assert "Đã lưu kế hoạch" in page
    await browser.photograph("import-applied")


async def test_a_head_makes_a_calendar_link_in_the_mini_app(live):
    _, _, browser = live
    await mini_app(browser, SCHOOL_HEAD)
    await browser.open("/lich")
    page = await browser.click("#lich-" + await browser.call(
        lambda: browser.driver.find_element("css selector", "section.feed").get_attribute("id")[5:]
    ) + " button[value=tao]")  # fmt: skip
    assert "Đã tạo đường dẫn lịch mới" in page
    url = await browser.attribute("input.url", "value")
    assert "/lich/" in url and url.endswith(".ics")
    await browser.photograph("calendar-link")
    from urllib.request import urlopen

    def fetch() -> bytes:  # as a calendar app polls: no cookie
        with urlopen(browser.base + url[url.index("/lich/") :], timeout=10) as answer:
            return answer.read()

    assert b"BEGIN:VCALENDAR" in await browser.call(fetch)
