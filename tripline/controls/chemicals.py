"""Chemicals by what identifies them: CAS numbers and names, read from the control texts.

The index is built from the catalogue itself: every "Name (CAS n)" of the EU Annex I and every
"(C.A.S. #n) Name" of the CCL becomes a :class:`ListedChemical` with the entry and sub-item that
name it. ``data/chemicals.yaml`` adds the trade names and abbreviations chemists use (each with
its source) and the US-only entries that name a chemical without a CAS number (1C999).

The mixture rule is read from the text as well: the CCL gives it in the parent item ("mixtures in
which at least one of the following chemicals constitutes 30 percent or more"), the EU in the
entry's notes ("does not control chemical mixtures ... in which no individually specified chemical
constitutes more than 30% by the weight of the mixture").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tripline.controls.catalogue import Catalogue
from tripline.controls.model import Comparison, ControlEntry, ItemKind, Source
from tripline.controls.specfile import load_spec

CHEMICALS_FILE = Path(__file__).with_name("data") / "chemicals.yaml"
# entries that list the substance itself: a name from their text identifies the goods. Other
# entries (1C111 metal powders, 1C007 ...) add particle sizes or forms: only a CAS number or a
# name from chemicals.yaml points to them, and their parameters are asked.
SUBSTANCE_ENTRIES = frozenset({"1C350", "1C450", "1C355", "1C999"})
# human and animal pathogens and toxins (1C351), plant pathogens (1C354): named in the items
# directly under their "as follows" lists; controlled as isolated live cultures or inoculated material
AGENT_ENTRIES = frozenset({"1C351", "1C354"})
_VACCINE = re.compile(r"\bvaccines?\b|\bimmunotoxins?\b", re.IGNORECASE)

CAS_RE = re.compile(r"(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])")
_EU_NUMBERED = re.compile(r"(?:^|[;.]\s*)(\d{1,2})\.\s+([^;]*?)\(CAS\s+(\d{2,7}-\d{2}-\s?\d)\)")
_EU_NAMED = re.compile(r"([^;:.]*?(?::[^;]*?)?)\s*\(CAS\s+(\d{2,7}-\d{2}-\s?\d)\)")
_CCL_NAMED = re.compile(r"\(C\.A\.S\.\s*#?\s*(\d{2,7}-\d{2}-\d)\)\s*,?\s*([^;]+)")
_CCL_TRAILING = re.compile(r"([^;]*?)\s*\(C\.A\.S\.\s*#?\s*(\d{2,7}-\d{2}-\d)\)")
_MILITARY = re.compile(r"SEE MILITARY GOODS CONTROLS", re.IGNORECASE)
_EXCLUDES = re.compile(r"does not control", re.IGNORECASE)
_EU_MIXTURE = re.compile(
    r"does not control \W*chemical mixtures\W* containing one or more of the chemicals specified in entr(?:y|ies)"
    r"\s+(?P<list>.+?)\s+in which no individually specified chemical constitutes more than\s+(?P<pct>\d+)\s*%",
    re.IGNORECASE,
)
_PARTY = re.compile(r"States (?P<not>not )?Party to the Chemical Weapons Convention", re.IGNORECASE)
_RETAIL = re.compile(
    r"\b(?:packed|packaged|put up) for (?:retail|personal|individual)|\bretail (?:sale|pack)|\bconsumer (?:pack|goods)",
    re.IGNORECASE,
)
_PCT = re.compile(r"(?<![\d.])(\d{1,3}(?:[.,]\d+)?)\s*(?:%|per\s*cent|percent|wt\s*%)", re.IGNORECASE)
_MIXTURE_WORDS = re.compile(r"\b(?:solution|mixture|blend|formulation|diluted|aqueous)\b", re.IGNORECASE)


def cas_valid(cas: str) -> bool:
    """The CAS check digit: the last digit equals the sum of the other digits, each weighted by
    its position counted from the right (1, 2, 3, ...), modulo 10 (CAS Registry, "CAS REGISTRY
    and CAS Registry Number FAQs")."""
    m = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas.strip())
    if m is None:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(m.group(3))


