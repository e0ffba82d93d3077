"""Timeline grammar: phrases per second and accuracy over the corpus, against dateparser.

Both read the same phrases with the same reference date. Scoring dateparser fairly for what it
is (a date finder): a one-off deadline is right when it finds the last allowed day, an event
when it finds the start, a window when it finds the end; a recurring, continuous or empty
phrase, or an impossible date, is right when it finds nothing (a single date there would be a
wrong reminder). Prints one JSON object last.

Speeds: `ours_per_second` is reading, text to a Timeline: the same work as dateparser's text to
a datetime, so `speedup` is the like-for-like ratio (the target: at least 20). Beside it,
`ours_with_json_per_second` also builds the `nhacviec deadline --json` object, which computes
the next three due dates of a recurring phrase, work dateparser does not do at all
(`speedup_with_json`). Rounds of the three alternate and each reports its best round: this
machine's speed wanders, and dateparser too gets faster as its caches fill. `speedup_median`
is the ratio of the medians of reading and dateparser.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import warnings
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.timeline_corpus import CASES
from timing.timeline import TimelineError, parse_timeline


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


def _dateparser_pass(dateparser):  # type: ignore[no-untyped-def]
    found = []
    for case in CASES:
        base = datetime(case.reference.year, case.reference.month, case.reference.day)  # noqa: DTZ001 - dateparser wants naive
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY"}
        try:
            found.append(dateparser.parse(case.text, languages=["vi"], settings=settings))
        except Exception:
            found.append(None)
    return found


def _json_pass() -> None:
    for case in CASES:
        ours(case)


def _read_pass() -> None:
    for case in CASES:
        try:  # noqa: SIM105 - contextlib.suppress costs more than try in a timed loop
            parse_timeline(case.text, case.reference)
        except TimelineError:
            pass


def _rate(run, passes: int) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    for _ in range(passes):
        run()
    return passes * len(CASES) / (time.perf_counter() - began)


def main() -> None:
    import dateparser

    warnings.simplefilter("ignore")
    ours_correct = sum(1 for case in CASES if not case.check(ours(case)))
    found = _dateparser_pass(dateparser)  # also warms dateparser's caches up
    theirs_correct = sum(
        1 for case, f in zip(CASES, found, strict=True) if dateparser_right(case, f)
    )

    # Rounds alternate between the passes so that a busy moment of the machine falls on all; each
    # side's best round is its steady speed (dateparser gets faster as its caches fill, too).
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    read_rates, json_rates, theirs_rates = [], [], []
    for _ in range(rounds):
        read_rates.append(_rate(_read_pass, 10))
        json_rates.append(_rate(_json_pass, 10))
        theirs_rates.append(_rate(lambda: _dateparser_pass(dateparser), 1))
    best_read, best_json, best_theirs = max(read_rates), max(json_rates), max(theirs_rates)
    print(
        json.dumps(
            {
                "phrases": len(CASES),
                "rounds": rounds,
                "ours_per_second": round(best_read),
                "dateparser_per_second": round(best_theirs),
                "speedup": round(best_read / best_theirs, 1),
                "speedup_median": round(
                    statistics.median(read_rates) / statistics.median(theirs_rates), 1
                ),
                "ours_with_json_per_second": round(best_json),
                "speedup_with_json": round(best_json / best_theirs, 1),
                "ours_correct": ours_correct,
                "dateparser_correct": theirs_correct,
            }
        )
    )


if __name__ == "__main__":
    main()
