"""Pages from Jinja2 templates shipped in the package, with the filters they use."""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from duties.rules import Category, label
from reports.excel import FILLS
from texts import messages
from texts.periods import period_name


@lru_cache(maxsize=4)
def environment(tz: tzinfo) -> Environment:
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def day(moment: datetime | None) -> str:
        return "" if moment is None else moment.astimezone(tz).strftime("%d/%m/%Y")

    def moment_text(moment: datetime | None) -> str:
        return "" if moment is None else moment.astimezone(tz).strftime("%H:%M %d/%m/%Y")

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    env.filters.update(
        day=day,
        moment=moment_text,
        pct=pct,
        category=lambda c: label(Category(c)),
        fill=lambda c: "#" + FILLS[Category(c)],
        period=lambda key: period_name(key) or "",
        status=lambda value: messages.text(f"status.{value}"),
    )
    return env


def page(tz: tzinfo, template: str, **values: Any) -> str:
    return environment(tz).get_template(template).render(**values)