def normalise_name(text: str) -> str:
    """Lower case, British spellings folded, '(beta)' and punctuation to spaces."""
    low = text.lower().replace("sulph", "sulf").replace("aluminium", "aluminum").replace("(beta)", "beta")
    low = re.sub(r"\bbeta\b", "b", low)
    low = re.sub(r"\b(di|tri|tetra)-n-(?=[a-z])", r"\1", low)  # "di-n-propylamine" = "dipropylamine"
    low = re.sub(r"\b(di|tri|tetra|bis)-(?=[a-z])", r"\1", low)  # "di-isopropylamine" = "diisopropylamine"
    low = re.sub(r"\bhcl\b", "hydrochloride", low)  # "dimethylamine HCl"
    return " " + " ".join(re.findall(r"[a-z0-9]+", low)) + " "


@dataclass(frozen=True)
class ListedChemical:
    cas: str | None
    name: str
    source: Source
    entry: str  # "1C350"
    item: str  # the sub-item that names it, e.g. "1C350.c.4" (CCL) or "1C350.2" (EU)


@dataclass(frozen=True)
class Exclusion:
    cas: str
    source: Source
    item: str
    text: str


@dataclass(frozen=True)
class MixtureRule:
    """When a mixture containing the chemical is controlled: share > or >= ``value`` %."""

    comparison: Comparison
    value: float
    text: str
    cwc_party: bool | None = None  # the EU notes differ for States (not) Party to the CWC


@dataclass(frozen=True)
class ChemicalHit:
    chemical: ListedChemical
    how: str  # "CAS 10025-87-3" or "name 'phosphorus oxychloride'"
    start: int
    end: int


class NameSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)  # matched case-sensitively, whole words
    cas: str | None = None
    ccl: str | None = None  # a CCL item that names the chemical without a CAS number (1C999.d)
    source: str = Field(min_length=5)

    @field_validator("cas")
    @classmethod
    def _cas(cls, cas: str | None) -> str | None:
        if cas is not None and not cas_valid(cas):
            raise ValueError(f"CAS number {cas!r} fails its check digit")
        return cas


class ChemicalsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    chemicals: list[NameSpec]
    cwc_non_parties: list[str] = Field(default_factory=list)  # ISO alpha-2
    cwc_source: str = ""


def load_names(path: Path = CHEMICALS_FILE) -> ChemicalsSpec:
    return load_spec(path, ChemicalsSpec, "chemicals")


def _clean_name(raw: str) -> list[str]:
    """The names in one listing: 'Phosgene: Carbonyl dichloride' gives both; bracketed alternatives."""
    raw = _MILITARY.sub("", raw)
    raw = re.sub(r"^\s*(?:for|and|or)\s+", "", raw.strip(), flags=re.IGNORECASE)
    out: list[str] = []
    for part in re.split(r":| or (?=[A-Z])", raw):
        alt = re.findall(r"\[([^\]]+)\]", part)
        base = re.sub(r"\[[^\]]*\]", "", part)
        base = re.sub(r"\((?:[A-Z]{2,6})\)", "", base)  # "(DMP)": abbreviations come from the YAML
        base = re.sub(r"\band corresponding .*$|\bother than .*$|\bin concentrations? .*$", "", base)
        for name in [base, *alt]:
            name = name.strip(" ,.;").rstrip(".")
            if len(name) >= 4 and not name.lower().startswith("see "):
                out.append(name)
    return out


def _agents_of(entry: ControlEntry) -> list[ListedChemical]:
    """The named agents of 1C351/1C354: items at depth 2 ("1C351.a.4 Avian influenza virus, ...")."""
    out = []
    for item in entry.items:
        if item.kind is not ItemKind.ITEM or item.code.count(".") != 2 or len(item.text) > 160:
            continue
        raw = re.split(r";|, which|\(|:| as follows", item.text)[0].strip(" ,.")
        raw = re.sub(r"\s+(?:or|and)$", "", raw)
        if len(raw) >= 5 and not raw.lower().startswith(
            ("see ", "[reserved", "reserved", "not used", "uncharacteri", "defined in")
        ):
            out.append(ListedChemical(None, raw, entry.source, entry.code, item.code))
    return out


