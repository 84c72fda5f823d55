"""Indicators, rule scores and ranking, on stand-in matchers (the real ones: test_planted.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cargo.conftest import make_shipment
from tests.cargo.standins import StandInClassifier, StandInRadiation, StandInScreener
from tripline.cargo.indicators import INDICATORS, Evidence, Features, Indicator, IndicatorExtractor, first_shipments
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsMatch, RadiationFinding, RadiationVerdict
from tripline.cargo.reference import ReferenceData
from tripline.cargo.scoring import Action, RuleScorer, Scored, rank, weight_of

POLICY = load_policy()


def extractor(ref: ReferenceData, findings: dict[str, RadiationFinding] | None = None) -> IndicatorExtractor:
    return IndicatorExtractor(
        POLICY,
        ref,
        screener=StandInScreener({"Listed Trading Co": "test_list", "Listed End User": "test_list"}),
        classifier=StandInClassifier({"flow forming": "2B009"}),
        radiation=StandInRadiation(findings),
    )


def indicators(features: Features) -> set[Indicator]:
    return {e.indicator for e in features.evidence}


def test_clean_shipment_has_no_indicator(ref: ReferenceData) -> None:
    assert indicators(extractor(ref).extract(make_shipment())) == set()


def test_each_indicator_with_its_evidence(ref: ReferenceData) -> None:
    s = make_shipment(
        parties=[
            {"role": "shipper", "name": "Dalian Kaida Machinery Co., Ltd.", "country": "CN"},
            {"role": "consignee", "name": "Listed Trading Co", "country": "AE"},
            {"role": "end_user", "name": "Listed End User", "country": "IR"},
        ],
        goods=[{"description": "Flow forming machine, 3 rollers", "hs_code": "691200"}],
        route={
            "port_of_loading": "CNDLC",
            "transshipment": ["AEJEA"],
            "port_of_discharge": "AEJEA",
            "final_destination": "IRBND",
        },
    )
    f = extractor(ref).extract(s, first_shipment=True)
    assert indicators(f) == {
        Indicator.PARTY_CONSIGNEE,
        Indicator.PARTY_END_USER,
        Indicator.END_USER_ELSEWHERE,
        Indicator.CONTROLLED_GOODS,
        Indicator.HS_MISMATCH,
        Indicator.DEST_UN_EMBARGO,
        Indicator.TRANSSHIPMENT_HUB,
        Indicator.FIRST_SHIPMENT,
        Indicator.EMBARGOED_END_USER,
    }
    by = {e.indicator: e for e in f.evidence}
    assert "UNSCR 1737" in by[Indicator.DEST_UN_EMBARGO].source
    assert "Jebel Ali" in by[Indicator.TRANSSHIPMENT_HUB].detail
    assert "2B009" in by[Indicator.CONTROLLED_GOODS].detail
    assert "HS 84" in by[Indicator.HS_MISMATCH].detail
    # industrial machinery (84) is not declared, so the forwarder indicator does not fire on HS 6912
    assert Indicator.FORWARDER_MACHINERY not in by


@pytest.mark.parametrize(
    ("consignee", "end_user", "goods", "pod", "fires"),
    [
        ("CN", "SY", "Flow forming machine", "CNSHA", True),  # the seed case's shape: SY end user, CN consignee
        ("SY", "SY", "Flow forming machine", "SYLTK", False),  # consigned and discharged in SY: no third country
        ("SY", "SY", "Flow forming machine", "AEJEA", True),  # consigned to SY, discharged in a third country
        ("CN", "TH", "Flow forming machine", "CNSHA", False),  # end user's country under no EU/US arms embargo
        ("CN", "SY", "Cotton T-shirts", "CNSHA", False),  # nothing listed
    ],
)
def test_catch_all_needs_listed_item_embargoed_end_user_and_third_country(
    ref: ReferenceData, consignee: str, end_user: str, goods: str, pod: str, fires: bool
) -> None:
    s = make_shipment(
        parties=[
            {"role": "shipper", "name": "Yokohama Aoba Trading Co., Ltd.", "country": "JP"},
            {"role": "consignee", "name": "Success Intermediary Ltd.", "country": consignee},
            {"role": "end_user", "name": "Some Engineering Co.", "country": end_user},
        ],
        goods=[{"description": goods, "hs_code": "846390"}],
        route={"port_of_loading": "JPYOK", "port_of_discharge": pod},
    )
    policy = load_policy()
    f = extractor(ref).extract(s)
    by = {e.indicator: e for e in f.evidence}
    assert (Indicator.EMBARGOED_END_USER in by) is fires
    if fires:
        catch_all = by[Indicator.EMBARGOED_END_USER]
        assert catch_all.value == 1.0 and "a listed item" in catch_all.detail
        assert "catch-all" in catch_all.detail and "Syria" in catch_all.detail
        assert (
            ("via consignee" in catch_all.detail and "China" in catch_all.detail)
            if consignee == "CN"
            else ("discharged at AEJEA" in catch_all.detail)
        )
        assert "2013/255/CFSP" in catch_all.source
        points = RuleScorer(policy).score(f).reasons
        assert any(r.indicator == "embargoed_end_user_via_third_country" and r.points == 40 for r in points)


@pytest.mark.parametrize(
    ("parties", "route", "fires", "says"),
    [
        # the buyer to be told on arrival is in Iran, the consignee an intermediary in the UAE
        ([("consignee", "Gulf Intermediary FZE", "AE"), ("notify", "Tehran Buyer Co.", "IR")],
         {"port_of_discharge": "AEJEA"}, True, ("notify party 'Tehran Buyer Co.' in Iran", "via consignee")),
        # declared final destination in Syria, consignee and discharge in a third country
        ([("consignee", "Istanbul Dis Ticaret", "TR")],
         {"port_of_discharge": "TRMER", "final_destination": "SYLTK"}, True, ("final destination SYLTK", "Türkiye")),
        # final destination in Iran, consignee there too, discharged in the UAE for onward carriage
        ([("consignee", "Tehran Buyer Co.", "IR")],
         {"port_of_discharge": "AEJEA", "final_destination": "IRBND"}, True, ("discharged at AEJEA", "")),
        # consigned and discharged in Iran, transshipped at a hub: a direct shipment (the destination counts)
        ([("consignee", "Tehran Buyer Co.", "IR")],
         {"port_of_discharge": "IRBND", "transshipment": ["AEJEA"]}, False, ()),
        # notify party and consignee in a third country, nothing bound for an embargoed country
        ([("consignee", "Gulf Intermediary FZE", "AE"), ("notify", "Gulf Agent LLC", "AE")],
         {"port_of_discharge": "AEJEA"}, False, ()),
    ],
)  # fmt: skip
def test_catch_all_reads_notify_party_and_final_destination_and_the_route(
    ref: ReferenceData,
    parties: list[tuple[str, str, str]],
    route: dict[str, object],
    fires: bool,
    says: tuple[str, ...],
) -> None:
    s = make_shipment(
        parties=[
            {"role": "shipper", "name": "Dalian Kaida Machinery Co., Ltd.", "country": "CN"},
            *({"role": r, "name": n, "country": c} for r, n, c in parties),
        ],
        goods=[{"description": "Flow forming machine, 3 rollers", "hs_code": "846390"}],
        route={"port_of_loading": "CNDLC", **route},
    )
    by = {e.indicator: e for e in extractor(ref).extract(s).evidence}
    assert (Indicator.EMBARGOED_END_USER in by) is fires
    for words in says:
        assert words in by[Indicator.EMBARGOED_END_USER].detail


class _PossiblyListed:
    """A classifier that finds the item listed only if open parameters reach the thresholds."""

    def classify_goods(self, description: str, hs_code: str) -> list[GoodsMatch]:
        return [GoodsMatch(entry="2B006", title="Dimensional inspection", regimes=("WA", "NSG"), score=0.5)]


def test_catch_all_counts_in_full_for_an_item_only_possibly_listed(ref: ReferenceData) -> None:
    """Below the thresholds the catch-all requires the licence, above them the entry does: the
    classifier's doubt about the parameters lowers the goods points, not the catch-all's."""
    s = make_shipment(
        parties=[
            {"role": "shipper", "name": "Sendai Example Shoji K.K.", "country": "JP"},
            {"role": "consignee", "name": "Success Intermediary Ltd.", "country": "CN"},
            {"role": "end_user", "name": "Some Engineering Co.", "country": "SY"},
        ],
        goods=[{"description": "3D coordinate measurement system", "hs_code": "901520"}],
    )
    found = IndicatorExtractor(
        POLICY, ref, screener=StandInScreener({}), classifier=_PossiblyListed(), radiation=StandInRadiation()
    ).extract(s)
    points = {r.indicator: r for r in RuleScorer(POLICY).score(found).reasons}
    assert points["controlled_goods"].points == POLICY.weights.controlled_goods * 0.5
    catch_all = points["embargoed_end_user_via_third_country"]
    assert catch_all.points == POLICY.weights.embargoed_end_user_via_third_country
    assert "listed if its open parameters reach the thresholds" in catch_all.detail
    assert "2021/821 art. 4(1)(b)" in catch_all.detail


def test_forwarder_consignee_for_machinery(ref: ReferenceData) -> None:
    s = make_shipment(
        parties=[{"role": "shipper", "name": "A"}, {"role": "consignee", "name": "Al Noor General Trading LLC"}],
        goods=[{"description": "CNC horizontal lathes for metal", "hs_code": "845811"}],
    )
    assert Indicator.FORWARDER_MACHINERY in indicators(extractor(ref).extract(s))
    clothes = make_shipment(parties=s.parties, goods=[{"description": "Cotton T-shirts", "hs_code": "610910"}])
    assert Indicator.FORWARDER_MACHINERY not in indicators(extractor(ref).extract(clothes))


@pytest.mark.parametrize(
    ("verdict", "hs", "expected"),
    [
        (RadiationVerdict.THREAT, "731815", Indicator.RADIATION_THREAT),
        (RadiationVerdict.NORM_EXPECTED, "690721", Indicator.RADIATION_NORM),
        (RadiationVerdict.NORM_EXPECTED, "847130", Indicator.RADIATION_UNRESOLVED),
        (RadiationVerdict.UNRESOLVED, "690721", Indicator.RADIATION_UNRESOLVED),
        (RadiationVerdict.CLEAR, "690721", None),
    ],
)
def test_radiation_verdicts(ref: ReferenceData, verdict: RadiationVerdict, hs: str, expected: Indicator | None) -> None:
    finding = RadiationFinding("CSQU3054383", verdict, ("K-40",), "test", "JPYOK")
    s = make_shipment(
        goods=[{"description": "Glazed ceramic wall tiles" if hs == "690721" else "goods", "hs_code": hs}]
    )
    found = indicators(extractor(ref, {"CSQU3054383": finding}).extract(s)) - {Indicator.HS_MISMATCH}
    assert found == ({expected} if expected else set())


def test_first_shipment_is_earliest_of_each_new_shipper() -> None:
    a1 = make_shipment(bill_of_lading="A1", departure_date=dt.date(2026, 11, 5))
    a0 = make_shipment(bill_of_lading="A0", departure_date=dt.date(2026, 11, 2))
    b = make_shipment(
        bill_of_lading="B", parties=[{"role": "shipper", "name": "Other"}, {"role": "consignee", "name": "X"}]
    )
    assert first_shipments([a1, a0, b]) == {"A0", "B"}
    assert first_shipments([a1, a0, b], known_shippers=["OTHER"]) == {"A0"}


def test_screening_and_classification_are_cached(ref: ReferenceData) -> None:
    ex = extractor(ref)
    for i in range(50):
        ex.extract(make_shipment(bill_of_lading=f"C{i}"))
    assert ex.screener.calls == 2  # type: ignore[attr-defined]
    assert ex.classifier.calls == 1  # type: ignore[attr-defined]


def test_rule_score_is_the_sum_of_policy_weights_and_explains_itself(ref: ReferenceData) -> None:
    s = make_shipment(route={"port_of_loading": "CNNGB", "transshipment": ["MYPKG"], "port_of_discharge": "LYTIP"})
    scored = RuleScorer(POLICY).score(extractor(ref).extract(s, first_shipment=True))
    expected = (
        POLICY.weights.transshipment_hub + POLICY.weights.destination.un_arms_embargo + POLICY.weights.first_shipment
    )
    assert scored.score == pytest.approx(expected)
    assert sum(r.points for r in scored.reasons) == pytest.approx(scored.score)
    assert [r.points for r in scored.reasons] == sorted((r.points for r in scored.reasons), reverse=True)
    assert scored.action is (Action.INSPECT if expected >= POLICY.thresholds.inspect else Action.REVIEW)


values = st.dictionaries(st.sampled_from(INDICATORS), st.floats(min_value=0, max_value=1, allow_nan=False), max_size=8)


@given(values, values)
def test_more_evidence_never_lowers_the_rule_score(a: dict[Indicator, float], b: dict[Indicator, float]) -> None:
    scorer = RuleScorer(POLICY)
    fa = Features("X", ("C",), tuple(Evidence(i, v, "") for i, v in a.items()))
    fab = Features("X", ("C",), fa.evidence + tuple(Evidence(i, v, "") for i, v in b.items()))
    assert scorer.score(fab).score >= scorer.score(fa).score - 1e-9
    assert scorer.score(fa).score == pytest.approx(sum(weight_of(POLICY, i) * v for i, v in a.items()))


def test_rank_orders_by_score_then_bill_of_lading() -> None:
    items = [
        Scored(bl, (), score, Action.RELEASE, ()) for bl, score in [("B", 5.0), ("A", 5.0), ("C", 9.0), ("D", 0.0)]
    ]
    ranked = rank(items)
    assert [s.bill_of_lading for s in ranked] == ["C", "A", "B", "D"]
    assert [s.rank for s in ranked] == [1, 2, 3, 4]


def test_parallel_look_ups_give_the_same_scores(ref: ReferenceData) -> None:
    from tripline.cargo.engine import score_local, score_parallel

    shipments = [
        make_shipment(
            bill_of_lading=f"P{i}",
            parties=[
                {"role": "shipper", "name": f"Shipper {i % 7}"},
                {"role": "consignee", "name": "Listed Trading Co"},
            ],
            goods=[{"description": f"Flow forming machine {i % 3}", "hs_code": "846390"}],
        )
        for i in range(40)
    ]
    scorer = RuleScorer(POLICY)
    serial = score_local(shipments, extractor(ref), scorer, set())
    forked = extractor(ref)
    parallel = score_parallel(shipments, forked, scorer, set(), workers=2)
    assert parallel == serial
    assert forked.screener.calls == 0  # type: ignore[attr-defined]  # the look-ups ran in the children
    assert len(forked._party_cache) == 8 and len(forked._goods_cache) == 3
