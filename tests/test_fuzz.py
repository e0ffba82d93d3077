"""Feed it garbage: the timeline grammar, the plan importers (random bytes, truncated files,
huge cells) and the update handlers (random and malformed updates). No crash, a clear
message, nothing half-saved."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from db.models import Plan
from plans.reader import PlanReadError, read_plan_bytes
from plans.template import write_template
from tests.conftest import OFFICE_ADMIN
from tests.plan_fixtures import docx_004
from timing.timeline import TimelineError, parse_timeline

TODAY = date(2025, 1, 24)
WORDS = [
    "hàng", "hằng", "năm", "quý", "IV", "tháng", "trước", "ngày", "chậm nhất", "đến", "từ",
    "giờ", "14h00", "06/02/2025", "31/02", "2025-2030", "học kỳ", "I", "tuần", "thường xuyên",
    "và", "các năm tiếp theo", "/", "-", ".", "(thứ Năm)", "Q4", "99",
]  # fmt: skip
DATA = Path(__file__).parent / "data"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join)))
def test_the_timeline_grammar_reads_or_says_why_never_crashes(text):  # type: ignore[no-untyped-def]
    try:
        timeline = parse_timeline(text, TODAY)
    except TimelineError as error:
        assert error.message
        return
    timeline.to_json(TODAY)
    timeline.next_due(TODAY, 3)


SUFFIXES = [".docx", ".pdf", ".xlsx", ".csv", ".txt", ".xlsm", ".html", ".mht"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from(SUFFIXES))
def test_random_bytes_are_refused_with_a_message(content, suffix):  # type: ignore[no-untyped-def]
    try:
        read_plan_bytes(content, f"ke-hoach{suffix}", TODAY)
    except PlanReadError as error:
        assert str(error)


def _samples(tmp: Path) -> list[Path]:
    xlsx = tmp / "mau.xlsx"
    write_template(xlsx)
    return [docx_004(tmp / "kh.docx"), DATA / "plan_000.pdf", xlsx]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_truncated_documents_are_refused_with_a_message(tmp_path, data):  # type: ignore[no-untyped-def]
    for path in _samples(tmp_path):
        content = path.read_bytes()
        # A share, not a length: a written .docx/.xlsx carries the clock in its zip entries, so
        # its size may differ by a byte between examples and hypothesis must draw alike.
        share = data.draw(st.floats(min_value=0, max_value=1, exclude_max=True))
        cut = int(share * len(content))
        try:
            read_plan_bytes(content[:cut], path.name, TODAY)
        except PlanReadError as error:
            assert str(error)


def test_a_huge_cell_is_read_or_refused_not_a_crash(tmp_path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"])
    sheet.append(["1", "Nhiệm vụ " * 20_000, "Sở GDĐT", "", "Hàng năm " * 5_000])
    path = tmp_path / "to.xlsx"
    book.save(path)
    try:
        doc = read_plan_bytes(path.read_bytes(), "to.xlsx", TODAY)
        assert len(doc.tasks) <= 1
    except PlanReadError as error:
        assert str(error)


async def test_random_and_malformed_updates_do_not_stop_the_bot(bot, emulator, sessions):
    """Updates with random content (forged and oversized callback data, unknown commands,
    stray texts from strangers) and malformed ones (missing fields, wrong types, unknown
    kinds): each is handled or dropped, and the bot goes on answering."""
    emu = emulator.emulator
    rng = random.Random(7)
    junk = ["s:1:2:d", "s:999999999999:1:d", "k:" + "9" * 60, "x:0:0", "rn:abc", "q:x",
            "o:1", "fc:1:1", "e:5:5", "", "plan:apply", "💥" * 20]  # fmt: skip
    for i in range(80):
        user = 5_500_000 + rng.randrange(20)
        sender = {"id": user, "is_bot": False, "first_name": "Ai đó"}
        if rng.random() < 0.5:
            update = {"callback_query": {"id": f"q{i}", "from": sender, "chat_instance": "c",
                                         "data": rng.choice(junk)}}  # fmt: skip
        else:
            text = rng.choice(["/tonghop", "/xuat 1", "/chuatraloi", "/viec", "/start x" * 30,
                               "<b>", "x" * 5000, "/moi ABC head", "/lichsu"])  # fmt: skip
            chat = {"id": user, "type": "private", "first_name": "Ai"}
            update = {"message": {"message_id": 10_000 + i, "date": 0, "text": text,
                                  "from": sender, "chat": chat}}  # fmt: skip
        emu._push(update)
    malformed = [
        {"message": {"message_id": "x"}},
        {"message": None},
        {"callback_query": {"id": "1", "from": {"id": 5}, "data": "s:1:2:d"}},
        {"my_chat_member": {"chat": {"id": 1}}},
        {"unknown_kind": {"a": [1, 2, 3]}},
    ]
    for _ in range(40):
        update = dict(rng.choice(malformed))
        if rng.random() < 0.5:
            update = {key: {"junk": rng.random()} for key in update}
        emu._push(update)
    emu.user(4242, first_name="Sau cơn bão")
    emu.send_text(4242, "/start")
    reply = await emu.wait_for(lambda: emu.last_bot_message(4242), timeout=60)
    assert "Nhắc việc" in reply["text"], "still answering after the garbage"
    # An office admin's document that is no plan: one message, nothing saved.
    emu.send_document(OFFICE_ADMIN, b"\x00" * 300, "ke-hoach.docx", "application/octet-stream")
    refused = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(OFFICE_ADMIN)
                      if "Không nhập được" in m.get("text", "")), None), timeout=30
    )  # fmt: skip
    assert refused
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 0
