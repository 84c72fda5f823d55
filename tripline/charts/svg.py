"""A gamma spectrum as inline SVG, drawn on the server (no JavaScript chart library).

Counts are shown as rates (counts per second per channel, foreground and background each
divided by its own live time) on a logarithmic axis, against energy when calibrated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 900, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
FOREGROUND = "#0b5cad"  # --accent
BACKGROUND = "#7b8594"  # --border
AXIS = "#1b1f24"  # --fg


def _nice_ticks(lo: float, hi: float, n: int = 6) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


CHAR_W = 7.0  # width of a 12-px sans-serif character, generously


def label_width(label: str) -> float:
    return CHAR_W * len(label) + 6


def label_rows(marks: Sequence[tuple[float, str]], *, right: float, rows: int = 4) -> list[int | None]:
    """A text row for each label at x (sorted by x) such that no two labels of a row overlap: the
    first row whose last label ends before this one starts (labels near the right edge run left);
    ``None`` when every row is taken there (the line is drawn, its label is left out)."""
    ends = [-math.inf] * rows
    out: list[int | None] = []
    for x, label in marks:
        w = label_width(label)
        start, end = (x - w, x) if x + w > right else (x, x + w)
        row = next((r for r in range(rows) if ends[r] < start), None)
        if row is not None:
            ends[row] = end
        out.append(row)
    return out


def _polyline(xs: Sequence[float], ys: Sequence[float], colour: str, dash: str = "") -> str:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline fill="none" stroke="{colour}" stroke-width="1.4"{extra} points="{points}"/>'


def spectrum_svg(
    counts: Sequence[int],
    live_time_s: float,
    *,
    energies_kev: Sequence[float] = (),
    background: Sequence[int] = (),
    background_live_time_s: float = 0.0,
    title: str = "Gamma spectrum",
    markers: Sequence[tuple[float, str]] = (),
) -> Markup:
    """SVG of one spectrum (and its background); ``markers`` are (energy keV, label) lines."""
    n = len(counts)
    if n < 2 or live_time_s <= 0:
        return Markup("")
    calibrated = len(energies_kev) == n
    xs_data = list(energies_kev) if calibrated else [float(i) for i in range(n)]
    rate = [c / live_time_s for c in counts]
    bg_rate = (
        [c / background_live_time_s for c in background] if len(background) == n and background_live_time_s > 0 else []
    )
    positive = [r for r in rate + bg_rate if r > 0]
    y_lo = math.floor(math.log10(min(positive))) if positive else -3
    y_hi = math.ceil(math.log10(max(positive))) if positive else 0
    if y_hi <= y_lo:
        y_hi = y_lo + 1
    x_lo, x_hi = xs_data[0], xs_data[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x_lo) / (x_hi - x_lo or 1) * plot_w

    def sy(r: float) -> float:
        v = math.log10(r) if r > 0 else y_lo
        return TOP + (1 - (v - y_lo) / (y_hi - y_lo)) * plot_h

    xs = [sx(x) for x in xs_data]
    parts = [
        f'<svg class="spectrum" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{AXIS}"/>',
    ]
    for decade in range(y_lo, y_hi + 1):
        y = sy(10.0**decade)
        parts.append(f'<line x1="{LEFT - 4}" x2="{LEFT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{AXIS}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">1e{decade}</text>')
    for tick in _nice_ticks(x_lo, x_hi):
        x = sx(tick)
        label = f"{tick:g}"
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" stroke="{AXIS}"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 17}" text-anchor="middle" fill="{AXIS}">{label}</text>')
    x_title = "energy (keV)" if calibrated else "channel"
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" fill="{AXIS}">{x_title}</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" fill="{AXIS}" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">counts / s / channel</text>'
    )
    if bg_rate:
        parts.append(_polyline(xs, [sy(r) for r in bg_rate], BACKGROUND, "4 3"))
    parts.append(_polyline(xs, [sy(r) for r in rate], FOREGROUND))
    shown = [(sx(energy), label) for energy, label in sorted(markers) if calibrated and x_lo <= energy <= x_hi]
    for (x, label), row in zip(shown, label_rows(shown, right=LEFT + plot_w), strict=True):
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#b35c00"/>')
        if row is None:
            continue
        y = TOP + 13 + 16 * row
        anchor = "end" if x + 3 + label_width(label) > LEFT + plot_w else "start"
        tx = x - 3 if anchor == "end" else x + 3
        parts.append(f'<text x="{tx:.1f}" y="{y}" text-anchor="{anchor}" fill="#7a4100">{escape(label)}</text>')
    # the legend under the axis, clear of the line labels at the top of the plot
    legend_y = HEIGHT - 6
    parts.append(f'<text x="{LEFT}" y="{legend_y}" fill="{FOREGROUND}">— foreground</text>')
    if bg_rate:
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{legend_y}" text-anchor="end" fill="#4a5563">- - background</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram_svg(
    counts: Sequence[int], edges: Sequence[float], title: str, *, marks: Sequence[tuple[float, str]] = ()
) -> Markup:
    """Bars of ``counts`` between ``edges`` (len(counts) + 1 of them), each bar labelled with its count;
    ``marks`` draws vertical lines (e.g. the action thresholds) at those x values."""
    if len(edges) != len(counts) + 1 or not counts:
        raise ValueError("a histogram needs one more edge than bars")
    width, height, left, right, top, bottom = 640, 200, 40, 12, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(counts), 1)
    x_lo, x_hi = edges[0], edges[-1]

    def sx(x: float) -> float:
        return left + (x - x_lo) / ((x_hi - x_lo) or 1) * plot_w

    parts = [
        f'<svg class="histogram" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{AXIS}"/>',
    ]
    for i, n in enumerate(counts):
        x0, x1 = sx(edges[i]), sx(edges[i + 1])
        h = n / peak * (plot_h - 14)
        y = top + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x0 + 1:.1f}" y="{y:.1f}" width="{max(x1 - x0 - 2, 1):.1f}" height="{h:.1f}" '
            f'fill="{FOREGROUND}"><title>{edges[i]:g} to {edges[i + 1]:g}: {n}</title></rect>'
        )
        if n:
            parts.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{AXIS}">{n}</text>')
    for tick in _nice_ticks(x_lo, x_hi):
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" stroke="{AXIS}"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{AXIS}">{tick:g}</text>')
    for value, label in marks:
        if x_lo <= value <= x_hi:
            x = sx(value)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
                f'stroke="#b35c00" stroke-dasharray="4 3"/>'
            )
            parts.append(f'<text x="{x + 3:.1f}" y="{top + 10}" fill="#7a4100">{escape(label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="{AXIS}">score</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def profile_svg(
    gamma_cps: Sequence[float], slice_s: float, background_cps: float, title: str, *, sigma_line: float = 4.0
) -> Markup:
    """The occupancy's time profile: gamma counts per second of each time slice as the container
    passes, with the background rate measured before it and background + ``sigma_line`` sigma per slice."""
    n = len(gamma_cps)
    if n < 2 or slice_s <= 0:
        return Markup("")
    width, height, left, right, top, bottom = 640, 220, 64, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    limit = background_cps + sigma_line * math.sqrt(max(background_cps, 1e-9) / slice_s)
    y_hi = max([*gamma_cps, limit]) * 1.08 or 1.0
    y_lo = min([*gamma_cps, background_cps]) * 0.92
    t_hi = n * slice_s

    def sx(t: float) -> float:
        return left + t / t_hi * plot_w

    def sy(v: float) -> float:
        return top + (1 - (v - y_lo) / ((y_hi - y_lo) or 1)) * plot_h

    parts = [
        f'<svg class="profile" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{AXIS}"/>',
    ]
    for tick in _nice_ticks(y_lo, y_hi, 4):
        y = sy(tick)
        parts.append(f'<line x1="{left - 4}" x2="{left}" y1="{y:.1f}" y2="{y:.1f}" stroke="{AXIS}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">{tick:g}</text>')
    for tick in _nice_ticks(0.0, t_hi, 6):
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" stroke="{AXIS}"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{AXIS}">{tick:g}</text>')
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="{AXIS}">'
        "time in the portal (s)</text>"
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{AXIS}" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">gamma counts / s</text>'
    )
    for value, colour, dash, label in (
        (background_cps, BACKGROUND, "4 3", "background"),
        (limit, "#b35c00", "2 3", f"background + {sigma_line:g} sigma"),
    ):
        y = sy(value)
        parts.append(
            f'<line class="level" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-dasharray="{dash}"/>'
        )
        parts.append(f'<text x="{left + plot_w - 4}" y="{y - 4:.1f}" text-anchor="end" fill="#4a5563">{label}</text>')
    xs = [sx((i + 0.5) * slice_s) for i in range(n)]
    parts.append(_polyline(xs, [sy(v) for v in gamma_cps], FOREGROUND))
    parts.append("</svg>")
    return Markup("".join(parts))
