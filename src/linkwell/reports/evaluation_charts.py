"""Plain SVG charts for the evaluation outputs: the cost-effectiveness plane and the
acceptability curve. No JavaScript, no external files; each chart has a <title> and <desc>
and is written beside the CSV table holding the same numbers (ce_plane.csv, ceac.csv).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 440
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 40, 60


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.4f}".rstrip("0").rstrip(".")


class _Frame:
    def __init__(self, x_range, y_range):
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        if self.x1 <= self.x0:
            self.x0, self.x1 = self.x0 - 1, self.x1 + 1
        if self.y1 <= self.y0:
            self.y0, self.y1 = self.y0 - 1, self.y1 + 1

    def x(self, value: float) -> float:
        return LEFT + (value - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        return HEIGHT - BOTTOM - (value - self.y0) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)


def _axes(frame: _Frame, x_label: str, y_label: str) -> list[str]:
    parts = []
    for tick in _nice_ticks(frame.x0, frame.x1):
        x = frame.x(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" '
            'stroke="#d8dde0" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
            f'font-size="12">{escape(_fmt(tick))}</text>'
        )
    for tick in _nice_ticks(frame.y0, frame.y1):
        y = frame.y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#d8dde0" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="12">{escape(_fmt(tick))}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 15}" text-anchor="middle" '
        f'font-size="13">{escape(x_label)}</text>'
        f'<text transform="translate(18 {(TOP + HEIGHT - BOTTOM) / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="13">{escape(y_label)}</text>'
    )
    return parts


def _svg(title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="t d" '
        'font-family="Arial, sans-serif">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        f'<text x="{LEFT}" y="24" font-size="15" font-weight="bold">{escape(title)}</text>'
        + "".join(body)
        + "</svg>\n"
    )


def ce_plane_svg(
    points: Sequence[tuple[float, float]],
    *,
    estimate: tuple[float, float] | None,
    thresholds: Sequence[float] = (20_000, 30_000),
    title: str = "Cost-effectiveness plane",
    max_points: int = 2_000,
) -> str:
    """Scatter of bootstrap (ΔQALY, Δcost) with the point estimate and threshold lines.

    ``points`` are (Δcost, ΔQALY) pairs; at most ``max_points`` are drawn (evenly spaced
    through the resamples) so the file stays small. Axes always include zero.
    """
    pts = [(q, c) for c, q in points if math.isfinite(c) and math.isfinite(q)]
    if len(pts) > max_points:
        step = len(pts) / max_points
        pts = [pts[int(i * step)] for i in range(max_points)]
    xs = [q for q, _ in pts] + [0.0] + ([estimate[1]] if estimate else [])
    ys = [c for _, c in pts] + [0.0] + ([estimate[0]] if estimate else [])
    pad_x = (max(xs) - min(xs)) * 0.05 or 0.001
    pad_y = (max(ys) - min(ys)) * 0.05 or 1.0
    frame = _Frame((min(xs) - pad_x, max(xs) + pad_x), (min(ys) - pad_y, max(ys) + pad_y))
    body = _axes(frame, "Incremental QALYs (ΔQALY)", "Incremental cost (Δcost, £)")
    body.append(
        f'<line x1="{frame.x(0):.1f}" y1="{TOP}" x2="{frame.x(0):.1f}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#212b32" stroke-width="1.5"/>'
        f'<line x1="{LEFT}" y1="{frame.y(0):.1f}" x2="{WIDTH - RIGHT}" y2="{frame.y(0):.1f}" '
        'stroke="#212b32" stroke-width="1.5"/>'
    )
    body.append(
        f'<clipPath id="plot"><rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}"/></clipPath><g clip-path="url(#plot)">'
    )
    for lam, dash in zip(thresholds, ("6 4", "2 3"), strict=False):
        body.append(
            f'<line x1="{frame.x(frame.x0):.1f}" y1="{frame.y(lam * frame.x0):.1f}" '
            f'x2="{frame.x(frame.x1):.1f}" y2="{frame.y(lam * frame.x1):.1f}" '
            f'stroke="#005eb8" stroke-width="1.5" stroke-dasharray="{dash}"/>'
        )
    body.append('<g fill="#768692" fill-opacity="0.35">')
    body.extend(f'<circle cx="{frame.x(q):.1f}" cy="{frame.y(c):.1f}" r="1.6"/>' for q, c in pts)
    body.append("</g>")
    if estimate:
        ex, ey = frame.x(estimate[1]), frame.y(estimate[0])
        body.append(f'<circle cx="{ex:.1f}" cy="{ey:.1f}" r="5" fill="#d5281b" stroke="#ffffff"/>')
    body.append("</g>")
    legend_y = TOP + 14
    body.append(
        f'<g font-size="12"><circle cx="{WIDTH - 200}" cy="{legend_y - 4}" r="5" '
        f'fill="#d5281b"/><text x="{WIDTH - 190}" y="{legend_y}">Point estimate</text>'
        f'<line x1="{WIDTH - 206}" y1="{legend_y + 12}" x2="{WIDTH - 194}" y2="{legend_y + 12}" '
        'stroke="#005eb8" stroke-dasharray="6 4"/>'
        f'<text x="{WIDTH - 190}" y="{legend_y + 16}">£20,000 per QALY</text>'
        f'<line x1="{WIDTH - 206}" y1="{legend_y + 28}" x2="{WIDTH - 194}" y2="{legend_y + 28}" '
        'stroke="#005eb8" stroke-dasharray="2 3"/>'
        f'<text x="{WIDTH - 190}" y="{legend_y + 32}">£30,000 per QALY</text></g>'
    )
    desc = (
        f"{len(pts)} bootstrap resamples of incremental QALYs (horizontal) against incremental "
        "cost (vertical), with the point estimate and lines at £20,000 and £30,000 per QALY. "
        "The numbers are in ce_plane.csv and cost_effectiveness.csv."
    )
    return _svg(title, desc, body)


def ceac_svg(
    curve: Sequence[tuple[float, float]], *, title: str = "Cost-effectiveness acceptability curve"
) -> str:
    """Probability the intervention is cost-effective (y, 0–1) against the threshold (x, £)."""
    curve = [(t, p) for t, p in curve if math.isfinite(t) and math.isfinite(p)]
    if not curve:
        curve = [(0.0, 0.0)]
    frame = _Frame((min(t for t, _ in curve), max(t for t, _ in curve)), (0.0, 1.0))
    body = _axes(frame, "Willingness to pay per QALY (£)", "Probability cost-effective (0 to 1)")
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{frame.x(t):.1f},{frame.y(p):.1f}"
        for i, (t, p) in enumerate(curve)
    )
    body.append(f'<path d="{path}" fill="none" stroke="#005eb8" stroke-width="2.5"/>')
    for lam in (20_000, 30_000):
        if frame.x0 <= lam <= frame.x1:
            body.append(
                f'<line x1="{frame.x(lam):.1f}" y1="{TOP}" x2="{frame.x(lam):.1f}" '
                f'y2="{HEIGHT - BOTTOM}" stroke="#768692" stroke-dasharray="4 3"/>'
            )
    desc = (
        "Share of bootstrap resamples in which the intervention is cost-effective (net "
        "monetary benefit above zero) at each willingness-to-pay threshold. The numbers are "
        "in ceac.csv."
    )
    return _svg(title, desc, body)