def _chemicals_of(entry: ControlEntry) -> tuple[list[ListedChemical], list[Exclusion]]:
    found: list[ListedChemical] = []
    excluded: list[Exclusion] = []
    if entry.code in AGENT_ENTRIES:
        return _agents_of(entry), excluded
    for item in entry.items:
        text = item.text
        if "CAS" not in text and "C.A.S" not in text:
            continue
        if item.kind is not ItemKind.ITEM and _EXCLUDES.search(text):
            for m in CAS_RE.finditer(text):
                excluded.append(Exclusion("-".join(m.groups()), entry.source, item.code, text))
            continue
        if entry.source is Source.EU and item.kind is ItemKind.NB and _EU_NUMBERED.search(text):
            for m in _EU_NUMBERED.finditer(text):
                if _MILITARY.search(m.group(2)):
                    continue
                cas = m.group(3).replace(" ", "")
                for name in _clean_name(m.group(2)) or [cas]:
                    found.append(ListedChemical(cas, name, entry.source, entry.code, f"{entry.code}.{m.group(1)}"))
            continue
        if item.kind is not ItemKind.ITEM:
            continue
        if entry.source is Source.CCL and _CCL_NAMED.search(text):
            for m in _CCL_NAMED.finditer(text):
                for name in _clean_name(m.group(2)) or [m.group(1)]:
                    found.append(ListedChemical(m.group(1), name, entry.source, entry.code, item.code))
            continue
        pattern = _EU_NAMED if "(CAS" in text else _CCL_TRAILING
        for m in pattern.finditer(text):
            if _MILITARY.search(m.group(1)):
                continue
            cas = m.group(2).replace(" ", "")
            for name in _clean_name(m.group(1)) or [cas]:
                found.append(ListedChemical(cas, name, entry.source, entry.code, item.code))
    return found, excluded


