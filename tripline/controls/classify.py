"""Goods classification: rank control-list entries for a description, check thresholds, and
give a verdict in both vocabularies (EU Annex I code and US ECCN/EAR99) with the catch-all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tripline.controls.catalogue import Catalogue
from tripline.controls.catchall import CatchAll, country_code
from tripline.controls.chemicals import ChemicalDecision, ChemicalIndex, decide_chemicals
from tripline.controls.end_users import EndUserScreen
from tripline.controls.hs import HsMatch, HsNomenclature
from tripline.controls.index import (
    GENERIC_HEADS,
    TAIL_WEIGHT,
    CodeDoc,
    LexicalRanker,
    Ranker,
    best_items,
    build_docs,
    head_segment,
    head_term,
    split_head,
)
from tripline.controls.materials import AlloyIndex, MaterialDecision, decide_alloy
from tripline.controls.model import ControlEntry
from tripline.controls.process import ProcessDecision, ProcessIndex
from tripline.controls.schema import (
    Candidate,
    Classification,
    GoodsQuery,
    Listed,
    ParameterCheck,
    ParamVerdict,
    Verdict,
)
from tripline.controls.textnorm import tokens
from tripline.controls.thresholds import Check, Known, branch_of, evaluate, read_known
from tripline.controls.transducers import TransducerDecision, Transducers
from tripline.controls.us_tree import UsTree
from tripline.controls.vocabulary import SynonymHit, Vocabulary
from tripline.settings import Settings
from tripline.store.db import Database

VOCAB_BONUS = 0.35  # score added to an entry a vocabulary term points to
HS_BONUS = 0.1  # score added to an entry the declared HS heading supports
MIN_CANDIDATE = 0.12  # below this a code is not shown
MIN_RELEVANT = 0.25  # a candidate must reach this to make the verdict "yes" or "unknown"
MAX_CANDIDATES = 5
WEAK_NAMED = 0.9  # a vocabulary-named entry this strong makes the verdict "unknown", never "no"


@dataclass(frozen=True)
class Ranked:
    code: str
    score: float
    evidence: tuple[str, ...]
    relevant: bool  # names the goods: a vocabulary term, or the head noun of the description
    hinted: bool = False  # a vocabulary term in the goods phrase points to the entry


class Classifier:
    """Classify goods descriptions against a :class:`Catalogue`. Build once, call many times."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        data_dir: Path,
        vocabulary: Vocabulary | None = None,
        hs: HsNomenclature | None = None,
        catch_all: CatchAll | None = None,
        ranker: Ranker | None = None,
        end_users: EndUserScreen | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.vocabulary = vocabulary or Vocabulary.load()
        self.hs = hs or HsNomenclature.load(data_dir)
        self.catch_all = catch_all or CatchAll.load()
        self.end_users = end_users  # the loaded watch lists, for catch-all end users
        self.docs = build_docs(catalogue)
        self.by_code: dict[str, CodeDoc] = {d.code: d for d in self.docs}
        self.lexical = LexicalRanker(self.docs)
        self.lexical.prepare()
        self.ranker: Ranker = ranker or self.lexical
        self.chemicals = ChemicalIndex.build(catalogue)
        self.alloys = AlloyIndex.load()
        self.process = ProcessIndex.load()
        self.us = UsTree.load()
        self.transducers = Transducers.load()

    @classmethod
    def from_settings(cls, settings: Settings) -> Classifier:
        """From the bundled files (no database)."""
        from tripline.controls.catalogue import load_bundled_catalogue

        return cls(load_bundled_catalogue(settings), data_dir=settings.data_dir)

    @classmethod
    def from_database(cls, db: Database, settings: Settings) -> Classifier:
        """From the current stored catalogue snapshot (``tripline controls load``)."""
        from tripline.controls.store import CatalogueStore

        with db.transaction() as session:
            catalogue = CatalogueStore(session).current()
        return cls(catalogue, data_dir=settings.data_dir)

    # -- ranking ---------------------------------------------------------------------------
    def expand(self, description: str) -> tuple[list[SynonymHit], str, str, int]:
        """Vocabulary hits, their words for the head and the tail of the description, head length."""
        hits = self.vocabulary.synonyms_in(description)
        head_len = len(split_head(description)[0])
        expansion = " ".join(dict.fromkeys(h.means for h in hits if h.start < head_len))
        tail = " ".join(dict.fromkeys(h.means for h in hits if h.start >= head_len))
        return hits, expansion, tail, head_len

    def rank(self, description: str, hs: HsMatch | None = None) -> list[Ranked]:
        hits, expansion, tail, head_len = self.expand(description)
        base = self.ranker.scores(description, expansion, tail)
        terms = self.lexical.query_terms(description, expansion + " " + tail)
        words = _surface_words(description + " " + expansion)
        scored: dict[str, float] = dict(base)
        evidence: dict[str, list[str]] = {}
        for code, _ in sorted(base.items(), key=lambda p: -p[1])[:25]:
            matched = self.lexical.matched_terms(code, terms)
            if matched:
                evidence[code] = ["words: " + ", ".join(words.get(t, t) for t in matched)]
        bonuses: dict[str, float] = {}
        for hit in hits:
            bonus = VOCAB_BONUS if hit.start < head_len else VOCAB_BONUS * TAIL_WEIGHT
            for code in hit.codes:
                if code in self.by_code:
                    bonuses[code] = max(bonuses.get(code, 0.0), bonus)
                    evidence.setdefault(code, []).append(f"vocabulary: {hit.term!r} means {hit.means!r}")
        for code, bonus in bonuses.items():
            scored[code] = scored.get(code, 0.0) + bonus
        if hs is not None:
            for code, why in hs.supports.items():
                if code in scored:
                    scored[code] += HS_BONUS
                    evidence.setdefault(code, []).append(why)
        segment = [t for t in head_segment(description) if t in self.lexical.bm25 and t not in GENERIC_HEADS]
        head = head_term(description)
        # a vocabulary term names the goods when it contains the head noun ("theodolites"),
        # not when it is a modifier ("carbon fibre" in "carbon fibre bicycle frame")
        supported = {code for hit in hits if head is None or head in tokens(hit.term) for code in hit.codes}
        vocab_head = head is not None and any(head in tokens(hit.term) for hit in hits)
        hinted = {code for hit in hits for code in hit.codes}
        head_hinted = {code for hit in hits if hit.start < head_len for code in hit.codes}
        known_head = head is not None and head in self.lexical.bm25
        order = sorted(scored.items(), key=lambda p: (-p[1], p[0]))
        out = []
        for code, score in order:
            if score < MIN_CANDIDATE:
                continue
            if code in supported or (code in hinted and head is not None and self.lexical.has_term(code, head)):
                relevant = True
            elif vocab_head:  # the vocabulary says what the goods are; other entries only matched words
                relevant = False
            else:  # the entry must name the goods: the head noun and another word of its phrase
                matched = [t for t in segment if self.lexical.has_term(code, t)]
                if known_head:
                    relevant = head in matched and (len(segment) == 1 or len(matched) >= 2)
                else:
                    relevant = len(matched) >= 2
            rounded = round(min(score, 1.0), 4)
            out.append(Ranked(code, rounded, tuple(evidence.get(code, ())), relevant, code in head_hinted))
        return out

    # -- classification --------------------------------------------------------------------
    def classify(self, query: GoodsQuery) -> Classification:
        hs = self.hs.match(query.hs_code) if query.hs_code else None
        hits, expansion, tail, head_len = self.expand(query.description)
        # a vocabulary term of the goods phrase naming other entries ("servo valve", "vacuum pump")
        other_goods = any(
            h.codes and "2B350" not in h.codes and self.process.equipment(h.term) is not None
            for h in hits
            if h.start < head_len
        )
        known = read_known(query.description, query.params, self.vocabulary, expansion + " " + tail)
        ranked = self.rank(query.description, hs)[:MAX_CANDIDATES]
        items = self.lexical.item_scores(query.description, expansion, tail)
        candidates = [self._candidate(r, items.get(r.code, []), known, query.description) for r in ranked]
        relevant = {r.code for r in ranked if r.relevant}
        # a term of the goods phrase names the entry's goods, but the phrase's head is another noun
        # ("CMM bridge type", "carbon fibre ... frame"): not enough to clear, so it is asked
        # ... or the phrase's head is no word of the lists at all (a make or model: "DMG MORI DMU 50 5-axis ...")
        digit = re.search(r"\d", query.description[:head_len])
        head_hits = [h for h in hits if h.start < head_len and h.codes]
        brand_head = digit is not None and bool(head_hits) and all(h.start > digit.start() for h in head_hits)
        weak = {r.code for r in ranked if not r.relevant and r.hinted and (r.score >= WEAK_NAMED or brand_head)}
        country = country_code(query.destination) if query.destination else None
        chemicals, chem_notes = decide_chemicals(self.chemicals, query.description, country)
        alloy = None if chemicals else decide_alloy(self.alloys, query.description)
        plant = None if chemicals or alloy or other_goods else self.process.decide(query.description)
        gauge = None if chemicals or alloy or plant else self.transducers.decide(query.description)
        if gauge is not None:
            mine = [_transducer_candidate(gauge, self.by_code)]
            candidates = (mine + [c for c in candidates if c.code != "2B230"])[:MAX_CANDIDATES]
            relevant, weak = {"2B230"}, set()
        elif alloy is not None or plant is not None:
            # an alloy in a semi-finished form (its published strength and form decide), or chemical
            # process equipment (its wetted materials and size decide)
            mine = [_material_candidate(alloy, self.by_code) if alloy else _process_candidate(plant, self.by_code)]
            codes = {c.code for c in mine}
            candidates = (mine + [c for c in candidates if c.code not in codes])[:MAX_CANDIDATES]
            relevant, weak = codes, set()
        elif chemicals or any("named in no entry" in n for n in chem_notes):
            # a CAS number or a listed name identifies the goods: the chemical entries decide
            mine = [_chemical_candidate(d, self.by_code) for d in chemicals]
            codes = {c.code for c in mine}
            candidates = (mine + [c for c in candidates if c.code not in codes])[:MAX_CANDIDATES]
            relevant, weak = codes, set()
        verdict = self._verdict(query, candidates, hs, relevant, chem_notes, weak)
        if not (chemicals or alloy or plant or gauge):
            verdict = self._us_answer(query.description, verdict)
        return Classification(query=query, verdict=verdict, candidates=candidates)

    def _us_answer(self, description: str, verdict: Verdict) -> Verdict:
        """Category 5 Part 2 and the .9xx entries where no regime entry applies or is open."""
        us = self.us.answer(description)
        if us is None:
            return verdict
        cat5 = verdict.eccn[:2] == "5A" or verdict.eccn[:2] == "5D"
        if (verdict.listed is Listed.NO and (us.crypto or verdict.eccn == "EAR99")) or (
            verdict.listed is Listed.UNKNOWN and us.crypto and cat5
        ):
            listed = Listed.UNKNOWN if us.listed == "unknown" else Listed.NO
        else:
            return verdict.model_copy(update={"reasons": [*verdict.reasons, *(f"also: {r}" for r in us.reasons)]})
        reasons = [*us.reasons, *(r for r in verdict.reasons if not r.startswith("not listed: no control-list"))]
        if listed is Listed.NO and not us.crypto:
            reasons.insert(0, "not listed on a regime list; US anti-terrorism entry " + us.eccn)
        return verdict.model_copy(
            update={
                "listed": listed,
                "eccn": us.eccn,
                "eu_code": us.eu_code,
                "reasons": reasons,
                "questions": [*us.questions, *verdict.questions][:8],
            }
        )

    def _candidate(
        self, ranked: Ranked, item_scores: list[tuple[str, float]], known: Known, description: str
    ) -> Candidate:
        doc = self.by_code[ranked.code]
        entry = doc.primary
        best = best_items(item_scores)
        branches = list(dict.fromkeys(branch_of(entry, code) for code in best)) or [entry.code]
        checks: list[Check] = []
        outcomes = []
        for branch in branches:
            mine: list[Check] = []
            outcomes.append((evaluate(entry, branch, known, mine), any(c.found is not None for c in mine)))
            checks.extend(mine)
        decided = [status for status, found in outcomes if found]  # a given value identifies the sub-item
        status = _any(decided or [status for status, _ in outcomes])
        evidence = list(ranked.evidence)
        excluded = self.lexical.exclusion(doc, description)
        if excluded is not None:
            status = ParamVerdict.BELOW
            evidence.append(f"excluded by note {excluded}")
        if not ranked.relevant:
            evidence.append("weak match: the entry does not name the goods")
        for c in checks:
            if c.found is not None:
                evidence.append(f"parameter read: {c.parameter.key} = {c.found.text!r} ({c.item})")
        regimes = _regimes(doc)
        return Candidate(
            code=doc.code,
            eu_code=doc.eu.code if doc.eu else None,
            eccn=doc.ccl.code if doc.ccl else None,
            regimes=regimes,
            regime_refs=_refs(doc),
            title=doc.title,
            score=ranked.score,
            items=branches if branches != [entry.code] else best[:3],
            evidence=list(dict.fromkeys(evidence)),
            parameters=[self._param(c) for c in _dedupe(checks)],
            status=status,
        )

    def _param(self, c: Check) -> ParameterCheck:
        question = None
        if c.verdict is ParamVerdict.UNKNOWN:
            base = self.vocabulary.question(c.parameter.key) or f"What is the {c.parameter.name} of the item?"
            question = f"{base} (control threshold: {c.parameter.describe()}, {c.item})"
            if c.note:
                question += f"; {c.note}"
        return ParameterCheck(
            name=c.parameter.key,
            item=c.item,
            required=c.parameter.describe(),
            found=c.found.text if c.found else None,
            verdict=c.verdict,
            question=question,
        )

    def _verdict(
        self,
        query: GoodsQuery,
        candidates: list[Candidate],
        hs: HsMatch | None,
        named: set[str],
        notes: list[str] | None = None,
        weak: set[str] | None = None,
    ) -> Verdict:
        ca = self.catch_all.check(query.end_use, query.end_user, query.destination, self.end_users)
        # regime entries decide "listed"; US anti-terrorism residual entries (x99x) only the ECCN
        relevant = [c for c in candidates if c.score >= MIN_RELEVANT and c.code in named and not _is_residual(c.code)]
        residuals = [c for c in candidates if c.score >= MIN_RELEVANT and c.code in named and _is_residual(c.code)]
        preferred = set(ca.regimes())
        if preferred:  # a missile end use puts the MTCR entries first among the candidates that apply
            relevant.sort(key=lambda c: not preferred & set(c.regimes))
        met = [c for c in relevant if c.status is ParamVerdict.MEETS]
        open_ = [c for c in relevant if c.status is ParamVerdict.UNKNOWN]
        reasons: list[str] = []
        questions: list[str] = []
        if met:
            listed, chosen = Listed.YES, met[0]
            reasons.append(f"{chosen.code} {chosen.title}: the description meets its text and thresholds")
        elif open_:
            listed, chosen = Listed.UNKNOWN, open_[0]
            reasons.append(
                f"{chosen.code} {chosen.title}: listed only if the open parameters reach the thresholds"
                + (f" (also consider {', '.join(c.code for c in open_[1:3])})" if len(open_) > 1 else "")
            )
            questions = [p.question for c in open_[:3] for p in c.parameters if p.question][:8]
        elif weak_open := [
            c
            for c in candidates
            if c.code in (weak or set()) and not _is_residual(c.code) and c.status is not ParamVerdict.BELOW
        ]:
            listed, chosen = Listed.UNKNOWN, weak_open[0]
            reasons.append(
                f"{chosen.code} {chosen.title}: the description names goods of this entry"
                f" ({'; '.join(e for e in chosen.evidence if e.startswith('vocabulary'))}) but its head noun is"
                " another; not cleared: confirm what the goods are and their parameters"
            )
            questions = [p.question for p in chosen.parameters if p.question][:8] or [
                f"Are the goods {chosen.title[:120]}? If so, what are their parameters ({chosen.code})?"
            ]
        else:
            listed, chosen = Listed.NO, None
            below = [c for c in relevant if c.status is ParamVerdict.BELOW]
            if below:
                reasons.append("not listed: below the thresholds of " + ", ".join(f"{c.code}" for c in below[:3]))
            elif notes:
                reasons.append("not listed: " + "; ".join(notes))
            else:
                reasons.append("not listed: no control-list entry matches the description")
        eccn = chosen.eccn if chosen is not None and chosen.eccn else None
        if eccn is None:
            # a residual entry named by the goods, or one a below-threshold chemical falls to (1C995)
            below_residual = [c.eccn for c in relevant if c.eccn and _is_residual(c.eccn)]
            residual = next((c.eccn for c in residuals if c.eccn), None) or next(iter(below_residual), None)
            eccn = residual or "EAR99"
            if listed is Listed.NO and eccn != "EAR99":
                reasons.append(f"US: may fall under the anti-terrorism residual entry {eccn}")
        if hs is not None:
            reasons.append(f"HS {hs.code}: {hs.description}")
        reasons.extend(ca.reasons)
        if ca.applies and listed is Listed.NO:
            reasons.insert(0, "not listed, but a catch-all applies: a licence may be required")
        elif not ca.applies and listed is Listed.NO and not (query.end_use or query.end_user or query.destination):
            reasons.append("catch-all not assessed: give the end use, end user and destination")
        return Verdict(
            listed=listed,
            eu_code=chosen.eu_code if chosen is not None else None,
            eccn=eccn,
            catch_all=ca.applies,
            reasons=reasons,
            catch_all_rules=list(ca.rules),
            questions=questions,
        )


