"""Hostile documents: what each costs to refuse, and how the bot answers meanwhile.

For each bomb of tests/bombs.py: seconds and peak memory of the reading process (its own
VmHWM), and what it said. Then the bot (real python-telegram-bot, SQLite, the emulator in its
own process): an office admin sends each bomb as a plan while a school head presses a button
every 0.2 s; the press latencies (press → answerCallbackQuery) during the reading are
reported. Target: every file refused within 30 s and 512 MB, presses answered within 1 s.
Prints one JSON object last.
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import presses
from bot.app import build_application, start_application, stop_application
from bot.services import Services
from config import load_settings
from db.schema import upgrade
from db.session import make_engine, make_session_factory
from plans.isolated import read_measured
from plans.limits import LIMITS, MB
from plans.tables import PlanReadError
from tests.bombs import BOMBS, huge_xlsx, unstopped_deadlines_txt

ADMIN = 9000
TODAY = date(2025, 3, 5)
ALL = {
    **BOMBS,
    "huge_xlsx_60k": ("sau-muoi-nghin.xlsx", lambda: huge_xlsx(60_000)),
    # Not refused: read whole, and what it costs is the figure (each deadline once).
    "unstopped_deadlines_txt": ("han.txt", unstopped_deadlines_txt),
}


def reading(data: bytes, name: str) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        _, peak = read_measured(data, name, TODAY)
        said = "read"
    except PlanReadError as error:
        peak, said = getattr(error, "peak", 0), str(error)
    return {"bytes": len(data), "seconds": round(time.perf_counter() - started, 2),
            "peak_mb": round(peak / MB, 1), "said": said}  # fmt: skip


def _final(text: str) -> bool:
    """The bot's last word on a file: its summary, or the refusal (not a page count)."""
    return "Lưu kế hoạch" in text or "Không nhập được" in text or "lưu kế hoạch" in text


async def presses_during(
    built: dict[str, bytes], wait: float = LIMITS.seconds + 10
) -> dict[str, dict[str, Any]]:
    presses.UNITS = 1
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bombs.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        occurrence, (unit_id,) = presses.populate(sessions)
        emulator = presses.RemoteEmulator()
        settings = load_settings(
            {"TELEGRAM_BOT_TOKEN": presses.TOKEN, "DATABASE_URL": url,
             "TELEGRAM_API_BASE_URL": f"{emulator.base}/bot", "OFFICE_ADMINS": str(ADMIN)},
            env_file=None,
        )  # fmt: skip
        clock = lambda: datetime(2025, 3, 5, 3, 0, tzinfo=UTC)  # noqa: E731
        application = build_application(Services(settings, sessions, clock))
        head = presses.FIRST_USER
        emulator.control("users", {"user_ids": [head, ADMIN]})
        data = f"s:{occurrence}:{unit_id}:p"
        (card,) = emulator.control("bot_messages", {"bot_id": int(presses.TOKEN.split(":")[0]),
            "messages": [{"chat_id": head, "text": "Nhắc hạn", "reply_markup": {
                "inline_keyboard": [[{"text": "🔄", "callback_data": data}]]}}]})  # fmt: skip
        await start_application(application, poll_timeout=0.5)

        async def ctl(action: str, body: Any = None) -> Any:
            # Off the loop: the bot being measured runs on it.
            return await asyncio.to_thread(emulator.control, action, body)

        async def admin_messages() -> list[str]:
            got = await asyncio.to_thread(emulator.http.get, "/control/messages",
                                          params={"chat_id": ADMIN})  # fmt: skip
            return [m.get("text", "") for m in got.json()["result"]]

        try:
            for key, content in built.items():
                name = ALL[key][0]
                before = len(await admin_messages())
                await ctl("send_document", {
                    "user_id": ADMIN, "file_name": name, "mime_type": "application/octet-stream",
                    "content_b64": base64.b64encode(content).decode()})  # fmt: skip
                latencies: list[float] = []
                started = time.perf_counter()
                while time.perf_counter() - started < wait:
                    pressed = time.perf_counter()
                    query = await ctl("press", {"user_id": head, "message_id": card["message_id"],
                                                "data": data})  # fmt: skip
                    while not await ctl("answered", {"ids": [query]}):  # noqa: ASYNC110
                        await asyncio.sleep(0.005)
                    latencies.append(time.perf_counter() - pressed)
                    told = [t for t in (await admin_messages())[before:]
                            if name in t and _final(t)]  # fmt: skip
                    if told:
                        break
                    await asyncio.sleep(0.2)
                out[key] = {"refused_after_s": round(time.perf_counter() - started, 2),
                            "presses": len(latencies),
                            "press_p50_ms": round(statistics.median(latencies) * 1000),
                            "press_max_ms": round(max(latencies) * 1000),
                            "chat_said": told[-1][:120] if told else None}  # fmt: skip
        finally:
            await stop_application(application)
            emulator.close()
            engine.dispose()
    return out


def main() -> None:
    built = {key: make() for key, (_, make) in ALL.items()}
    read = {key: reading(data, ALL[key][0]) for key, data in built.items()}
    live = asyncio.run(
        presses_during({k: v for k, v in built.items() if len(v) < LIMITS.max_bytes})
    )
    result = {key: {**read[key], **live.get(key, {})} for key in built}
    result["within_limits"] = all(
        r["seconds"] < LIMITS.seconds and r["peak_mb"] * MB <= LIMITS.memory for r in read.values()
    )
    result["worst_press_ms"] = max((v["press_max_ms"] for v in live.values()), default=None)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
