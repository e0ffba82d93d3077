"""Measuring this checkout against another (the code before a change), each run in a process
of its own: the bench script is run again with `--code DIR` and its last line read as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def checkouts() -> dict[str, Path]:
    """This checkout, and the one `BENCH_BASELINE` names when set."""
    found = {"ours": ROOT}
    if os.environ.get("BENCH_BASELINE"):
        found["baseline"] = Path(os.environ["BENCH_BASELINE"])
    return found


def run_in(script: str, code: Path, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(Path(script).resolve()), "--code", str(code), *args],
                         capture_output=True, text=True, cwd=code, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])
