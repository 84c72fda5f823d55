"""A relationship graph as SVG: nodes in columns (one per header), edges as curves between them;
a node with an ``href`` is a link (the console's pages; the PDF drops the links)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tripline.charts.svg import AXIS, BACKGROUND, FOREGROUND

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 190, 44, 40, 14, 10
FILL = {"party": "#fdecea", "shipment": "#eef4fb", "container": "#fff4e0", "case": "#e6f4ea", "request": "#f1eefb"}


@dataclass(frozen=True)
class Node:
    id: str
    column: int
    label: str
    kind: str
    href: str | None = None
    note: str = ""


def _clip(text: str, n: int = 26) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def graph_svg(headers: Sequence[str], nodes: Sequence[Node], edges: Sequence[tuple[str, str]], title: str) -> Markup:
    """Nodes in columns (one per header), edges as curves from left to right; each node a link."""
    rows: dict[int, list[Node]] = {}
    for n in nodes:
        rows.setdefault(n.column, []).append(n)
    tallest = max((len(v) for v in rows.values()), default=1)
    width = PAD * 2 + len(headers) * NODE_W + (len(headers) - 1) * GAP_X
    height = PAD * 2 + 24 + tallest * (NODE_H + GAP_Y)
    where: dict[str, tuple[float, float]] = {}
    for col, members in rows.items():
        for i, n in enumerate(members):
            where[n.id] = (PAD + col * (NODE_W + GAP_X), PAD + 24 + i * (NODE_H + GAP_Y))
    parts = [
        f'<svg class="graph" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for i, header in enumerate(headers):
        x = PAD + i * (NODE_W + GAP_X) + NODE_W / 2
        parts.append(f'<text x="{x:.0f}" y="{PAD + 12}" text-anchor="middle" fill="{AXIS}" font-weight="600">')
        parts.append(f"{escape(header)}</text>")
    for a, b in edges:
        if a not in where or b not in where:
            continue
        (x1, y1), (x2, y2) = where[a], where[b]
        x1, y1, x2, y2 = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
        if x2 < x1:  # right to left: from the left side of a to the right side of b
            x1, x2 = where[a][0], where[b][0] + NODE_W
        mid = (x1 + x2) / 2
        parts.append(
            f'<path class="edge" d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" '
            f'fill="none" stroke="{BACKGROUND}" stroke-width="1.4"/>'
        )
    for n in nodes:
        x, y = where[n.id]
        box = (
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" '
            f'fill="{FILL.get(n.kind, "#ffffff")}" stroke="{FOREGROUND if n.href else AXIS}"/>'
            f'<text x="{x + 8:.0f}" y="{y + 18:.0f}" fill="{AXIS}">{escape(_clip(n.label))}</text>'
            f'<text x="{x + 8:.0f}" y="{y + 34:.0f}" fill="#4a5563" font-size="11">{escape(_clip(n.note, 30))}</text>'
        )
        tip = f"<title>{escape(n.label)}{(' — ' + escape(n.note)) if n.note else ''}</title>"
        if n.href:
            parts.append(f'<a class="node" data-kind="{n.kind}" href="{escape(n.href)}">{tip}{box}</a>')
        else:
            parts.append(f'<g class="node" data-kind="{n.kind}">{tip}{box}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))
