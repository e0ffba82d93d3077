"""Hostile documents sent as plans: each is refused with one clear message, within 30 s and
512 MB of the reading process, and the bot keeps answering everyone meanwhile."""

from __future__ import annotations

import time
from datetime import date

import pytest

from plans.isolated import read_isolated, read_measured
from plans.limits import LIMITS, Limits
from plans.reader import read_plan_bytes
from plans.tables import PlanReadError
from tests import bombs
from tests.conftest import OFFICE_ADMIN
from tests.test_conversations import HEAD, d1, open_card, press, ready
from tests.test_conversations import world as world

TODAY = date(2025, 1, 24)


@pytest.mark.parametrize(
    ("make", "name", "says"),
    [
        (bombs.docx_zip_bomb, "bom.docx", "giải nén quá lớn"),
        (bombs.nested_zip_bomb, "long.docx", "nén bất thường"),
        (bombs.many_page_pdf, "nhieu-trang.pdf", "100000 trang"),
        (bombs.deflate_bomb_pdf, "bom.pdf", "512 MB bộ nhớ"),
        (lambda: bombs.huge_xlsx(60_000), "sau-muoi-nghin.xlsx", "quá 20,000 dòng"),
        (bombs.long_line_csv, "mot-dong.csv", "quá dài"),
        (bombs.cells_html, "o-bang.html", "quá nhiều ô"),
    ],
    ids=["docx-zip", "nested-zip", "many-pages", "pdf-deflate", "xlsx-60k", "csv", "html-cells"],
)
def test_a_hostile_document_is_refused_within_the_limits(make, name, says):
    data = make()
    assert len(data) < LIMITS.max_bytes
    started = time.monotonic()
    with pytest.raises(PlanReadError, match=says) as refused:
        read_measured(data, name, TODAY)
    assert time.monotonic() - started < LIMITS.seconds
    peak = refused.value.peak  # type: ignore[attr-defined]
    assert 0 < peak <= LIMITS.memory, "the reading process stayed under its limit"


def test_the_cheap_checks_refuse_before_any_parser_runs():
    for make, name in [(bombs.docx_zip_bomb, "a.docx"), (bombs.long_line_csv, "a.csv")]:
        with pytest.raises(PlanReadError):
            read_plan_bytes(make(), name, TODAY)  # in this process: no parser was reached


def test_a_reader_past_its_time_is_stopped_with_a_message():
    slow = Limits(seconds=0.05)
    with pytest.raises(PlanReadError, match="giây nên đã dừng"):
        read_isolated(bombs.many_page_pdf(), "cham.pdf", TODAY, slow)


def test_an_ordinary_plan_reads_the_same_in_the_child_process():
    from tests.test_plan_text import SEED_004

    here = read_plan_bytes(SEED_004.encode(), "kh496.txt", TODAY).to_json(TODAY)
    there = read_isolated(SEED_004.encode(), "kh496.txt", TODAY).to_json(TODAY)
    assert here == there


async def test_the_bot_answers_a_press_while_it_reads_a_bomb(bot, emulator, world, clock):
    emu = await ready(bot, emulator, world)
    card = await open_card(emu)
    occurrence, unit = d1(world)
    emu.send_document(OFFICE_ADMIN, bombs.deflate_bomb_pdf(), "bom.pdf", "application/pdf")
    await emu.wait_for(lambda: emu.calls_to("getFile"), timeout=10)  # reading has begun
    started = time.monotonic()
    answer = await press(emu, HEAD, card, f"s:{occurrence}:{unit}:p")
    waited = time.monotonic() - started
    assert answer["text"] == "Đã ghi nhận: 🔄 Đang thực hiện"
    assert waited < 1.0, f"a press is answered within a second, not {waited:.2f} s"
    refusal = await emu.wait_for(
        lambda: next((m for m in emu.bot_messages(OFFICE_ADMIN) if "512 MB" in m["text"]), None),
        timeout=LIMITS.seconds,
    )
    assert "bom.pdf" in refusal["text"] and "Traceback" not in refusal["text"]


def test_deadlines_that_run_on_without_a_full_stop_each_keep_only_their_own_words():
    # One "sentence" of 2,000 deadlines: each keeps the words around it, not a copy of the
    # whole run (20,000 such copies were 12 GB in the bot's process).
    from plans.text import EXCERPT

    doc = read_plan_bytes(bombs.unstopped_deadlines_txt(2_000), "han.txt", TODAY)
    assert len(doc.deadlines) == 2_000
    assert all("trước ngày 15/3/2025" in d.sentence for d in doc.deadlines)
    assert max(len(d.sentence) for d in doc.deadlines) <= 2 * EXCERPT + 40
