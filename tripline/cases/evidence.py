"""The evidence a linked case item carries, in words: one function for the case page and the PDF.

``details`` are written when an item is linked (see ``tripline.web.targeting`` and
``tripline.web.cases``): a shipment's score, action, reasons, parties, goods and route; a
container's portal scans and verdicts; a listed entity's list version, content hash,
programmes and the screening explanation of the query that found it."""

from __future__ import annotations

from typing import Any


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def evidence_lines(details: dict[str, Any]) -> list[str]:
    """Readable lines of an item's ``details`` (unknown keys with plain values are kept as ``key: value``)."""
    d = dict(details)
    lines: list[str] = []
    if "score" in d and "action" in d:
        lines.append(f"Targeting score {float(d.pop('score')):.2f}: {d.pop('action')}")
    if d.get("manifest"):
        lines.append(f"Manifest {d.pop('manifest')}")
    for role in ("shipper", "consignee"):
        if d.get(role):
            lines.append(f"{role.capitalize()}: {d.pop(role)}")
    goods = d.pop("goods", None)
    if isinstance(goods, list):
        for g in goods:
            if isinstance(g, dict):
                lines.append(f"Goods: {g.get('description', '')} (HS {g.get('hs_code', '')})")
    route = d.pop("route", None)
    if isinstance(route, list) and route:
        lines.append("Route: " + " → ".join(_text(p) for p in route))
    for key, label in (("vessel", "Vessel"), ("eta", "Arrival")):
        if d.get(key):
            lines.append(f"{label}: {d.pop(key)}")
    reasons = d.pop("reasons", None)
    if isinstance(reasons, list):
        for r in reasons:
            if isinstance(r, dict):
                source = f" ({r['source']})" if r.get("source") else ""
                words = r.get("words") or r.get("indicator", "")
                points = float(r.get("points", 0))
                if round(points, 2) == 0:  # shown, but not as a raise
                    lines.append(f"No points: {words}: {r.get('detail', '')}{source}")
                else:
                    lines.append(f"Reason {points:+.1f} {words}: {r.get('detail', '')}{source}")
    scans = d.pop("scans", None)
    if isinstance(scans, list):
        for s in scans:
            if isinstance(s, dict):
                nuclides = ", ".join(s.get("nuclides") or []) or "none identified"
                lines.append(
                    f"Radiation scan {s.get('occupancy', '')} at {s.get('location', '')} {s.get('time', '')}: "
                    f"verdict {s.get('verdict', '')}; nuclides {nuclides}"
                )
                lines.extend(f"  {_text(x)}" for x in s.get("reasons") or [])
    if d.get("list"):
        version = f" version {d.pop('list_version')}" if d.get("list_version") else ""
        published = f", published {d.pop('list_published')}" if d.get("list_published") else ""
        lines.append(f"Listed on {d.pop('list')}{version}{published}, entry {d.pop('entry_id', '')}")
    if d.get("snapshot_sha256"):
        lines.append(f"List files sha256 {d.pop('snapshot_sha256')}")
    programmes = d.pop("programmes", None)
    if isinstance(programmes, list) and programmes:
        lines.append("Programmes: " + ", ".join(_text(p) for p in programmes))
    if d.get("query"):
        score = f" (score {float(d.pop('match_score')):.2f})" if d.get("match_score") is not None else ""
        lines.append(f"Screened as “{d.pop('query')}”{score}")
    explanation = d.pop("explanation", None)
    if isinstance(explanation, list):
        lines.extend(f"  {_text(x)}" for x in explanation)
    d.pop("url", None)
    d.pop("match_score", None)
    lines.extend(f"{k}: {v}" for k, v in d.items() if isinstance(v, str | int | float) and v != "")
    return lines
