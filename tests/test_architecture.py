"""The imports between the top-level packages point the way ARCHITECTURE.md says: a new
direction fails here until the page (and the design) says it is meant."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "config", "db", "jobs", "plans", "reports")
ALLOWED = {
    ("bot", "config"), ("bot", "db"), ("bot", "jobs"), ("bot", "plans"), ("bot", "reports"),
    ("reports", "db"), ("reports", "plans"),
    ("plans", "db"), ("plans", "jobs"),
    ("jobs", "config"), ("jobs", "db"),
}  # fmt: skip
# To be removed by the duties layer (#20); listed in ARCHITECTURE.md.
KNOWN_EXCEPTIONS = {("jobs", "bot"), ("config", "jobs")}


def imports() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in PACKAGES and top != package:
                        where = f"{path.relative_to(ROOT)} imports {name}"
                        found.setdefault((package, top), []).append(where)
    return found


def test_imports_point_only_the_allowed_ways():
    unexpected = {edge: files for edge, files in imports().items()
                  if edge not in ALLOWED | KNOWN_EXCEPTIONS}  # fmt: skip
    assert unexpected == {}


def test_the_known_exceptions_are_still_real_and_written_down():
    # When #20 removes one, this test says to take it off the list (and off the page).
    found = set(imports())
    assert found >= KNOWN_EXCEPTIONS
    page = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for source, target in KNOWN_EXCEPTIONS:
        assert f"`{source}` → `{target}`" in page
