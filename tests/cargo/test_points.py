"""Points follow the evidence's strength (issue 17): a weak look-alike name earns little, a NORM
alarm the declared goods explain earns nothing, and a gamma alarm its own spectrum does not back
is cleared for targeting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cargo.conftest import make_shipment
from tests.cargo.standins import StandInClassifier, StandInRadiation
from tripline.cargo.indicators import Indicator, IndicatorExtractor, match_strength
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import PartyHit, RadiationFinding, RadiationVerdict
from tripline.cargo.radiation_bridge import unbacked_alarm
from tripline.cargo.reference import ReferenceData
from tripline.cargo.scoring import RuleScorer
from tripline.radiation.model import Verdict
from tripline.radiation.result import Adjudication, AlarmStatistics, Identification

POLICY = load_policy()


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
        screener=ScoredScreener({"Almost Listed Co": 0.82, "Listed Co": 1.0}),
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
    assert weak_reason.points == pytest.approx(weight * (0.82 - 0.8) / 0.2, abs=0.01)
    assert exact_reason.points == pytest.approx(weight)
    assert weak_reason.points < goods_reason.points
    assert "10% of the weight" in weak_reason.detail


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