class ChemicalIndex:
    """CAS numbers and names of the listed chemicals; built once per classifier."""

    def __init__(self, chemicals: list[ListedChemical], exclusions: list[Exclusion], catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.by_cas: dict[str, list[ListedChemical]] = {}
        self.by_name: dict[str, list[ListedChemical]] = {}
        self.by_abbreviation: dict[str, list[ListedChemical]] = {}
        for chem in chemicals:
            if chem.cas:
                self.by_cas.setdefault(chem.cas, []).append(chem)
            if chem.entry not in SUBSTANCE_ENTRIES | AGENT_ENTRIES:
                continue
            key = normalise_name(chem.name)
            if len(key.strip()) >= 4 and chem not in self.by_name.get(key, []):
                self.by_name.setdefault(key, []).append(chem)
        self.exclusions = {(e.cas, e.source): e for e in exclusions}
        self.cwc_non_parties: frozenset[str] = frozenset()
        names = sorted(self.by_name, key=len, reverse=True)
        self._name_re = re.compile("|".join(re.escape(n.strip()) for n in names)) if names else None

    @classmethod
    def build(cls, catalogue: Catalogue, names: ChemicalsSpec | None = None) -> ChemicalIndex:
        spec = names if names is not None else load_names()
        chemicals: list[ListedChemical] = []
        exclusions: list[Exclusion] = []
        for entry in catalogue:
            if entry.category != "1" or entry.code[1] != "C":
                continue
            found, excluded = _chemicals_of(entry)
            chemicals.extend(found)
            exclusions.extend(excluded)
        listed_cas: dict[str, list[ListedChemical]] = {}
        for chem in chemicals:
            if chem.cas:
                listed_cas.setdefault(chem.cas, []).append(chem)
        index = cls(chemicals, exclusions, catalogue)
        index.cwc_non_parties = frozenset(c.upper() for c in spec.cwc_non_parties)
        for extra in spec.chemicals:
            targets: list[ListedChemical] = []
            if extra.cas is not None:
                targets = [c for c in listed_cas.get(extra.cas, [])]
            if extra.ccl is not None:
                entry_code = extra.ccl.split(".")[0]
                name = extra.names[0] if extra.names else extra.ccl
                targets.append(ListedChemical(extra.cas, name, Source.CCL, entry_code, extra.ccl))
            for target in {(t.source, t.item, t.cas): t for t in targets}.values():
                index.add_names(target, extra.names, extra.abbreviations)
        index.finish()
        return index

    def add_names(self, chem: ListedChemical, names: list[str], abbreviations: list[str]) -> None:
        if chem.cas and chem not in self.by_cas.get(chem.cas, []):
            self.by_cas.setdefault(chem.cas, []).append(chem)
        for name in names:
            key = normalise_name(name)
            if chem not in self.by_name.get(key, []):
                self.by_name.setdefault(key, []).append(chem)
        for abbr in abbreviations:
            if chem not in self.by_abbreviation.get(abbr, []):
                self.by_abbreviation.setdefault(abbr, []).append(chem)

    def finish(self) -> None:
        names = sorted(self.by_name, key=len, reverse=True)
        self._name_re = re.compile(r"(?<= )(?:" + "|".join(re.escape(n.strip()) for n in names) + r")(?= )")
        abbrs = sorted(self.by_abbreviation, key=len, reverse=True)
        self._abbr_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in abbrs) + r")(?![\w-])")

    # -- look-up ---------------------------------------------------------------------------
    def cas_numbers(self, text: str) -> list[tuple[str, bool, int, int]]:
        """(CAS, check digit valid, start, end) for each CAS-shaped number in the text."""
        out = []
        for m in CAS_RE.finditer(text):
            cas = "-".join(m.groups())
            out.append((cas, cas_valid(cas), m.start(), m.end()))
        return out

    def find(self, text: str) -> list[ChemicalHit]:
        hits: list[ChemicalHit] = []
        for cas, valid, start, end in self.cas_numbers(text):
            if valid:
                hits.extend(ChemicalHit(c, f"CAS {cas}", start, end) for c in self.by_cas.get(cas, []))
        norm = normalise_name(text)
        if self._name_re is not None:
            for m in self._name_re.finditer(norm):
                if _OTHER_COMPOUND.match(norm, m.end()):
                    continue  # "diethylamine hydrochloride", "triethanolamine lauryl sulfate": another compound
                pos = _approx_pos(text, m.start())
                for c in self.by_name[" " + m.group(0) + " "]:
                    hits.append(ChemicalHit(c, f"name {m.group(0)!r}", pos, pos + len(m.group(0))))
        for m in self._abbr_re.finditer(text):
            for c in self.by_abbreviation[m.group(0)]:
                hits.append(ChemicalHit(c, f"abbreviation {m.group(0)!r}", m.start(), m.end()))
        seen: set[tuple[Source, str, str]] = set()
        out = []
        for h in hits:
            key = (h.chemical.source, h.chemical.item, h.how.split(" ")[0])
            if key not in seen:
                seen.add(key)
                out.append(h)
        return out

    def excluded(self, cas: str, source: Source) -> Exclusion | None:
        return self.exclusions.get((cas, source))

    def item_parameters(self, chem: ListedChemical) -> str:
        """The thresholds of the item that names the chemical and of its parents ("" if none)."""
        entry = self.catalogue.get(chem.entry, chem.source)
        if entry is None:
            return ""
        out: list[str] = []
        code = chem.item
        while True:
            item = entry.item(code)
            if item is not None:
                out.extend(p.describe() for p in item.parameters)
            if "." not in code:
                break
            code = code.rsplit(".", 1)[0]
        return "; ".join(dict.fromkeys(out))

    # -- mixture rules ---------------------------------------------------------------------
    def mixture_rules(self, chem: ListedChemical) -> list[MixtureRule]:
        entry = self.catalogue.get(chem.entry, chem.source)
        if entry is None:
            return []
        if chem.source is Source.CCL:
            code = chem.item
            while "." in code:
                code = code.rsplit(".", 1)[0]
                item = entry.item(code)
                if item is None:
                    continue
                for p in item.parameters:
                    if p.unit == "%":
                        return [MixtureRule(p.comparison, p.value, f"{code}: {p.describe()}")]
            return []
        rules: list[MixtureRule] = []
        number = chem.item[len(chem.entry) + 1 :]
        for note in entry.items:
            if note.kind is not ItemKind.NOTE:
                continue
            m = _EU_MIXTURE.search(note.text)
            if m is None:
                continue
            listed = {
                t.strip(".") for t in re.findall(r"\.?((?:[a-z]\.)?\d+)\.?", m.group("list").replace(entry.code, ""))
            }
            if number not in listed:
                continue
            party = _PARTY.search(note.text)
            cwc = None if party is None else party.group("not") is None
            rules.append(MixtureRule(Comparison.GT, float(m.group("pct")), f"{entry.code} {note.text[:160]}", cwc))
        return rules


