"""The lock file production installs from (the image, DEPLOY.md) matches pyproject.toml: every
dependency pinned within its range, nothing of the development tools, nothing missing."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "make lock"


def pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.MULTILINE)
    return {canonicalize_name(name): version for name, version in found}


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"]]


def test_every_dependency_is_pinned_within_its_range():
    locked = pins()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run {REGENERATE}"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{name}=={locked[name]} is outside {requirement.specifier}: run {REGENERATE}"
        )


def test_the_development_tools_stay_out():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = {canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["dev"]}
    production = {canonicalize_name(r.name) for r in declared()}
    assert not (dev - production) & set(pins())


def test_what_each_pinned_package_needs_is_pinned_too():
    locked = pins()
    environment = default_environment()
    wanted_extras: dict[str, set[str]] = {}
    for requirement in declared():
        wanted_extras.setdefault(canonicalize_name(requirement.name), set()).update(
            requirement.extras
        )
    missing = []
    for name in locked:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here (another platform's): nothing to check against
        for raw in requires:
            needed = Requirement(raw)
            extras = wanted_extras.get(name, set()) | {""}
            if needed.marker and not any(
                needed.marker.evaluate({**environment, "extra": extra}) for extra in extras
            ):
                continue
            if canonicalize_name(needed.name) not in locked:
                missing.append(f"{name} needs {needed.name}")
    assert not missing, f"{missing}: run {REGENERATE}"
