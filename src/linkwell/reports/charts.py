"""Server-rendered SVG charts (bar, line, funnel) for published tables.

Every chart is drawn from a `Published` table, after suppression, and the page always shows
that table beside it: a chart never carries a figure the table does not. The SVG has
role="img", a <title> and a <desc> (referenced by aria-labelledby) and no script or inline
style (the content security policy forbids both). Right-to-left languages mirror the layout.
"""

from __future__ import annotations

import itertools
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import Published

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
FILL = "#005eb8"  # NHS blue
MUTED = "#768692"
TEXT = "#212b32"
_ids = itertools.count(1)


def _x(x: float, rtl: bool) -> float:
    return WIDTH - x if rtl else x


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _frame(title: str, desc: str, height: int, body: list[str], rtl: bool) -> SafeString:
    n = next(_ids)
    tid, did = f"chart-title-{n}", f"chart-desc-{n}"
    direction = ' direction="rtl"' if rtl else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lw-chart" role="img" '
        f'aria-labelledby="{tid} {did}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="Frutiger W01, Arial, sans-serif" '
        f'font-size="13"{direction}>'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text node above is escaped


def _description(points) -> str:
    parts = [f"{label}: {shown}" for label, _value, shown in points]
    return _("Data shown in the table that follows. ") + "; ".join(parts)


def bar_chart(title: str, points, *, rtl: bool = False) -> SafeString:
    values = [v for _l, v, _s in points if v is not None]
    top = max([abs(v) for v in values], default=0) or 1
    has_negative = any(v < 0 for v in values)
    plot = WIDTH - LABEL_WIDTH - 70
    zero = LABEL_WIDTH + (plot / 2 if has_negative else 0)
    scale = (plot / 2 if has_negative else plot) / top
    body = []
    for i, (label, value, shown) in enumerate(points):
        y = GAP + i * (BAR_HEIGHT + GAP)
        anchor = "start" if rtl else "end"
        body.append(
            f'<text x="{_x(LABEL_WIDTH - 8, rtl):.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" '
            f'text-anchor="{anchor}" fill="{TEXT}">{escape(_short(label))}</text>'
        )
        if value is None:
            body.append(
                f'<text x="{_x(zero + 4, rtl):.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" '
                f'text-anchor="{"end" if rtl else "start"}" fill="{MUTED}">{escape(shown)}</text>'
            )
            continue
        length = abs(value) * scale
        start = zero if value >= 0 else zero - length
        left = _x(start + length, rtl) if rtl else start
        body.append(
            f'<rect x="{left:.1f}" y="{y}" width="{max(length, 1):.1f}" height="{BAR_HEIGHT}" '
            f'fill="{FILL}"/>'
        )
        tx = start + length + 4 if value >= 0 else start - 4
        anchor = "start" if (value >= 0) != rtl else "end"
        body.append(
            f'<text x="{_x(tx, rtl):.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="{anchor}" '
            f'fill="{TEXT}">{escape(shown)}</text>'
        )
    if has_negative:
        body.append(
            f'<line x1="{_x(zero, rtl):.1f}" x2="{_x(zero, rtl):.1f}" y1="0" '
            f'y2="{GAP + len(points) * (BAR_HEIGHT + GAP)}" stroke="{MUTED}"/>'
        )
    height = GAP + len(points) * (BAR_HEIGHT + GAP) + GAP
    return _frame(title, _description(points), height, body, rtl)


def funnel_chart(title: str, points, *, rtl: bool = False) -> SafeString:
    values = [v for _l, v, _s in points if v is not None]
    top = max(values, default=0) or 1
    centre = WIDTH / 2
    body = []
    row = BAR_HEIGHT + 18
    for i, (label, value, shown) in enumerate(points):
        y = GAP + i * (row + GAP)
        body.append(
            f'<text x="{centre:.1f}" y="{y + 12}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(_short(label, 70))}: {escape(shown)}</text>"
        )
        if value is None:
            continue
        width = max(value / top * (WIDTH - 40), 1)
        body.append(
            f'<rect x="{centre - width / 2:.1f}" y="{y + 16}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{FILL}"/>'
        )
    height = GAP + len(points) * (row + GAP) + GAP
    return _frame(title, _description(points), height, body, rtl)


def line_chart(title: str, points, *, rtl: bool = False) -> SafeString:
    values = [v for _l, v, _s in points if v is not None]
    top = max(values, default=0) or 1
    # Room either side for half a centred label ("December 2026" is cut off otherwise).
    left, right, top_pad, plot_h = 50, 50, 16, 180
    count = max(len(points) - 1, 1)
    step = (WIDTH - left - right) / count
    body = [
        f'<line x1="{_x(left, rtl)}" x2="{_x(WIDTH - right, rtl)}" y1="{top_pad + plot_h}" '
        f'y2="{top_pad + plot_h}" stroke="{MUTED}"/>',
        f'<text x="{_x(left - 6, rtl)}" y="{top_pad + 4}" text-anchor="{"start" if rtl else "end"}"'
        f' fill="{MUTED}">{escape(str(round(top)))}</text>',
        f'<text x="{_x(left - 6, rtl)}" y="{top_pad + plot_h}" text-anchor="{"start" if rtl else "end"}"'
        f' fill="{MUTED}">0</text>',
    ]
    coords = []
    for i, (label, value, _shown) in enumerate(points):
        x = _x(left + i * step, rtl)
        if value is not None:
            y = top_pad + plot_h - value / top * plot_h
            coords.append((x, y))
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{FILL}"/>')
        if i % max(1, len(points) // 6) == 0 or i == len(points) - 1:
            body.append(
                f'<text x="{x:.1f}" y="{top_pad + plot_h + 18}" text-anchor="middle" '
                f'fill="{TEXT}" font-size="11">{escape(_short(label, 14))}</text>'
            )
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.insert(0, f'<polyline points="{path}" fill="none" stroke="{FILL}" stroke-width="2"/>')
    return _frame(title, _description(points), top_pad + plot_h + 30, body, rtl)


CHARTS = {"bar": bar_chart, "funnel": funnel_chart, "line": line_chart}


def chart_for(published: Published, *, rtl: bool = False) -> SafeString | None:
    """The table's chart, or None when it has none or no rows (the table says "no data")."""
    chart = published.table.chart
    if chart is None or not published.cells:
        return None
    points = published.chart_points()
    # Leave out the total row ("All …") from bar charts of parts: it dwarfs the parts.
    blocks = published.table.blocks or []
    totals = {total for _members, total in blocks if total is not None}
    if chart.kind == "bar" and totals:
        points = [p for i, p in enumerate(points) if i not in totals]
    if chart.kind == "line" and totals:
        points = [p for i, p in enumerate(points) if i not in totals]
    if not points:
        return None
    return CHARTS[chart.kind](str(chart.title or published.table.title), points, rtl=rtl)