# words that make a listed name part of another compound's name (a salt, an ester, a polymer)
_OTHER_COMPOUND = re.compile(
    r" (?:hydrochloride|hydrobromide|hydroiodide|salts?|sulfates?|sulfonates?|phosphates?|acetates?|citrates?|"
    r"stearates?|oleates?|lauryl|laurate|borates?|nitrates?|complex(?:es)?|esters?|derivatives?|oxides?|"
    r"polymers?|copolymers?|resins?|adducts?|carbonates?|formates?|lactates?|tartrates?)\b"
)


def _approx_pos(original: str, norm_pos: int) -> int:
    """A position in ``original`` near the normalised position (for nearest-percentage look-ups)."""
    return min(len(original), max(0, norm_pos - 1))


def concentration_near(text: str, start: int, end: int) -> tuple[float, str] | None:
    """The percentage closest to the chemical's mention (e.g. '99.5%', '70% technical grade')."""
    best: tuple[int, float, str] | None = None
    for m in _PCT.finditer(text):
        dist = m.start() - end if m.start() >= end else start - m.end()
        value = float(m.group(1).replace(",", "."))
        if value > 100:
            continue
        if best is None or abs(dist) < best[0]:
            best = (abs(dist), value, m.group(0))
    return None if best is None else (best[1], best[2])


def is_mixture(text: str) -> bool:
    return _MIXTURE_WORDS.search(text) is not None


def is_retail(text: str) -> bool:
    return _RETAIL.search(text) is not None


# -- decisions -------------------------------------------------------------------------------
US_MIXTURE_ECCN = "1C995"  # CCL 1C995: mixtures not controlled by 1C350/1C355 containing their chemicals
_MIXTURE_PARENTS = ("1C350", "1C355")


@dataclass(frozen=True)
class ChemicalDecision:
    """One listed chemical found in a description, decided per list."""

    name: str
    cas: str | None
    eu: ListedChemical | None
    ccl: ListedChemical | None
    eu_status: str | None  # "meets" / "below" / "unknown" (None: not on that list)
    ccl_status: str | None
    eccn: str | None  # the ECCN the US answer takes (1C995 for a mixture below the CCL threshold)
    evidence: tuple[str, ...]
    questions: tuple[str, ...]


def _decide_rules(rules: list[MixtureRule], pct: float | None, mixture: bool, name: str) -> tuple[str, str, str | None]:
    """(status, reason, question) of one list's mixture rules for a share ``pct`` (None: not given)."""
    if not rules:
        return "meets", "the entry lists the chemical without a concentration limit", None

    def controlled(rule: MixtureRule, value: float) -> bool:
        return value >= rule.value if rule.comparison is Comparison.GE else value > rule.value

    limits = ", ".join(f"{r.comparison.value} {r.value:g} %" + _party(r) for r in rules)
    if pct is None:
        if mixture:
            question = f"What share by weight of {name} does the mixture contain? (controlled when {limits})"
            return "unknown", f"a mixture without its concentration: controlled when {limits}", question
        return "meets", "no concentration or mixture stated: the listed chemical itself", None
    outcomes = {controlled(r, pct) for r in rules}
    if outcomes == {True}:
        return "meets", f"{pct:g} % meets the mixture threshold ({limits})", None
    if outcomes == {False}:
        return "below", f"{pct:g} % is below the mixture threshold ({limits}): the note excludes it", None
    question = "Is the destination a State Party to the Chemical Weapons Convention? " + f"({pct:g} %: {limits})"
    return "unknown", f"{pct:g} %: controlled or not depending on the destination ({limits})", question


def _party(rule: MixtureRule) -> str:
    if rule.cwc_party is None:
        return ""
    return " for CWC States Party" if rule.cwc_party else " for States not Party to the CWC"