_STATUS = {"meets": ParamVerdict.MEETS, "below": ParamVerdict.BELOW, "unknown": ParamVerdict.UNKNOWN}


def _chemical_candidate(d: ChemicalDecision, docs: dict[str, CodeDoc]) -> Candidate:
    """A candidate for a listed chemical found by CAS number or name (see chemicals.py)."""
    statuses = [_STATUS[s] for s in (d.eu_status, d.ccl_status) if s is not None]
    entry = d.eu.entry if d.eu else d.ccl.entry if d.ccl else "?"
    items = [c.item for c in (d.eu, d.ccl) if c is not None]
    params = [
        ParameterCheck(
            name="concentration",
            item=items[0],
            required="the mixture threshold of the entry's note",
            found=None,
            verdict=ParamVerdict.UNKNOWN,
            question=q,
        )
        for q in d.questions
    ]
    doc = docs.get(entry)
    return Candidate(
        code=entry,
        eu_code=d.eu.entry if d.eu else None,
        eccn=d.eccn,
        regimes=_regimes(doc) if doc else [],
        regime_refs=_refs(doc) if doc else [],
        title=f"{d.name}" + (f" (CAS {d.cas})" if d.cas else ""),
        score=1.0,
        items=items,
        evidence=list(d.evidence),
        parameters=params,
        status=_any(statuses),
    )


