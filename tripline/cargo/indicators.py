"""Risk indicators of a shipment, each with a value in 0..1 and the evidence behind it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tripline.cargo.hsdesc import HsConsistency
from tripline.cargo.model import Role, Shipment
from tripline.cargo.policy import DestinationKind, Embargo, Policy
from tripline.cargo.ports import (
    GoodsClassifier,
    GoodsMatch,
    PartyHit,
    PartyScreener,
    RadiationFinding,
    RadiationResults,
    RadiationVerdict,
)
from tripline.cargo.reference import ReferenceData


class Indicator(StrEnum):
    PARTY_SHIPPER = "party_hit.shipper"
    PARTY_CONSIGNEE = "party_hit.consignee"
    PARTY_NOTIFY = "party_hit.notify"
    PARTY_END_USER = "party_hit.end_user"
    CONTROLLED_GOODS = "controlled_goods"
    DEST_UN_EMBARGO = "destination.un_arms_embargo"
    DEST_UN_TARGETED = "destination.un_targeted_measures"
    DEST_POLICY = "destination.policy"
    TRANSSHIPMENT_HUB = "transshipment_hub"
    HS_MISMATCH = "hs_description_mismatch"
    RADIATION_THREAT = "radiation.threat"
    RADIATION_UNRESOLVED = "radiation.unresolved"
    RADIATION_NORM = "radiation.norm_expected"
    FORWARDER_MACHINERY = "forwarder_consignee_machinery"
    FIRST_SHIPMENT = "first_shipment"
    END_USER_ELSEWHERE = "end_user_elsewhere"
    EMBARGOED_END_USER = "embargoed_end_user_via_third_country"


INDICATORS: tuple[Indicator, ...] = tuple(Indicator)
PARTY_INDICATOR = {
    Role.SHIPPER: Indicator.PARTY_SHIPPER,
    Role.CONSIGNEE: Indicator.PARTY_CONSIGNEE,
    Role.NOTIFY: Indicator.PARTY_NOTIFY,
    Role.END_USER: Indicator.PARTY_END_USER,
}
DEST_INDICATOR = {
    DestinationKind.UN_ARMS_EMBARGO: Indicator.DEST_UN_EMBARGO,
    DestinationKind.UN_TARGETED: Indicator.DEST_UN_TARGETED,
    DestinationKind.POLICY: Indicator.DEST_POLICY,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    indicator: Indicator
    value: float
    detail: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Features:
    """The indicators found on one shipment."""

    bill_of_lading: str
    containers: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    def values(self) -> dict[Indicator, float]:
        out: dict[Indicator, float] = {}
        for e in self.evidence:
            out[e.indicator] = max(out.get(e.indicator, 0.0), e.value)
        return out

    def vector(self) -> list[float]:
        values = self.values()
        return [values.get(i, 0.0) for i in INDICATORS]


def match_strength(score: float, threshold: float) -> float:
    """How much of a party indicator's weight a name match earns: 0 at the threshold, all of it at
    1.0 (a 0.82 fuzzy match at threshold 0.8 earns a tenth; an exact match all of it), so weak
    look-alikes do not outrank stronger evidence."""
    if threshold >= 1.0:
        return 1.0 if score >= 1.0 else 0.0
    return min(max((score - threshold) / (1.0 - threshold), 0.0), 1.0)


def alarm_strength(sigma: float | None, full_sigma: float) -> float:
    """How much of the unresolved-alarm weight an alarm earns from its excess over background: none at
    or below 0 sigma (no excess: nothing to resolve), all of it from ``full_sigma`` (the portal's alarm
    level), linear in between. Not measured (``None``): all of it, the alarm stands unweighed."""
    if sigma is None:
        return 1.0
    return min(max(sigma / full_sigma, 0.0), 1.0)


def normalise_party(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def first_shipment_evidence(s: Shipment) -> Evidence:
    """The evidence :meth:`IndicatorExtractor.extract` adds, last, to a shipper's first shipment."""
    shipper = s.party(Role.SHIPPER)
    return Evidence(Indicator.FIRST_SHIPMENT, 1.0, f"first shipment seen from {shipper.name if shipper else '?'}")


def as_first_shipment(features: Features, s: Shipment) -> Features:
    """``extract(s, first_shipment=True)`` from ``extract(s)``: the same evidence plus the first-shipment line."""
    return Features(features.bill_of_lading, features.containers, (*features.evidence, first_shipment_evidence(s)))