def decide_chemicals(
    index: ChemicalIndex, text: str, destination: str | None = None
) -> tuple[list[ChemicalDecision], list[str]]:
    """The listed chemicals in ``text``, decided, and notes on CAS numbers that name nothing listed
    (or fail their check digit). An empty decision list with a note means: a valid CAS number is
    given and no entry names it."""
    hits = index.find(text)
    notes: list[str] = []
    groups: dict[str, list[ChemicalHit]] = {}
    for h in hits:
        groups.setdefault(h.chemical.cas or normalise_name(h.chemical.name), []).append(h)
    for cas, valid, _, _ in index.cas_numbers(text):
        if not valid:
            notes.append(f"CAS {cas} fails its check digit: not used")
        elif cas not in index.by_cas:
            notes.append(f"CAS {cas} is named in no entry of the EU Annex I or the CCL")
    retail = is_retail(text)
    mixture = is_mixture(text)
    out: list[ChemicalDecision] = []
    for group in groups.values():
        first = group[0]
        pct_found = concentration_near(text, min(h.start for h in group), max(h.end for h in group))
        pct = pct_found[0] if pct_found else None
        by_source: dict[Source, ListedChemical] = {}
        hows: list[str] = []
        for h in group:
            by_source.setdefault(h.chemical.source, h.chemical)
            hows.append(f"{h.how} → {h.chemical.source.value} {h.chemical.item} ({h.chemical.name})")
        evidence = list(dict.fromkeys(hows))
        questions: list[str] = []
        statuses: dict[Source, str] = {}
        for source, chem in by_source.items():
            excl = index.excluded(chem.cas, source) if chem.cas else None
            if excl is not None:
                statuses[source] = "below"
                evidence.append(f"excluded by the note to {excl.item}: {excl.text[:120]}")
                continue
            if retail:
                statuses[source] = "below"
                evidence.append(
                    f"{chem.entry}: consumer goods packaged for retail sale are excluded by the entry's note"
                )
                continue
            if chem.entry in AGENT_ENTRIES:
                if _VACCINE.search(text):
                    statuses[source] = "below"
                    evidence.append(f"{chem.entry}: the entry's note excludes vaccines and immunotoxins")
                else:
                    statuses[source] = "unknown"
                    evidence.append(f"{source.value} {chem.item}: {chem.name} is a listed agent")
                    questions.append(
                        f"Is it an isolated live culture of {chem.name}, or material deliberately inoculated or"
                        f" contaminated with it (toxins: other than the excluded product forms)? ({chem.item})"
                    )
                continue
            if chem.entry not in SUBSTANCE_ENTRIES and (params := index.item_parameters(chem)):
                statuses[source] = "unknown"
                evidence.append(f"{source.value} {chem.item}: listed only with its parameters ({params})")
                questions.append(f"Does the {chem.name} meet {chem.item}: {params}?")
                continue
            rules = index.mixture_rules(chem)
            if destination and any(r.cwc_party is not None for r in rules):
                party = destination.upper() not in index.cwc_non_parties
                rules = [r for r in rules if r.cwc_party is None or r.cwc_party == party] or rules
                evidence.append(f"destination {destination.upper()}: {'a' if party else 'not a'} CWC State Party")
            status, reason, question = _decide_rules(rules, pct, mixture, chem.name)
            statuses[source] = status
            evidence.append(f"{source.value} {chem.item}: {reason}")
            if question:
                questions.append(question)
        ccl = by_source.get(Source.CCL)
        eccn = ccl.entry if ccl else None
        if ccl is not None and statuses.get(Source.CCL) == "below" and ccl.entry in _MIXTURE_PARENTS and not retail:
            eccn = US_MIXTURE_ECCN
            evidence.append(f"US: a mixture below the {ccl.entry} threshold falls under {US_MIXTURE_ECCN}")
        elif ccl is not None and statuses.get(Source.CCL) == "below" and retail:
            eccn = "EAR99"
        if pct_found:
            evidence.append(f"concentration read: {pct_found[1]!r}")
        out.append(
            ChemicalDecision(
                name=first.chemical.name,
                cas=first.chemical.cas,
                eu=by_source.get(Source.EU),
                ccl=ccl,
                eu_status=statuses.get(Source.EU),
                ccl_status=statuses.get(Source.CCL),
                eccn=eccn,
                evidence=tuple(evidence),
                questions=tuple(dict.fromkeys(questions)),
            )
        )
    return out, notes