def _questions(item: str, questions: tuple[str, ...], name: str) -> list[ParameterCheck]:
    return [
        ParameterCheck(name=name, item=item, required=q, found=None, verdict=ParamVerdict.UNKNOWN, question=q)
        for q in questions
    ]


def _decided(
    doc: CodeDoc,
    item: str,
    d: MaterialDecision | ProcessDecision | TransducerDecision,
    kind: str,
    eccn: str | None,
    eu_code: str | None,
) -> Candidate:
    """The candidate of an entry a parameter module decided (materials, 2B350, 2B230): score 1,
    its evidence, and its open questions."""
    return Candidate(
        code=doc.code,
        eu_code=eu_code,
        eccn=eccn,
        regimes=_regimes(doc),
        regime_refs=_refs(doc),
        title=doc.title,
        score=1.0,
        items=[item],
        evidence=list(d.evidence),
        parameters=_questions(item, d.questions, kind),
        status=_STATUS[d.status],
    )


def _material_candidate(d: MaterialDecision, docs: dict[str, CodeDoc]) -> Candidate:
    doc = docs[d.code]
    return _decided(doc, d.item, d, "material", doc.ccl.code if doc.ccl else None, doc.eu.code if doc.eu else None)


def _process_candidate(d: ProcessDecision | None, docs: dict[str, CodeDoc]) -> Candidate:
    assert d is not None
    return _decided(docs["2B350"], d.item, d, "wetted_materials_and_size", d.eccn, "2B350")


