"""Points follow the evidence's strength (issue 17): a weak look-alike name earns little, a NORM
alarm the declared goods explain earns nothing, and a gamma alarm its own spectrum does not back
is cleared for targeting."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cargo.conftest import BUNDLED, make_shipment
from tests.cargo.standins import StandInClassifier, StandInRadiation
from tripline.cargo.indicators import Indicator, IndicatorExtractor, match_strength
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import PartyHit, RadiationFinding, RadiationVerdict
from tripline.cargo.radiation_bridge import excess_sigma, unbacked_alarm
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.cargo.scoring import RuleScorer
from tripline.radiation.alarm import AlarmPolicy
from tripline.radiation.model import Category, Verdict
from tripline.radiation.result import Adjudication, AlarmStatistics, Identification, IsotopeMatch
from tripline.screening.rules import SHOWN_ABOVE

POLICY = load_policy()
# a party match just above the threshold: where screening puts a match shown for review (a bare
# company word, a prefixed acronym: rules.SHOWN_ABOVE over its threshold)
WEAK = round(POLICY.party_match_threshold + SHOWN_ABOVE, 4)


class ScoredScreener:
    """Answers each name with the score given for it (what a fuzzy screener would say)."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def screen_party(self, name: str, country: str | None) -> list[PartyHit]:
        score = self.scores.get(name)
        return [PartyHit(list_name=name.upper(), source="test_list", score=score)] if score is not None else []


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_strength_is_zero_at_the_threshold_and_whole_at_one(a: float, b: float) -> None:
    t = POLICY.party_match_threshold
    assert match_strength(t, t) == 0.0 and match_strength(1.0, t) == 1.0
    assert 0.0 <= match_strength(a, t) <= 1.0
    if a <= b:
        assert match_strength(a, t) <= match_strength(b, t)


def test_a_weak_party_look_alike_earns_less_than_a_controlled_goods_hit(ref: ReferenceData) -> None:
    extractor = IndicatorExtractor(
        POLICY,
        ref,
        screener=ScoredScreener({"Almost Listed Co": WEAK, "Listed Co": 1.0}),
        classifier=StandInClassifier({"flow forming": "2B009"}),
        radiation=StandInRadiation({}),
    )
    scorer = RuleScorer(POLICY)
    weak = make_shipment(parties=[{"role": "shipper", "name": "A"}, {"role": "consignee", "name": "Almost Listed Co"}])
    exact = make_shipment(parties=[{"role": "shipper", "name": "A"}, {"role": "consignee", "name": "Listed Co"}])
    goods = make_shipment(goods=[{"description": "Flow forming machine, 3 rollers", "hs_code": "846390"}])
    (weak_reason,) = [r for r in scorer.score(extractor.extract(weak)).reasons if r.indicator == "party_hit.consignee"]
    (exact_reason,) = [
        r for r in scorer.score(extractor.extract(exact)).reasons if r.indicator == "party_hit.consignee"
    ]
    (goods_reason,) = [r for r in scorer.score(extractor.extract(goods)).reasons if r.indicator == "controlled_goods"]
    weight = POLICY.weights.party_hit.consignee
    t = POLICY.party_match_threshold
    # the evidence keeps its strength to three places
    assert weak_reason.points == pytest.approx(weight * (WEAK - t) / (1.0 - t), abs=weight * 1e-3)
    assert exact_reason.points == pytest.approx(weight)
    assert weak_reason.points < goods_reason.points
    assert f"{(WEAK - t) / (1.0 - t):.0%} of the weight" in weak_reason.detail


def test_a_norm_alarm_the_goods_explain_adds_no_points(ref: ReferenceData) -> None:
    finding = RadiationFinding("CSQU3054383", RadiationVerdict.NORM_EXPECTED, ("K-40",), "test", "JPYOK")
    extractor = IndicatorExtractor(
        POLICY,
        ref,
        screener=ScoredScreener({}),
        classifier=StandInClassifier({}),
        radiation=StandInRadiation({"CSQU3054383": finding}),
    )
    tiles = make_shipment(goods=[{"description": "Glazed ceramic wall tiles", "hs_code": "690721"}])
    features = extractor.extract(tiles)
    assert Indicator.RADIATION_NORM in {e.indicator for e in features.evidence}  # still recorded
    assert RuleScorer(POLICY).score(features).score == 0.0


def _adjudication(verdict: Verdict, spectral: Verdict | None, neutron_alarm: bool = False) -> Adjudication:
    alarm = AlarmStatistics(5.0, 4.5, 4.5 if neutron_alarm else 0.0, True, neutron_alarm, False)
    ident = (
        Identification("s", spectral, (), ("excess below 3 sigma",), -0.9, 10.0, 1000, "nai")
        if spectral is not None
        else None
    )
    return Adjudication("o", "CSQU3054383", verdict, (), alarm, ident)


