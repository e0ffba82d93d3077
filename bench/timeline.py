"""Timeline grammar: phrases per second and accuracy over the corpus, against dateparser.

Both read the same phrases with the same reference date. Scoring dateparser fairly for what it
is (a date finder): a one-off deadline is right when it finds the last allowed day, an event
when it finds the start, a window when it finds the end; a recurring, continuous or empty
phrase, or an impossible date, is right when it finds nothing (a single date there would be a
wrong reminder). Prints one JSON object last.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.timeline import TimelineError, parse_timeline
from tests.timeline_corpus import CASES


def ours(case):  # type: ignore[no-untyped-def]
    try:
        return parse_timeline(case.text, case.reference).to_json(case.reference)
    except TimelineError:
        return None


def dateparser_right(case, found) -> bool:  # type: ignore[no-untyped-def]
    if case.error or case.kind in ("recurring", "continuous", "none"):
        return found is None
    if found is None:
        return False
    if case.kind == "event":
        return found.isoformat(timespec="seconds") == case.start
    wanted = case.end if case.kind == "window" else case.due
    return found.date().isoformat() == (wanted or "")[:10]


def main() -> None:
    import dateparser

    warnings.simplefilter("ignore")
    ours_correct = sum(1 for case in CASES if not case.check(ours(case)))

    rounds = 20
    began = time.perf_counter()
    for _ in range(rounds):
        for case in CASES:
            ours(case)
    ours_rate = rounds * len(CASES) / (time.perf_counter() - began)

    # Warm both up first: dateparser loads its language data on the first call.
    dateparser.parse("05/02/2025", languages=["vi"])
    found = []
    began = time.perf_counter()
    for case in CASES:
        base = datetime(case.reference.year, case.reference.month, case.reference.day)  # noqa: DTZ001 - dateparser wants naive
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY"}
        try:
            found.append(dateparser.parse(case.text, languages=["vi"], settings=settings))
        except Exception:
            found.append(None)
    theirs_rate = len(CASES) / (time.perf_counter() - began)
    theirs_correct = sum(
        1 for case, f in zip(CASES, found, strict=True) if dateparser_right(case, f)
    )

    print(
        json.dumps(
            {
                "phrases": len(CASES),
                "ours_per_second": round(ours_rate),
                "dateparser_per_second": round(theirs_rate),
                "speedup": round(ours_rate / theirs_rate, 1),
                "ours_correct": ours_correct,
                "dateparser_correct": theirs_correct,
            }
        )
    )


if __name__ == "__main__":
    main()
