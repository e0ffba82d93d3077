"""Scans read by OCR: seconds per page and peak memory of the reading process, and the bot's
answer to a button press while an office admin's 20-page scan is read.

The scan is a plan's pages (seed 000 as a DOCX, printed to PDF by LibreOffice, rendered to
images at 200 dpi and put back in a PDF with no text layer, as a scanner makes), repeated to
BENCH_OCR_PAGES (20). The real scan of ../shared/realdocs (Thông báo 911, 4 pages) is timed
too when it is there. Prints one JSON object last.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bombs as bomb_bench
from plans.isolated import read_measured
from plans.limits import MB
from tests.plan_fixtures import docx_000
from tests.test_scans import scan_of, soffice

PAGES = int(os.environ.get("BENCH_OCR_PAGES", "20"))
TODAY = date(2025, 1, 1)
REAL = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "files"


def plan_scan(folder: Path, pages: int) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(soffice(docx_000(folder / "kh91.docx"), "pdf").read_bytes())
    images = [pdf[i].render(scale=200 / 72).to_pil().convert("L") for i in range(len(pdf))]
    return scan_of([images[i % len(images)] for i in range(pages)], folder / "scan.pdf")


def timed(data: bytes, name: str) -> dict[str, Any]:
    marks: list[float] = []
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        marks.append(time.perf_counter())

    doc, peak = read_measured(data, name, TODAY, progress=progress)
    seconds = time.perf_counter() - started
    steps = [b - a for a, b in zip([started, *marks], marks, strict=False)]
    return {"pages": len(marks), "seconds": round(seconds, 1),
            "seconds_per_page": round(statistics.median(steps), 2) if steps else None,
            "peak_mb": round(peak / MB, 1), "tasks": len(doc.tasks),
            "deadlines": len(doc.deadlines)}  # fmt: skip


async def press_while_reading(scan: bytes) -> dict[str, Any]:
    """The bench of bombs' set-up: one head with a card, an admin sending the scan."""
    original = bomb_bench.ALL
    bomb_bench.ALL = {"scan": ("scan-20-trang.pdf", lambda: scan)}
    try:
        result = await bomb_bench.presses_during({"scan": scan}, wait=60 + 20 * PAGES)
    finally:
        bomb_bench.ALL = original
    return result["scan"]


def main() -> None:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        scan = plan_scan(Path(folder), PAGES)
        out["plan_scan"] = timed(scan, "scan.pdf")
        if (REAL / "vju-tb911-2024.orig.pdf").exists():
            real = (REAL / "vju-tb911-2024.orig.pdf").read_bytes()
            out["tb911_scan"] = timed(real, "vju-tb911-2024.orig.pdf")
        out["bot_during_scan"] = asyncio.run(press_while_reading(scan))
    out["press_within_a_second"] = out["bot_during_scan"]["press_max_ms"] < 1000
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
