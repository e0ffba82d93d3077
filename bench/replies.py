"""A person's command answered while a tick runs: how long they wait.

The first start after plans were imported for 1,000 chats (13 reminders due for each, as in
bench/catchup.py): the bot's own ticker plans (a full pass over the registry) and sends the
catch-up at Telegram's pace, through the Bot API emulator in this process (no latency). Every
0.2 s from the tick's start (the planning pass first, then the sending) the office types /toi;
the figure is the time from the message reaching the emulator to the bot's answer arriving
there, for the answers asked while the tick ran. The target (#24): within 100 ms.

This checkout and the one named by `BENCH_BASELINE` (a directory: the code before a change)
are measured alternately, `BENCH_ROUNDS` rounds each (2), each in a process of its own
(`--code DIR`). Prints one JSON object last.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from _ab import checkouts as ab_checkouts
from _ab import run_in

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
ASKER = 9000
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "60"))
HERE = Path(__file__).resolve().parent


def catchup() -> Any:
    """bench/catchup.py of this checkout (its `build` imports the checkout on sys.path)."""
    spec = importlib.util.spec_from_file_location("bench_catchup", HERE / "catchup.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(folder: str) -> dict[str, Any]:
    import asyncio

    from bot.app import build_application, start_application, stop_application
    from bot.services import Services
    from config import load_settings
    from emulator.server import EmulatorServer
    from emulator.state import Emulator

    bench = catchup()
    engine, sessions, url = bench.build(folder)

    async def run() -> dict[str, Any]:
        emu = Emulator()
        for chat in range(5_000_000, 5_000_000 + bench.CHATS):
            emu.user(chat)
        emu.user(ASKER, first_name="Văn phòng")
        server = EmulatorServer(emu)
        await server.start()
        settings = load_settings(
            {"TELEGRAM_BOT_TOKEN": "123456:bench-token-abcdef", "DATABASE_URL": url,
             "TELEGRAM_API_BASE_URL": server.base_url, "OFFICE_ADMINS": str(ASKER),
             "TICK_SECONDS": "3600"},
            env_file=None,
        )  # fmt: skip
        application = build_application(Services(settings, sessions, lambda: bench.NOW))
        loop = asyncio.get_running_loop()
        waits: list[float] = []
        await start_application(application, poll_timeout=0.2)
        try:
            await asyncio.sleep(1.0)  # the ticker's first tick begins: planning, then sending
            for _ in range(SAMPLES):
                if emu.stats["messages_sent"] >= bench.CHATS:
                    break  # the catch-up is out: the tick is over
                asked = len(emu.bot_messages(ASKER))
                began = loop.time()
                emu.send_text(ASKER, "/toi")
                await emu.wait_for(lambda n=asked: len(emu.bot_messages(ASKER)) > n, timeout=60)
                waits.append(loop.time() - began)
                await asyncio.sleep(0.2)
        finally:
            await stop_application(application)
            await server.stop()
            engine.dispose()
        return {"waits_ms": [round(w * 1000, 1) for w in waits]}

    return asyncio.run(run())


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--code":
        sys.path.insert(0, sys.argv[2])
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(folder)))
        return
    checkouts = ab_checkouts()
    waits: dict[str, list[float]] = {name: [] for name in checkouts}
    for _ in range(ROUNDS):
        for name, code in checkouts.items():  # alternately: this machine's speed wanders
            waits[name].extend(run_in(__file__, code)["waits_ms"])

    def described(got: list[float]) -> dict[str, Any]:
        if not got:
            return {"answers": 0}
        ordered = sorted(got)
        return {"answers": len(got), "median_ms": round(statistics.median(got), 1),
                "p95_ms": ordered[max(0, round(0.95 * len(got)) - 1)], "max_ms": ordered[-1],
                "within_100_ms": sum(1 for w in got if w <= 100)}  # fmt: skip

    print(json.dumps({name: described(got) for name, got in waits.items()}))


if __name__ == "__main__":
    main()