def first_shipments(shipments: Iterable[Shipment], known_shippers: Iterable[str] = ()) -> set[str]:
    """Bills of lading that are the first (earliest departure, then B/L) of a shipper not in ``known_shippers``."""
    seen = {normalise_party(n) for n in known_shippers}
    first: dict[str, tuple[str, str]] = {}
    for s in shipments:
        shipper = s.party(Role.SHIPPER)
        if shipper is None:
            continue
        key = normalise_party(shipper.name)
        if key in seen:
            continue
        order = (s.departure_date.isoformat() if s.departure_date else "9999", s.bill_of_lading)
        if key not in first or order < first[key]:
            first[key] = order
    return {bl for _, bl in first.values()}


class _NotShipped:
    """Stands where the screener and classifier were in a detached extractor: a cache miss is a bug."""

    def screen_party(self, name: str, country: str | None) -> list[PartyHit]:
        raise RuntimeError(f"party {name!r} was not looked up before the extractor was detached")

    def classify_goods(self, description: str, hs_code: str) -> list[GoodsMatch]:
        raise RuntimeError(f"goods {description!r} were not classified before the extractor was detached")


class IndicatorExtractor:
    """Computes :class:`Features`; screening and classification results are cached by name/description."""

    def __init__(
        self,
        policy: Policy,
        ref: ReferenceData,
        *,
        screener: PartyScreener,
        classifier: GoodsClassifier,
        radiation: RadiationResults,
        hs_consistency: HsConsistency | None = None,
    ) -> None:
        self.policy = policy
        self.ref = ref
        self.screener = screener
        self.classifier = classifier
        self.radiation = radiation
        self.hs = hs_consistency or HsConsistency(ref)
        self._party_cache: dict[tuple[str, str | None], list[PartyHit]] = {}
        self._goods_cache: dict[tuple[str, str], list[GoodsMatch]] = {}
        self._terms = frozenset(policy.forwarder_terms)
        self._machinery = frozenset(policy.machinery_chapters)
        self._norm = frozenset(policy.norm_headings)

    def cache_keys(self, shipments: Iterable[Shipment]) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
        """The party and goods look-ups ``shipments`` need that are not cached yet (each once)."""
        parties: dict[tuple[str, str | None], None] = {}
        goods: dict[tuple[str, str], None] = {}
        for s in shipments:
            for p in s.parties:
                key = (p.name, p.country)
                if key not in self._party_cache:
                    parties[key] = None
            for line in s.goods:
                gkey = (line.description, line.hs_code)
                if gkey not in self._goods_cache:
                    goods[gkey] = None
        return list(parties), list(goods)

    def fill(
        self, parties: dict[tuple[str, str | None], list[PartyHit]], goods: dict[tuple[str, str], list[GoodsMatch]]
    ) -> None:
        """Add look-ups computed elsewhere (e.g. in worker processes) to the caches."""
        for key, hits in parties.items():
            self._party_cache[key] = [h for h in hits if h.score >= self.policy.party_match_threshold]
        for gkey, matches in goods.items():
            self._goods_cache[gkey] = [m for m in matches if m.score >= self.policy.controls_match_threshold]

    def detached(self) -> IndicatorExtractor:
        """A copy that answers from its caches only (to ship to workers once every look-up is cached)."""
        copy = IndicatorExtractor(
            self.policy,
            self.ref,
            screener=_NotShipped(),
            classifier=_NotShipped(),
            radiation=self.radiation,
            hs_consistency=self.hs,
        )
        copy._party_cache = self._party_cache
        copy._goods_cache = self._goods_cache
        return copy

    def cached(self) -> int:
        """How many look-ups the caches hold."""
        return len(self._party_cache) + len(self._goods_cache)

    def forget(self) -> None:
        """Empty the caches (a long-running worker bounds its memory this way)."""
        self._party_cache = {}
        self._goods_cache = {}

    def _screen(self, name: str, country: str | None) -> list[PartyHit]:
        key = (name, country)
        hits = self._party_cache.get(key)
        if hits is None:
            hits = [
                h for h in self.screener.screen_party(name, country) if h.score >= self.policy.party_match_threshold
            ]
            self._party_cache[key] = hits
        return hits

    def _classify(self, description: str, hs_code: str) -> list[GoodsMatch]:
        key = (description, hs_code)
        hits = self._goods_cache.get(key)
        if hits is None:
            found = self.classifier.classify_goods(description, hs_code)
            hits = [m for m in found if m.score >= self.policy.controls_match_threshold]
            self._goods_cache[key] = hits
        return hits

    def extract(self, s: Shipment, *, first_shipment: bool = False) -> Features:
        ev: list[Evidence] = []
        self._parties(s, ev)
        self._goods(s, ev)
        self._catch_all(s, ev)
        self._route(s, ev)
        self._radiation(s, ev)
        if first_shipment:
            ev.append(first_shipment_evidence(s))
        return Features(s.bill_of_lading, s.containers, tuple(ev))

    def _parties(self, s: Shipment, ev: list[Evidence]) -> None:
        for party in s.parties:
            hits = self._screen(party.name, party.country)
            if hits:
                best = max(hits, key=lambda h: h.score)
                strength = match_strength(best.score, self.policy.party_match_threshold)
                ev.append(
                    Evidence(
                        PARTY_INDICATOR[party.role],
                        round(strength, 3),
                        f"{party.role.value} {party.name!r} matches {best.list_name!r} ({best.score:.2f}: "
                        f"{strength:.0%} of the weight, from 0 at {self.policy.party_match_threshold:.2f} "
                        "to all of it at 1.00)",
                        best.source,
                    )
                )
        consignee, end_user = s.party(Role.CONSIGNEE), s.party(Role.END_USER)
        if consignee and end_user and consignee.country and end_user.country and consignee.country != end_user.country:
            ev.append(
                Evidence(
                    Indicator.END_USER_ELSEWHERE,
                    1.0,
                    f"end user {end_user.name!r} in {end_user.country}, "
                    f"consignee {consignee.name!r} in {consignee.country}",
                )
            )
        if consignee and any(line.hs_code[:2] in self._machinery for line in s.goods):
            terms = [w for w in normalise_party(consignee.name).split() if w in self._terms]
            if terms:
                ev.append(
                    Evidence(
                        Indicator.FORWARDER_MACHINERY,
                        1.0,
                        f"consignee {consignee.name!r} ({', '.join(terms)}) receives industrial machinery",
                    )
                )

    def _goods(self, s: Shipment, ev: list[Evidence]) -> None:
        for line in s.goods:
            for match in self._classify(line.description, line.hs_code)[:1]:
                regimes = "/".join(match.regimes) or "national"
                ev.append(
                    Evidence(
                        Indicator.CONTROLLED_GOODS,
                        round(match.score, 3),
                        f"{line.description[:60]!r} matches {match.entry} {match.title[:60]} ({regimes})",
                        match.source,
                    )
                )
            check = self.hs.check(line.description, line.hs_code)
            if not check.consistent:
                ev.append(Evidence(Indicator.HS_MISMATCH, 1.0, f"{line.description[:60]!r}: {check.explain()}"))

    def _catch_all(self, s: Shipment, ev: list[Evidence]) -> None:
        """A control-list item for a destination under EU and US arms embargo, through a third country.

        Fires from the data alone: a goods line matched a control-list entry (``controlled_goods``);
        the end user, else the notify party, else the declared final destination is in a country of
        the policy's ``embargoes``; and the goods pass through another country on the way: the
        consignee is there (an intermediary), or the bill of lading discharges them there short of
        the destination (onward carriage off the bill). A direct shipment to the embargoed country
        does not fire (the destination indicators cover it).

        The value is 1.0 whether the goods match is listed or only possibly listed (open
        parameters): the parameters decide which rule requires the licence (the list entry,
        or the catch-all for items not listed), not whether one is required. The goods
        indicator keeps the match's confidence."""
        listed = [e for e in ev if e.indicator is Indicator.CONTROLLED_GOODS]
        if not listed:
            return
        found = self._embargoed_destination(s)
        if found is None:
            return
        destination, country, embargo = found
        via = self._third_country(s, country)
        if via is None:
            return
        best = max(listed, key=lambda e: e.value)
        item = best.detail.rsplit(" matches ", 1)[-1][:40]
        status = "a listed item" if best.value >= 1.0 else "an item listed if its open parameters reach the thresholds"
        ev.append(
            Evidence(
                Indicator.EMBARGOED_END_USER,
                1.0,
                f"catch-all: {status} ({item}) for {destination} in {self.ref.country_name(country)} (EU and US "
                f"arms embargo) {via}, the textbook diversion pattern; a licence is needed either way (listed: the "
                f"entry; below the thresholds: the catch-all for a military end use in an embargoed country, EU "
                f"Regulation 2021/821 art. 4(1)(b))",
                embargo.source,
            )
        )

    def _embargoed_destination(self, s: Shipment) -> tuple[str, str, Embargo] | None:
        """Who or where the goods are for, when that is in an embargoed country: the end user, the notify
        party or the final destination (in that order)."""
        for role, label in ((Role.END_USER, "end user"), (Role.NOTIFY, "notify party")):
            party = s.party(role)
            if party is not None and (embargo := self.policy.embargo(party.country)) is not None:
                return f"{label} {party.name!r}", embargo.country, embargo
        final = s.route.final_destination
        if final and (embargo := self.policy.embargo(final[:2])) is not None:
            return f"final destination {final}", embargo.country, embargo
        return None

    def _third_country(self, s: Shipment, country: str) -> str | None:
        """How the goods pass through a country other than ``country``: the consignee's, else the port of
        discharge's; None for a shipment consigned and discharged in ``country`` itself."""
        consignee = s.party(Role.CONSIGNEE)
        if consignee is not None and consignee.country and consignee.country != country:
            return f"via consignee {consignee.name!r} in {self.ref.country_name(consignee.country)}"
        pod = s.route.port_of_discharge
        if pod[:2] != country:
            loc = self.ref.location(pod)
            name = f"{pod} ({loc.name})" if loc else pod
            return f"discharged at {name} in {self.ref.country_name(pod[:2])}, short of the destination"
        return None

    def _route(self, s: Shipment, ev: list[Evidence]) -> None:
        r = s.route
        places = [("final destination", r.final_destination), ("port of discharge", r.port_of_discharge)]
        seen: set[str] = set()
        for label, code in places:
            country = code[:2] if code else None
            dest = self.policy.destination(country)
            if dest and country not in seen:
                seen.add(dest.country)
                ev.append(
                    Evidence(
                        DEST_INDICATOR[dest.kind],
                        1.0,
                        f"{label} {code} in {self.ref.country_name(dest.country)}",
                        dest.source,
                    )
                )
        end_user = s.party(Role.END_USER)
        if end_user and end_user.country and end_user.country not in seen:
            dest = self.policy.destination(end_user.country)
            if dest:
                ev.append(
                    Evidence(
                        DEST_INDICATOR[dest.kind],
                        1.0,
                        f"end user {end_user.name!r} in {self.ref.country_name(dest.country)}",
                        dest.source,
                    )
                )
        for code in r.transshipment:
            hub = self.policy.hub(code)
            if hub:
                loc = self.ref.location(code)
                ev.append(
                    Evidence(
                        Indicator.TRANSSHIPMENT_HUB,
                        1.0,
                        f"transshipped at {code} ({loc.name if loc else code})",
                        hub.source,
                    )
                )

    def _radiation(self, s: Shipment, ev: list[Evidence]) -> None:
        findings = [f for c in s.containers if (f := self.radiation.finding(c)) is not None]
        norm_goods = any(line.hs_code[:4] in self._norm for line in s.goods)
        for f in findings:
            ev.extend(self._radiation_evidence(f, norm_goods))

    def _radiation_evidence(self, f: RadiationFinding, norm_goods: bool) -> list[Evidence]:
        return radiation_evidence(f, norm_goods, self.policy.radiation_full_sigma)


