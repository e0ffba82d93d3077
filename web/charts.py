"""Charts drawn on the server as SVG: no script, no CDN, readable when printed.

Pure: values in, markup out (labels escaped). Each chart carries a <title> and a table-like
text alternative in `aria-label`, so a screen reader and a test read the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from duties.rules import ORDER, Category, label
from reports.excel import FILLS
from reports.overview import DistrictLine, Week
from reports.summary import Score

INK = "#1f2937"
GRID = "#d1d5db"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def categories(counts: dict[Category, int], title: str = "Tình trạng các nhiệm vụ") -> Markup:
    """One bar split by category, with a legend: where every duty in view stands."""
    width, total = 640, sum(counts.values()) or 1
    body, x = [], 0.0
    for category in ORDER:
        n = counts.get(category, 0)
        w = width * n / total
        if n:
            body.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="28" fill="#{FILLS[category]}" '
                f'stroke="#fff"><title>{escape(label(category))}: {n}</title></rect>'
            )
            if w > 28:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="19" text-anchor="middle" '
                    f'font-size="13" fill="{INK}">{n}</text>'
                )
        x += w
    for i, category in enumerate(ORDER):
        cx, cy = (i % 3) * 215, 44 + (i // 3) * 22
        body.append(
            f'<rect x="{cx}" y="{cy}" width="14" height="14" fill="#{FILLS[category]}" '
            f'stroke="{GRID}"/><text x="{cx + 20}" y="{cy + 12}" font-size="12" fill="{INK}">'
            f"{escape(label(category))}: {counts.get(category, 0)}</text>"
        )
    return _svg(
        width, 92, title + ": " + ", ".join(f"{label(c)} {counts.get(c, 0)}" for c in ORDER), body
    )


def rates(lines: Sequence[tuple[str, float | None, str]], title: str) -> Markup:
    """Horizontal bars of a rate (0–1) per name, with the figure beside each bar."""
    row, left, bar = 24, 190, 330
    body = []
    for i, (name, rate, extra) in enumerate(lines):
        y = i * row
        shown = name if len(name) <= 28 else name[:27] + "…"
        body.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(shown)}<title>{escape(name)}</title></text>'
        )
        body.append(f'<rect x="{left}" y="{y + 4}" width="{bar}" height="15" fill="#f3f4f6"/>')
        if rate is not None:
            colour = "#16a34a" if rate >= 0.8 else "#d97706" if rate >= 0.5 else "#dc2626"
            body.append(
                f'<rect x="{left}" y="{y + 4}" width="{bar * rate:.1f}" height="15" '
                f'fill="{colour}"/>'
            )
        body.append(
            f'<text x="{left + bar + 6}" y="{y + 16}" font-size="12" fill="{INK}">'
            f"{_pct(rate)}{escape(extra)}</text>"
        )
    alt = title + ": " + "; ".join(f"{n} {_pct(r)}" for n, r, _ in lines)
    return _svg(left + bar + 110, max(row * len(lines), row), alt, body)


def districts(lines: Sequence[DistrictLine]) -> Markup:
    return rates(
        [(d.district, d.tally.rate, f" · {d.tally.overdue} quá hạn") for d in lines],
        "Tỷ lệ đúng hạn theo địa bàn",
    )


def slowest(scores: Sequence[Score]) -> Markup:
    return rates(
        [(s.unit_name, s.on_time_rate, f" · {s.overdue} quá hạn") for s in scores],
        "Đơn vị chậm nhất",
    )


def weeks(data: Sequence[Week]) -> Markup:
    """Answers per week, stacked: done on time, done late, other answers."""
    height, left, step = 150, 30, 44
    top = max((w.on_time + w.late + w.other for w in data), default=0) or 1
    parts = (
        ("on_time", Category.DONE_ON_TIME),
        ("late", Category.DONE_LATE),
        ("other", Category.IN_PROGRESS_ON_TIME),
    )
    body = [
        f'<line x1="{left}" y1="{height}" x2="{left + step * len(data)}" y2="{height}" '
        f'stroke="{GRID}"/>',
        f'<text x="0" y="12" font-size="11" fill="{INK}">{top}</text>',
    ]
    for i, week in enumerate(data):
        x, y = left + i * step + 6, float(height)
        for attr, category in parts:
            n = getattr(week, attr)
            h = (height - 10) * n / top
            if n:
                y -= h
                body.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{step - 12}" height="{h:.1f}" '
                    f'fill="#{FILLS[category]}" stroke="#9ca3af" stroke-width="0.5">'
                    f"<title>{week.start:%d/%m}: {n}</title></rect>"
                )
        body.append(
            f'<text x="{x + (step - 12) / 2}" y="{height + 14}" font-size="10" '
            f'text-anchor="middle" fill="{INK}">{week.start:%d/%m}</text>'
        )
    alt = "Trả lời theo tuần (đúng hạn, quá hạn, khác): " + "; ".join(
        f"{w.start:%d/%m} {w.on_time}/{w.late}/{w.other}" for w in data
    )
    return _svg(left + step * len(data) + 10, height + 20, alt, body)
