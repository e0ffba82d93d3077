"""SIGKILL in the middle of a form: `nhacviec run` is killed right after a head sends an
answer, again and again, and restarted. The head does what a person does: reads the last
question on the phone and answers it (again, when no reply came). At the end every answer
sits under the question it was typed for: none applied to the next question, none lost."""

from __future__ import annotations

import asyncio
import random
import signal

from sqlalchemy import select

from db.models import FormSubmission
from tests.conftest import BOT_TOKEN, OFFICE_ADMIN
from tests.test_conversations import HEAD, d1, ready
from tests.test_conversations import world as world
from tests.test_run_process import start_bot

# What the head means to answer, by question (label, repetition).
INTENDED = {
    ("Số lượng điểm cầu", -1): "2",
    ("Các địa điểm đặt điểm cầu", 0): "Hội trường UBND quận",
    ("Tên các đơn vị tại điểm cầu", 0): "Phòng GDĐT Kiến An",
    ("Số lượng CBQL, GV tại từng điểm cầu", 0): "45",
    ("Các địa điểm đặt điểm cầu", 1): "Trường THPT Kiến An",
    ("Tên các đơn vị tại điểm cầu", 1): "THPT Kiến An",
    ("Số lượng CBQL, GV tại từng điểm cầu", 1): "30",
}
KILLS = 5


def question_of(text: str) -> tuple[str, int] | None:
    for label, repetition in INTENDED:
        if label in text and (repetition < 0 or f"lần {repetition + 1}/2" in text):
            return label, repetition
    return None


async def test_sigkill_while_a_head_fills_in_a_form(bot, emulator, world, clock, db_url, tmp_path):
    emu = await ready(bot, emulator, world)  # the world, its occurrences rolled forward
    from bot.app import stop_application

    await stop_application(bot)  # the in-process bot steps aside for the real process
    occurrence, unit = d1(world)
    data = f"f:{occurrence}:{unit}"
    markup = {"inline_keyboard": [[{"text": "📝", "callback_data": data}]]}
    card = emu.api_send_message(int(BOT_TOKEN.split(":")[0]), HEAD, "Nhiệm vụ D1", None, markup)
    env = {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": db_url,
        "TICK_SECONDS": "30",
        "OFFICE_ADMINS": str(OFFICE_ADMIN),
    }
    process = await start_bot(env, tmp_path)
    chance = random.Random(20250124)
    kills = 0
    try:
        query = emu.press(HEAD, card["message_id"], data)
        await emu.wait_for(lambda: query in emu.callback_answers, timeout=30)
        assert not emu.callback_answers[query].get("text"), emu.callback_answers[query]
        await emu.wait_for(lambda: question_of(emu.bot_messages(HEAD)[-1]["text"]), timeout=10)
        for _ in range(40):
            shown = [m for m in emu.bot_messages(HEAD) if question_of(m["text"])
                     or "Kiểm tra lại trước khi gửi" in m["text"]]  # fmt: skip
            last = shown[-1]["text"] if shown else ""
            if "Kiểm tra lại trước khi gửi" in last:
                break
            question = question_of(last)
            assert question is not None, emu.bot_messages(HEAD)[-1]["text"]
            before = len(emu.bot_messages(HEAD))

            def replied(before: int = before) -> bool:
                return len(emu.bot_messages(HEAD)) > before

            emu.send_text(HEAD, INTENDED[question])
            if kills < KILLS:  # killed right after each of the first answers
                await asyncio.sleep(chance.uniform(0.0, 0.15))
                process.send_signal(signal.SIGKILL)
                await process.wait()
                kills += 1
                process = await start_bot(env, tmp_path)
            try:  # a reply; with none in a while, the head answers what the phone shows
                await emu.wait_for(replied, timeout=8)
                await asyncio.sleep(0.3)  # the rest of the reply (a refusal and a question)
            except TimeoutError:
                pass
        else:
            raise AssertionError("the form never reached its summary")
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    assert kills == KILLS
    with world() as session:
        submission = session.scalars(select(FormSubmission)).one()
    draft = submission.answers["draft"]
    fields = {label: key for key, label in _labels(world).items()}
    assert draft[fields["Số lượng điểm cầu"]] == 2
    group = next(v for v in draft.values() if isinstance(v, list))
    for repetition in (0, 1):
        for label in ("Các địa điểm đặt điểm cầu", "Tên các đơn vị tại điểm cầu",
                      "Số lượng CBQL, GV tại từng điểm cầu"):  # fmt: skip
            typed = INTENDED[(label, repetition)]
            value = group[repetition][fields[label]]
            assert str(value) == typed, (label, repetition, value)


def _labels(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from db.models import FormDefinition

    with world() as session:
        definition = session.scalars(select(FormDefinition)).one()
    out = {}
    for field in definition.fields["fields"]:
        label = field["label"]
        out[field["key"]] = next((x for x, _ in INTENDED if x in label), label)
    return out