def _unresolved(f: RadiationFinding, where: str, what: str, full_sigma: float) -> Evidence:
    strength = alarm_strength(f.sigma, full_sigma)
    if f.sigma is None:
        weighed = "excess not measured: all of the weight"
    else:
        weighed = (
            f"{f.sigma:+.1f} sigma over background: {strength:.0%} of the weight, "
            f"none at or below 0 sigma, all of it from {full_sigma:g} sigma"
        )
    return Evidence(
        Indicator.RADIATION_UNRESOLVED,
        round(strength, 3),
        f"container {f.container}{where}: {what} ({weighed}). {f.explanation}".strip(),
    )


def radiation_evidence(f: RadiationFinding, norm_goods: bool, full_sigma: float) -> list[Evidence]:
    """The radiation indicator of one container's finding; an unresolved alarm is weighed by its excess
    over background (:func:`alarm_strength`), a threat counts in full."""
    nuclides = ", ".join(f.nuclides) or "no nuclide identified"
    where = f" at {f.location}" if f.location else ""
    if f.verdict is RadiationVerdict.THREAT:
        return [
            Evidence(
                Indicator.RADIATION_THREAT,
                1.0,
                f"container {f.container}{where}: {nuclides}. {f.explanation}".strip(),
            )
        ]
    if f.verdict is RadiationVerdict.UNRESOLVED:
        return [_unresolved(f, where, "unresolved alarm", full_sigma)]
    if f.verdict is RadiationVerdict.NORM_EXPECTED:
        if norm_goods:
            return [
                Evidence(
                    Indicator.RADIATION_NORM,
                    1.0,
                    f"container {f.container}{where}: NORM ({nuclides}) consistent with declared goods",
                )
            ]
        return [_unresolved(f, where, f"NORM ({nuclides}) but declared goods are not NORM-prone", full_sigma)]
    return []