def _transducer_candidate(d: TransducerDecision, docs: dict[str, CodeDoc]) -> Candidate:
    return _decided(docs["2B230"], "2B230", d, "pressure_transducer", "2B230", "2B230")


def _is_residual(eccn: str) -> bool:
    return eccn[2] == "9" and eccn[3] == "9"


def _any(statuses: list[ParamVerdict]) -> ParamVerdict:
    if ParamVerdict.MEETS in statuses:
        return ParamVerdict.MEETS
    if ParamVerdict.UNKNOWN in statuses:
        return ParamVerdict.UNKNOWN
    return ParamVerdict.BELOW


def _dedupe(checks: list[Check]) -> list[Check]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in checks:
        key = (c.item, c.parameter.describe())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _regimes(doc: CodeDoc) -> list[str]:
    out: list[str] = []
    for entry in (doc.eu, doc.ccl):
        if entry is not None:
            out.extend(r.value for r in entry.regimes if r.value not in out)
    return out


def _refs(doc: CodeDoc) -> list[str]:
    entries: list[ControlEntry] = [e for e in (doc.eu, doc.ccl) if e is not None]
    return list(dict.fromkeys(r.label() for e in entries for r in e.regime_refs))


def _surface_words(text: str) -> dict[str, str]:
    """stem -> the first word of the text that produced it (for readable evidence)."""
    out: dict[str, str] = {}
    for word in re.findall(r"[A-Za-z0-9µ]+", text):
        toks = tokens(word)
        if toks and toks[0] not in out:
            out[toks[0]] = word.lower()
    return out
