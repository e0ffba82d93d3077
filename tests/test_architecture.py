"""The imports between the top-level packages point the way ARCHITECTURE.md says: a new
direction fails here until the page (and the design) says it is meant."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "bot", "cli", "config", "db", "duties", "emulator", "jobs", "plans", "reports", "texts",
    "timing", "web",
)  # fmt: skip
EDGES = ("bot", "cli", "emulator", "web")  # may import anything below them
ALLOWED = {
    *{(edge, p) for edge in EDGES for p in PACKAGES if p not in EDGES},
    ("cli", "bot"), ("cli", "emulator"), ("emulator", "bot"),
    ("bot", "web"), ("cli", "web"), ("emulator", "web"),
    ("jobs", "config"), ("jobs", "db"), ("jobs", "duties"), ("jobs", "texts"), ("jobs", "timing"),
    ("reports", "db"), ("reports", "duties"), ("reports", "plans"), ("reports", "texts"),
    ("plans", "db"), ("plans", "timing"),
    ("texts", "duties"),
    ("duties", "db"), ("duties", "timing"),
    ("config", "timing"),
}  # fmt: skip


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
    unexpected = {edge: files for edge, files in imports().items() if edge not in ALLOWED}
    assert unexpected == {}


def test_nothing_below_the_edges_imports_an_edge():
    # The duties layer's promise: the bot, the command line and the emulator sit on top.
    upward = {(a, b) for a, b in imports() if b in EDGES and a not in EDGES}
    assert upward == set()


def test_no_import_circle_between_packages():
    graph: dict[str, set[str]] = {}
    for source, target in imports():
        graph.setdefault(source, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [p for p in PACKAGES if reaches(p, p, {p})] == []


def test_the_page_names_every_package():
    page = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert [p for p in PACKAGES if f"`{p}/`" not in page] == []


def _module_graph() -> dict[str, set[str]]:
    """Our modules and the modules of ours each imports, at any depth of the file (an
    import inside a function counts: a circle hidden in a function is still a circle)."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name in modules}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found |= {node.module} & modules.keys()
                found |= {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
        graph[name] = found - {name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    circles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    circles.append(path)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))
    return circles


def test_no_module_imports_itself_round_a_circle():
    # The conversation steps (a registry, bot/steps.py) and the readers (plans/agencies.py)
    # were the circles; a new one fails here with its members.
    graph = _module_graph()
    assert "bot.answers" in graph and "bot.steps" in graph["bot.answers"]  # read at all
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ("a", "b", "c"), ("b", "c", "a"), ("c", "a", "b")
    ]  # fmt: skip


def test_every_package_is_installed_with_the_command():
    # An installed `nhacviec` (the image, a wheel) has only the packages pyproject names.
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert [p for p in PACKAGES if f"{p}*" not in include] == []
    # … and the image copies each of them before installing.
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert [p for p in PACKAGES if f"COPY {p} ./{p}" not in dockerfile] == []
