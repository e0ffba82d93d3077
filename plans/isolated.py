"""Read a document someone sent in a child process with a memory and a time limit.

The parsers (python-docx, pdfplumber, openpyxl) run on whatever an office admin sends the
bot. A file that gets past the cheap checks of plans/limits.py and still explodes (a deflate
bomb inside a PDF stream, a document that makes a parser loop) must cost one refusal, not
the bot: the child's address space is capped with `resource.setrlimit`, the parent kills it
at the time limit, and the bot's event loop only awaits it meanwhile.

The child is started fresh (`python -m plans.isolated`), never forked from the bot with its
threads and connections. Input and result cross as pickles between this code and itself.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from plans.convert import TOOL_MEMORY
from plans.limits import LIMITS, MB, Limits
from plans.model import PlanDocument
from plans.tables import PlanReadError

Progress = Callable[[int, int], None]

ROOT = Path(__file__).resolve().parent.parent


def _command() -> list[str]:
    return [sys.executable, "-m", "plans.isolated"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _request(data: bytes, name: str, today: date, limits: Limits) -> bytes:
    return pickle.dumps((data, name, today, limits.memory), protocol=pickle.HIGHEST_PROTOCOL)


def peak_of(out: bytes) -> int:
    """The reading process's peak resident memory, in bytes, as it reported it (0: unknown).

    Its own report, because the parent's rusage of children also counts the parent's pages
    the child shared between fork and exec."""
    try:
        return int(pickle.loads(out)[2])
    except Exception:
        return 0


def _result(
    returncode: int | None, out: bytes, err: bytes, name: str, limits: Limits
) -> PlanDocument:
    if returncode == 0 and out:
        try:
            kind, value, _ = pickle.loads(out)
        except Exception:
            kind, value = "refused", f"{name}: không đọc được tệp"
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        raise PlanReadError(str(value))
    if not (returncode is not None and returncode < 0) and b"MemoryError" not in err:
        raise PlanReadError(f"{name}: không đọc được tệp")
    raise PlanReadError(
        f"{name}: tệp cần quá {limits.memory // MB} MB bộ nhớ để đọc; "
        "hãy gửi bản DOCX hoặc PDF thông thường, hoặc dùng mẫu kế hoạch (mau-ke-hoach.xlsx)"
    )


def _timed_out(name: str, limits: Limits) -> PlanReadError:
    return PlanReadError(
        f"{name}: đọc tệp quá {limits.seconds:.0f} giây nên đã dừng; hãy gửi bản DOCX hoặc "
        "PDF thông thường, hoặc dùng mẫu kế hoạch (mau-ke-hoach.xlsx)"
    )


def read_isolated(
    data: bytes, name: str, today: date, limits: Limits = LIMITS, progress: Progress | None = None
) -> PlanDocument:
    """`read_plan_bytes` in a child process (for the command line)."""
    return read_measured(data, name, today, limits, progress)[0]


def read_measured(
    data: bytes, name: str, today: date, limits: Limits = LIMITS, progress: Progress | None = None
) -> tuple[PlanDocument, int]:
    """`read_isolated`, and the reading process's peak memory in bytes. A refusal is raised
    with the peak as its `peak` attribute."""
    return asyncio.run(_read(data, name, today, limits, progress))


async def read_isolated_async(
    data: bytes, name: str, today: date, limits: Limits = LIMITS, progress: Progress | None = None
) -> PlanDocument:
    """`read_plan_bytes` in a child process, awaited (for the bot: others are answered
    meanwhile). `progress(done, total)` hears of each page read by OCR."""
    return (await _read(data, name, today, limits, progress))[0]


async def _read(
    data: bytes, name: str, today: date, limits: Limits, progress: Progress | None
) -> tuple[PlanDocument, int]:
    process = await asyncio.create_subprocess_exec(
        *_command(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=_env(),
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    assert process.stderr is not None
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + limits.seconds
    errors: list[bytes] = []

    async def listen(stream: asyncio.StreamReader) -> None:
        # A scan read by OCR says how many pages it has: its time grows with them.
        nonlocal deadline
        while line := await stream.readline():
            found = _PROGRESS.match(line)
            if found is None:
                errors.append(line)
                continue
            done, total = int(found[1]), int(found[2])
            deadline = max(deadline, started + limits.seconds + total * limits.ocr_page_seconds)
            if progress is not None:
                progress(done, total)

    process.stdin.write(_request(data, name, today, limits))
    await process.stdin.drain()
    process.stdin.close()
    output = asyncio.ensure_future(process.stdout.read())
    listening = asyncio.ensure_future(listen(process.stderr))
    try:
        while True:
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), deadline - loop.time())
                break
            except TimeoutError:
                if loop.time() >= deadline:
                    raise
    except TimeoutError:
        process.kill()
        await process.wait()
        raise _timed_out(name, limits) from None
    finally:
        await asyncio.gather(output, listening, return_exceptions=True)
    out = output.result() if not output.cancelled() and output.exception() is None else b""
    peak = peak_of(out)
    try:
        return _result(process.returncode, out, b"".join(errors), name, limits), peak
    except PlanReadError as error:
        error.peak = peak  # type: ignore[attr-defined]
        raise


_PROGRESS = re.compile(rb"^progress (\d+)/(\d+)$")


def _child() -> None:
    import resource

    data, name, today, memory = pickle.loads(sys.stdin.buffer.read())
    # The soft limit binds this process; the hard one leaves LibreOffice and Tesseract, run
    # from here, the room they need (plans/convert.tool_limits).
    resource.setrlimit(resource.RLIMIT_AS, (memory, max(memory, TOOL_MEMORY)))
    from plans.reader import read_plan_bytes

    def report(done: int, total: int) -> None:
        sys.stderr.write(f"progress {done}/{total}\n")
        sys.stderr.flush()

    result: tuple[str, Any]
    try:
        result = ("ok", read_plan_bytes(data, name, today, report))
    except PlanReadError as error:
        result = ("refused", str(error))
    except MemoryError:
        result = ("refused", f"{name}: tệp cần quá {memory // MB} MB bộ nhớ để đọc")
    except RecursionError:
        result = ("refused", f"{name}: cấu trúc tệp lồng nhau quá sâu")
    except Exception as error:  # a parser's own failure: refused, the parent stays well
        result = ("refused", f"{name}: không đọc được tệp ({type(error).__name__})")
    sys.stdout.buffer.write(pickle.dumps((*result, _peak()), protocol=pickle.HIGHEST_PROTOCOL))


def _peak() -> int:
    """VmHWM: this process's peak resident memory since its exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    _child()
