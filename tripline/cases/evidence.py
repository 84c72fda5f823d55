"""The evidence a linked case item carries, in words: one function for the case page and the PDF.

``details`` are written when an item is linked (see ``tripline.web.targeting`` and
``tripline.web.cases``): a shipment's score, action, reasons, parties, goods and route; a
container's portal scans and verdicts; a listed entity's list version, content hash,
programmes and the screening explanation of the query that found it."""

from __future__ import annotations

from typing import Any

LISTED_WORDS = {"yes": "listed", "no": "not listed", "unknown": "depends on parameters"}
MAX_CANDIDATES = 3  # the strongest control-list candidates a goods line keeps


def classification_record(classification: Any) -> dict[str, Any]:
    """What a case keeps of one goods line's classification (a ``controls.schema.Classification``):
    the verdict in both vocabularies, its reasons, and the strongest candidates with each control
    threshold, the value found and whether it is met."""
    v = classification.verdict
    return {
        "description": classification.query.description,
        "hs_code": classification.query.hs_code or "",
        "listed": v.listed.value,
        "eu_code": v.eu_code or "",
        "eccn": v.eccn,
        "catch_all": v.catch_all,
        "reasons": list(v.reasons),
        "candidates": [
            {
                "code": c.code,
                "title": c.title,
                "score": round(c.score, 3),
                "parameters": [
                    {"item": p.item, "required": p.required, "found": p.found or "", "verdict": p.verdict.value}
                    for p in c.parameters
                ],
            }
            for c in classification.candidates[:MAX_CANDIDATES]
        ],
    }


def goods_classifications(classifier: Any, goods: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The classification record of each goods line (description, HS code) by ``classifier`` (the
    runtime's ``controls.classify.Classifier``); a line the classifier refuses is left out."""
    from tripline.controls.schema import GoodsQuery
    from tripline.errors import TriplineError

    out = []
    for description, hs_code in goods:
        if not description.strip():
            continue
        try:
            found = classifier.classify(GoodsQuery(description=description, hs_code=hs_code or None))
        except (TriplineError, ValueError):  # pydantic's ValidationError is a ValueError
            continue
        out.append(classification_record(found))
    return out


def classification_lines(record: dict[str, Any]) -> list[str]:
    listed = LISTED_WORDS.get(str(record.get("listed")), str(record.get("listed", "")))
    hs = f" (HS {record['hs_code']})" if record.get("hs_code") else ""
    codes = ", ".join(
        x for x in (f"EU {record['eu_code']}" if record.get("eu_code") else "", f"ECCN {record.get('eccn', '')}") if x
    )
    catch_all = "; catch-all applies" if record.get("catch_all") else ""
    lines = [f"Classification of “{record.get('description', '')}”{hs}: {listed} ({codes}){catch_all}"]
    lines.extend(f"  {_text(r)}" for r in record.get("reasons") or [])
    for c in record.get("candidates") or []:
        if not isinstance(c, dict):
            continue
        lines.append(f"  Candidate {c.get('code', '')} {c.get('title', '')} (score {float(c.get('score', 0)):.2f})")
        for p in c.get("parameters") or []:
            if isinstance(p, dict):
                found = p.get("found") or "not stated"
                lines.append(
                    f"    Threshold {p.get('item', '')}: {p.get('required', '')}; found {found}: {p.get('verdict', '')}"
                )
    return lines


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
    classified = d.pop("classification", None)
    if isinstance(classified, list):
        for record in classified:
            if isinstance(record, dict):
                lines.extend(classification_lines(record))
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
