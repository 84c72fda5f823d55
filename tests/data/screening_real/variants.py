"""Build ``variants.jsonl``: real pairs of names for the ways of writing a name the main set
holds too few of (titles, given names, numbering, words joined).

Run: ``.venv/bin/python tests/data/screening_real/variants.py`` (deterministic; reads the
bundled lists with ``build.py``'s readers and linking; needs no name tables). The output is
committed, with ``variants_entities.jsonl`` (the entries it scores against that
``entities.jsonl`` lacks).

Every pair is two names the lists themselves give for one party: two names of one entry, or
the primary names of two rows of different authorities linked by an identifier (as in
``build.py``). Only the *kind* of a pair is read from the two strings here, by rules of this
script (its own title words, its own Roman numerals), never by Tripline's vocabulary:

- ``title``: one name is the other with a title, rank or honorific in front ("Sheikh Hassan
  Dahir Aweys" / "Hassan Dahir Aweys", "Colonel Innocent KAINA" / "INNOCENT KAINA");
- ``given_name``: two "FAMILY, Given" names whose family part is the same and whose given part
  differs in one word that is no simple misspelling (two letters or more: "KOTEY, Alex" /
  "KOTEY, Alexander", "STASHINA, Helen" / "STASHINA, Elena");
- ``numbering``: one number written two ways ("OFFICE NO. 39" / "OFFICE #39" / "OFFICE 39",
  "ARGO I" / "ARGO 1", "No 14 Research Institute" / "Research Institute 14");
- ``joined``: one name writes two words of the other as one ("HDASCO" / "HDAS CO.",
  "FANAMOJ" / "FANA MOJ").

A pair already in ``dev.jsonl`` / ``test.jsonl`` (same query, same target entry) is left out;
the split is ``build.py``'s (by linked group), so a party is in one split only.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import (  # noqa: E402
    MAX_PER_GROUP,
    NON_LATIN,
    Entity,
    Links,
    digest,
    fold,
    link,
    query_of,
    read_lists,
    split_of,
    tokens,
)

VARIANT_CAPS = {"title": 60, "given_name": 60, "numbering": 60, "joined": 60}
VARIANT_KINDS = tuple(VARIANT_CAPS)
# Titles, ranks and honorifics printed before names on the lists (English, Arabic, Persian,
# French spellings as the lists romanise them)
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "doctor",
        "prof",
        "professor",
        "sheikh",
        "shaykh",
        "shaikh",
        "sheik",
        "shaik",
        "cheikh",
        "mullah",
        "mulla",
        "mawlawi",
        "maulvi",
        "mawlana",
        "maulana",
        "mufti",
        "imam",
        "hajji",
        "hojatoleslam",
        "ayatollah",
        "general",
        "colonel",
        "col",
        "lieutenant",
        "lt",
        "brigadier",
        "captain",
        "capt",
        "commander",
        "admiral",
        "marshal",
        "sergeant",
        "minister",
        "president",
        "emir",
        "prince",
        "princess",
        "sir",
        "lord",
        "judge",
        "engineer",
        "eng",
        "qari",
        "ustad",
        "ustaz",
    ]
)  # not words that are given names too (Amir, Sayed, Haji, Major)
APOSTROPHES = re.compile("['\u2018\u2019`\u02bb\u02bc]")
NUMBER_MARKS = frozenset({"no", "nr", "number", "num"})
ROMAN = {"ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
ROMAN_LAST = {"i": 1, "v": 5, "x": 10}


def _numbered(toks: list[str]) -> tuple[list[str], bool]:
    """The words with number marks dropped and Roman numerals read; whether anything was."""
    out: list[str] = []
    changed = False
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if tok in NUMBER_MARKS and nxt.isdigit():
            changed = True
            continue
        if i > 0 and (tok in ROMAN or (tok in ROMAN_LAST and i == len(toks) - 1)):
            out.append(str(ROMAN.get(tok) or ROMAN_LAST[tok]))
            changed = True
            continue
        out.append(tok)
    return out, changed


def _given(name: str) -> tuple[str, list[str]] | None:
    """("family", [given words]) of a name written "FAMILY, Given" (the lists' mark of which
    words are given names)."""
    if name.count(",") != 1:
        return None
    family, given = name.split(",")
    return " ".join(tokens(family)), tokens(given)


def _edits(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def variant_kind(query: str, target: str, person: bool) -> str | None:
    """The variant kind two names of one party show, or None."""
    if NON_LATIN.search(query) or NON_LATIN.search(target):
        return None
    q, t = tokens(query), tokens(target)
    if not q or not t or q == t or sorted(q) == sorted(t):
        return None
    if person:
        for a, b in ((q, t), (t, q)):
            if len(a) == len(b) + 1 and a[0] in TITLES and sorted(a[1:]) == sorted(b) and len(b) >= 1:
                return "title"
        gq, gt = _given(query), _given(target)
        if gq and gt and gq[0] == gt[0] and gq[0] and len(gq[1]) == len(gt[1]):
            differ = [(x, y) for x, y in zip(gq[1], gt[1], strict=True) if x != y]
            if len(differ) == 1 and all(w.isalpha() and len(w) >= 2 for w in differ[0]) and _edits(*differ[0]) >= 2:
                return "given_name"
        return None
    (nq, cq), (nt, ct) = _numbered(q), _numbered(t)
    if (cq or ct) and sorted(nq) == sorted(nt) and any(w.isdigit() for w in nq):
        return "numbering"
    if APOSTROPHES.search(query) or APOSTROPHES.search(target):
        return None  # "JEMA'AH": a word the tokens split, not two words joined
    for a, b in ((q, t), (t, q)):
        if len(a) + 1 == len(b):
            for i in range(len(b) - 1):
                if [*b[:i], b[i] + b[i + 1], *b[i + 2 :]] == a and min(len(b[i]), len(b[i + 1])) >= 2:
                    return "joined"
    return None


def _case(kind: str, origin: str, q: Entity, name: str, prop: str, t: Entity, drop: list[str]) -> dict[str, Any]:
    source: dict[str, Any] = {
        "query": {"entity_id": q.entity_id, "list": q.list, "entry_id": q.entry_id, "property": prop, "value": name},
        "target": {"entity_id": t.entity_id, "list": t.list, "entry_id": t.entry_id},
    }
    if origin == "cross_list":
        source["authorities"] = [q.authority, t.authority]
    return {
        "kind": kind,
        "origin": origin,
        "label": True,
        "group": q.group,
        "query": query_of(q, name),
        "target": {"entity_id": t.entity_id, "drop": drop},
        "source": source,
    }


def variant_cases(entities: dict[str, Entity], links: Links) -> Iterator[dict[str, Any]]:
    # one entry, two names: the query is one name, the target the entry without it
    for entity in sorted(entities.values(), key=lambda e: e.entity_id):
        for prop in ("name", "alias"):
            for query in entity.props.get(prop, []):
                drop = [n for n in entity.all_names() if fold(n).split() == fold(query).split()]
                for other in entity.all_names():
                    if other in drop:
                        continue
                    kind = variant_kind(query, other, entity.person)
                    if kind is not None:
                        yield _case(kind, "same_entry", entity, query, prop, entity, drop)
                        break
    # two authorities, one party (linked as in build.py): the query is one row's primary name
    for a, b in sorted(links.pairs):
        ea, eb = entities[a], entities[b]
        if ea.authority == eb.authority:
            continue
        for q, t in ((ea, eb), (eb, ea)):
            name = q.props["name"][0]
            for other in t.all_names():
                kind = variant_kind(name, other, q.person)
                if kind is not None:
                    yield _case(kind, "cross_list", q, name, "name", t, [])
                    break


def choose(cases: list[dict[str, Any]], taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Split by group, drop pairs the main set has, cap each kind per split (ids in sha256 order)."""
    for case in cases:
        case["split"] = split_of(case["group"])
        case["id"] = (
            "v" + digest(case["kind"], json.dumps(case["query"], sort_keys=True), json.dumps(case["target"]))[:11]
        )
    out: list[dict[str, Any]] = []
    for split in ("dev", "test"):
        per_group: dict[str, int] = defaultdict(int)
        seen: set[tuple[str, str]] = set()
        for kind, cap in VARIANT_CAPS.items():
            chosen = 0
            for case in sorted((c for c in cases if c["split"] == split and c["kind"] == kind), key=lambda c: c["id"]):
                pair = (case["query"]["name"], case["target"]["entity_id"])
                if chosen >= cap or pair in taken or pair in seen or per_group[case["group"]] >= MAX_PER_GROUP:
                    continue
                seen.add(pair)
                per_group[case["group"]] += 1
                out.append(case)
                chosen += 1
    return sorted(out, key=lambda c: (c["split"], c["kind"], c["id"]))


def main() -> None:
    entities = read_lists()
    links = link(entities)
    taken: set[tuple[str, str]] = set()
    for split in ("dev", "test"):
        with open(HERE / f"{split}.jsonl", encoding="utf-8") as fh:
            for case in map(json.loads, fh):
                if case.get("target"):
                    taken.add((case["query"]["name"], case["target"]["entity_id"]))
    chosen = choose(list(variant_cases(entities, links)), taken)
    with open(HERE / "entities.jsonl", encoding="utf-8") as fh:
        have = {json.loads(line)["entity_id"] for line in fh}
    needed = sorted({c["target"]["entity_id"] for c in chosen} - have)
    with open(HERE / "variants.jsonl", "w", encoding="utf-8") as fh:
        for case in chosen:
            fh.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    with open(HERE / "variants_entities.jsonl", "w", encoding="utf-8") as fh:
        for eid in needed:
            fh.write(json.dumps(entities[eid].record(), ensure_ascii=False, sort_keys=True) + "\n")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for case in chosen:
        counts[(case["split"], case["kind"])] += 1
    print(dict(sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
