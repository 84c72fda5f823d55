"""Build the real-case goods evaluation set: ``dev.jsonl`` and ``test.jsonl`` beside this script.

Run: ``.venv/bin/python tests/data/goods_real/build.py`` (offline; reads the bundled control texts
under ``data/controls``). Inputs:

- ``chemicals.yaml``: chemicals written as trade documents describe them. The expected codes are
  checked against the control texts: a listed chemical's CAS number must occur in the text of the
  CCL entry and the EU entry given (or be absent from the whole EU text when the EU answer is "not
  listed"); a look-alike's CAS must occur in neither text (unless a US-only entry names it, or the
  row is a mixture/consumer-goods case decided by a named note).
- ``cases.yaml``: hand-entered cases from manufacturers' self-classifications, enforcement records
  and published material properties, each with its source.

The split is made once: a case keeps the split recorded in the existing ``dev.jsonl``/``test.jsonl``;
a new case goes, kind by kind in the order of the SHA-256 of its id, to the split that has fewer
cases of that kind (ties to dev). Nothing here reads the classifier.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CCL_INDEX = REPO / "data" / "controls" / "us_ccl" / "ccl_index.json.gz"
EU_TEXT = REPO / "data" / "controls" / "eu_annex1_norway" / "liste2_dualuse_2021.txt.gz"
SPLITS = ("dev", "test")
CCL_SOURCE = "US CCL, 15 CFR 774 Supp. No. 1 (eCFR XML, about June 2026; data/controls/us_ccl)"
EU_SOURCE = "EU Reg. 2021/821 Annex I (2021 text via Norway Liste II; data/controls/eu_annex1_norway)"
ECCN_RE = re.compile(r"^(EAR99|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$")
EU_HEAD_RE = re.compile(r"^\s{0,8}([0-9][A-E][0-9]{3})\s{2,}\S", re.MULTILINE)


def cas_valid(cas: str) -> bool:
    """CAS Registry Number check digit: sum of digits times position (from the right), mod 10."""
    m = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas)
    if not m:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(m.group(3))


def load_ccl() -> dict[str, str]:
    with gzip.open(CCL_INDEX, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return {e["eccn"]: e["text"] for e in data["entries"]}


def load_eu() -> tuple[dict[str, str], str]:
    with gzip.open(EU_TEXT, "rt", encoding="utf-8") as fh:
        text = fh.read()
    out: dict[str, str] = {}
    heads = list(EU_HEAD_RE.finditer(text))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out[m.group(1)] = out.get(m.group(1), "") + text[m.start() : end]
    return out, text


def cas_in(cas: str, text: str) -> bool:
    return re.search(r"(?<![\d-])" + re.escape(cas) + r"(?![\d-])", text) is not None


class BuildError(Exception):
    pass


def chemical_rows(ccl: dict[str, str], eu: dict[str, str], eu_all: str) -> list[dict[str, Any]]:
    spec = yaml.safe_load((HERE / "chemicals.yaml").read_text(encoding="utf-8"))
    ccl_all = "\n".join(ccl.values())
    rows = []
    for c in spec["listed"]:
        cas = str(c["cas"])
        if not cas_valid(cas):
            raise BuildError(f"{c['id']}: bad CAS check digit {cas}")
        if not cas_in(cas, ccl[c["ccl"]]):
            raise BuildError(f"{c['id']}: CAS {cas} not in CCL {c['ccl']}")
        if c["eu"] == "not listed":
            if cas_in(cas, eu_all):
                raise BuildError(f"{c['id']}: CAS {cas} is in the EU text")
            eu_src = f"CAS {cas} absent from {EU_SOURCE}"
        else:
            if not cas_in(cas, eu[c["eu"]]):
                raise BuildError(f"{c['id']}: CAS {cas} not in EU {c['eu']}")
            eu_src = f"EU {c['eu']} names CAS {cas} ({EU_SOURCE})"
        rows.append(
            {
                "id": c["id"],
                "kind": "chemical",
                "description": c["description"],
                "eccn": c["ccl"],
                "eu": c["eu"],
                "listed": "yes",
                "cas": cas,
                "source": f"CCL {c['ccl']} names CAS {cas} ({CCL_SOURCE}); {eu_src}",
                "rule": c.get("rule", f"CAS {cas} is named in the entry text"),
                "everyday": bool(c["everyday"]),
            }
        )
    for c in spec["lookalike"]:
        cas = str(c["cas"])
        if not cas_valid(cas):
            raise BuildError(f"{c['id']}: bad CAS check digit {cas}")
        for other in re.findall(r"\b\d{2,7}-\d{2}-\d\b", c["description"]):
            if not cas_valid(other):
                raise BuildError(f"{c['id']}: bad CAS check digit {other} in the description")
            if not c.get("allow_in_text") and (cas_in(other, ccl_all) or cas_in(other, eu_all)):
                raise BuildError(f"{c['id']}: CAS {other} occurs in a control text")
        if not c.get("allow_in_text") and (cas_in(cas, ccl_all) or cas_in(cas, eu_all)):
            raise BuildError(f"{c['id']}: CAS {cas} occurs in a control text")
        eccn = c["ccl"]
        if eccn != "EAR99" and eccn not in ccl:
            raise BuildError(f"{c['id']}: no CCL entry {eccn}")
        if c.get("name") and c["name"].lower() not in ccl[eccn].lower():
            raise BuildError(f"{c['id']}: CCL {eccn} does not name {c['name']!r}")
        if eccn == "EAR99" and not c.get("allow_in_text"):
            src = f"CAS {cas} absent from {CCL_SOURCE} and {EU_SOURCE}"
        else:
            src = f"{c['rule']} ({CCL_SOURCE}; {EU_SOURCE})"
        rows.append(
            {
                "id": c["id"],
                "kind": "chemical",
                "description": c["description"],
                "eccn": eccn,
                "eu": "not listed",
                "listed": "lookalike",
                "cas": cas,
                "source": src,
                "rule": c.get("rule", "no control-list entry names this chemical"),
                "everyday": bool(c["everyday"]),
            }
        )
    return rows


FIELDS = ("id", "kind", "description", "eccn", "eu", "listed", "source", "everyday")
OPTIONAL = ("rule", "hs_code")


def manual_rows(ccl: dict[str, str], eu: dict[str, str]) -> list[dict[str, Any]]:
    spec = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
    rows = []
    for c in spec["cases"]:
        missing = [f for f in FIELDS if f not in c or c[f] in (None, "")]
        if missing:
            raise BuildError(f"{c.get('id')}: missing {missing}")
        check_codes(c["id"], str(c["eccn"]), str(c["eu"]), ccl, eu)
        row = {k: c[k] for k in FIELDS}
        row.update({k: str(c[k]) for k in OPTIONAL if c.get(k)})
        unknown = set(c) - set(FIELDS) - set(OPTIONAL)
        if unknown:
            raise BuildError(f"{c['id']}: unknown fields {sorted(unknown)}")
        rows.append(row)
    return rows


def check_codes(case_id: str, eccn: str, eu_code: str, ccl: dict[str, str], eu: dict[str, str]) -> None:
    if not ECCN_RE.match(eccn):
        raise BuildError(f"{case_id}: malformed ECCN {eccn!r}")
    if eccn != "EAR99" and eccn[:5] not in ccl:
        raise BuildError(f"{case_id}: ECCN {eccn} is not a CCL entry")
    if eu_code != "not listed" and eu_code not in eu:
        raise BuildError(f"{case_id}: EU code {eu_code} is not an Annex I entry")


def assign_splits(rows: list[dict[str, Any]]) -> None:
    recorded: dict[str, str] = {}
    for split in SPLITS:
        path = HERE / f"{split}.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    recorded[json.loads(line)["id"]] = split
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["id"] in recorded:
            r["split"] = recorded[r["id"]]
            counts[(r["kind"], r["split"])] = counts.get((r["kind"], r["split"]), 0) + 1
    new = sorted((r for r in rows if r["id"] not in recorded), key=lambda r: (r["kind"], _h(r["id"])))
    for r in new:
        dev, test = counts.get((r["kind"], "dev"), 0), counts.get((r["kind"], "test"), 0)
        r["split"] = "dev" if dev <= test else "test"
        counts[(r["kind"], r["split"])] = counts.get((r["kind"], r["split"]), 0) + 1


def _h(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main() -> int:
    ccl = load_ccl()
    eu, eu_all = load_eu()
    try:
        rows = chemical_rows(ccl, eu, eu_all) + manual_rows(ccl, eu)
        for r in rows:
            check_codes(r["id"], r["eccn"], r["eu"], ccl, eu)
        ids = [r["id"] for r in rows]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise BuildError(f"duplicate ids: {sorted(dupes)}")
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    assign_splits(rows)
    for split in SPLITS:
        part = sorted((r for r in rows if r["split"] == split), key=lambda r: r["id"])
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
        (HERE / f"{split}.jsonl").write_text(text, encoding="utf-8")
        print(f"{split}: {len(part)} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