def test_only_an_alarm_its_own_spectrum_does_not_back_is_cleared() -> None:
    assert unbacked_alarm(_adjudication(Verdict.OF_CONCERN, Verdict.BACKGROUND))
    assert not unbacked_alarm(_adjudication(Verdict.OF_CONCERN, None))  # no spectrum at all: inspect
    assert not unbacked_alarm(_adjudication(Verdict.OF_CONCERN, Verdict.BACKGROUND, neutron_alarm=True))
    assert not unbacked_alarm(_adjudication(Verdict.NORM, Verdict.NORM))


# --- an unresolved alarm earns points by its excess over background (policy.yaml, radiation_full_sigma) ---


@functools.cache
def _alarm_extractor() -> tuple[IndicatorExtractor, StandInRadiation]:
    radiation = StandInRadiation({})
    extractor = IndicatorExtractor(
        POLICY,
        load_reference(BUNDLED),
        screener=ScoredScreener({}),
        classifier=StandInClassifier({}),
        radiation=radiation,
    )
    return extractor, radiation


def _unresolved_points(sigma: float | None) -> tuple[float, bool]:
    """(points, evidence recorded) of a shipment whose one container has an unresolved alarm of ``sigma``."""
    extractor, radiation = _alarm_extractor()
    finding = RadiationFinding("CSQU3054383", RadiationVerdict.UNRESOLVED, (), "[radiation] of_concern", "JPYOK", sigma)
    radiation.findings["CSQU3054383"] = finding
    features = extractor.extract(make_shipment())
    recorded = Indicator.RADIATION_UNRESOLVED in {e.indicator for e in features.evidence}
    points = sum(r.points for r in RuleScorer(POLICY).score(features).reasons if r.indicator == "radiation.unresolved")
    return points, recorded


def test_the_whole_weight_starts_at_the_portal_alarm_level() -> None:
    """policy.yaml ties radiation_full_sigma to the portal's gamma alarm level of [radiation]."""
    assert POLICY.radiation_full_sigma == AlarmPolicy().gamma_sigma


@settings(deadline=None)
@given(st.floats(-50.0, 50.0), st.floats(-50.0, 50.0))
def test_unresolved_alarm_points_are_monotone_in_sigma_and_zero_without_excess(a: float, b: float) -> None:
    weight, full = POLICY.weights.radiation.unresolved, POLICY.radiation_full_sigma
    for sigma in (a, b):
        points, recorded = _unresolved_points(sigma)
        assert recorded  # the alarm is always on the record, points or not
        if sigma <= 0:
            assert points == 0.0
        elif sigma >= full:
            assert points == pytest.approx(weight)
        else:
            assert points == pytest.approx(weight * sigma / full, abs=0.05)
    lo, hi = sorted((a, b))
    assert _unresolved_points(lo)[0] <= _unresolved_points(hi)[0]


def test_an_alarm_with_no_measured_excess_keeps_the_whole_weight() -> None:
    assert _unresolved_points(None)[0] == pytest.approx(POLICY.weights.radiation.unresolved)


def test_an_alarm_whose_spectrum_reads_below_background_adds_nothing() -> None:
    """The issue's case: an 'unresolved alarm' whose own text says -0.9 sigma (here one the bridge does
    not clear, as a nuclide line was fitted): the bridge carries the spectrum's -0.9 sigma, no points."""
    tc99m = IsotopeMatch("Tc-99m", Category.MEDICAL, 0.6, 4.5, ())
    ident = Identification("s", Verdict.MEDICAL, (tc99m,), (), -0.9, 10.0, 1000, "nai")
    alarm = AlarmStatistics(4.2, 4.5, 0.0, True, False, False)
    result = Adjudication("o", "CSQU3054383", Verdict.MEDICAL, (), alarm, ident)
    assert not unbacked_alarm(result)
    assert excess_sigma(result) == -0.9
    assert _unresolved_points(excess_sigma(result)) == (0.0, True)


def test_the_excess_is_the_spectrum_s_else_the_portal_s_and_a_neutron_alarm_counts() -> None:
    ident = Identification("s", Verdict.OF_CONCERN, (), (), 2.5, 10.0, 1000, "nai")
    gamma_only = AlarmStatistics(4.5, 5.1, 1.0, True, False, False)
    assert excess_sigma(Adjudication("o", "c", Verdict.OF_CONCERN, (), gamma_only, ident)) == 2.5
    assert excess_sigma(Adjudication("o", "c", Verdict.OF_CONCERN, (), gamma_only, None)) == 4.5
    with_neutrons = AlarmStatistics(4.5, 5.1, 6.0, True, True, False)
    assert excess_sigma(Adjudication("o", "c", Verdict.OF_CONCERN, (), with_neutrons, ident)) == 6.0


def test_no_weak_look_alike_outweighs_the_weakest_controlled_goods_hit() -> None:
    """A name match just above the threshold (shown for review), on any role, adds less than the
    least a goods line matching a control-list entry adds (weight x the lowest confidence that counts)."""
    t = POLICY.party_match_threshold
    weakest_goods = POLICY.weights.controlled_goods * POLICY.controls_match_threshold
    for role in ("shipper", "consignee", "notify", "end_user"):
        assert getattr(POLICY.weights.party_hit, role) * match_strength(WEAK, t) < weakest_goods
