"""The bundled policy orders evidence as the export-control principles say (issue 16), tested on cases
built from the principle, not from the demo queue:

- the textbook catch-all case (a control-list item, listed or only possibly listed, for an end user
  in a country under EU and US arms embargo, consigned to an intermediary in a third country)
  outranks any lone party look-alike (a name match short of exact, on any role);
- it outranks the same item for an end user in a country under no embargo (same intermediary);
- it outranks the same route with goods that match no control-list entry;
- it outranks the same item shipped directly to the embargoed country (the diversion pattern is
  what the catch-all adds; a direct shipment is scored by its destination alone);
- and that direct shipment, transshipped at a hub, still outranks any lone look-alike: every
  country of the policy's embargoes is a destination of concern (before, Belarus was not: a
  possibly listed item consigned to Minsk through Jebel Ali earned 20.5 points, below a 0.95 name
  match on a consignee, 26.25).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cargo.conftest import BUNDLED, make_shipment
from tests.cargo.standins import StandInRadiation
from tripline.cargo.indicators import Indicator, IndicatorExtractor
from tripline.cargo.model import Shipment
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsMatch, PartyHit
from tripline.cargo.reference import load_reference
from tripline.cargo.scoring import RuleScorer

POLICY = load_policy()
REF = load_reference(BUNDLED)
SCORER = RuleScorer(POLICY)
# third countries with a real port, none under embargo nor among the policy's destinations
PORTS = {"CN": "CNSHA", "TR": "TRMER", "IN": "INNSA", "MY": "MYPKG", "DE": "DEHAM"}
EMBARGOED = sorted(e.country for e in POLICY.embargoes)
ITEM = "Coordinate measuring machine with probe head"
CLEAN = "Cotton T-shirts, knitted"


class Classifier:
    """The item matches a control-list entry with the given confidence (1.0 listed, 0.5 possibly)."""

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence

    def classify_goods(self, description: str, hs_code: str) -> list[GoodsMatch]:
        if description != ITEM:
            return []
        return [GoodsMatch(entry="2B006", title="measuring systems", regimes=("WA",), score=self.confidence)]


class Screener:
    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def screen_party(self, name: str, country: str | None) -> list[PartyHit]:
        score = self.scores.get(name)
        return [] if score is None else [PartyHit(list_name=name.upper(), source="test list", score=score)]


NAMES: dict[str, float] = {}  # look-alike name -> its match score (each name once: the extractor caches)
EXTRACTORS = {
    c: IndicatorExtractor(POLICY, REF, screener=Screener(NAMES), classifier=Classifier(c), radiation=StandInRadiation())
    for c in (0.5, 1.0)
}


def _points(s: Shipment, confidence: float) -> tuple[float, set[str]]:
    scored = SCORER.score(EXTRACTORS[confidence].extract(s))
    return scored.score, {r.indicator for r in scored.reasons}


def _shipment(goods: str, consignee: str, end_user: str, discharge: str) -> Shipment:
    return make_shipment(
        parties=[
            {"role": "shipper", "name": "Yokohama Aoba Trading Co., Ltd.", "country": "JP"},
            {"role": "consignee", "name": "Wayholdings Intermediary Ltd.", "country": consignee},
            {"role": "end_user", "name": "Technical Engineering Co.", "country": end_user},
        ],
        goods=[{"description": goods, "hs_code": "903180"}],
        route={"port_of_loading": "JPYOK", "port_of_discharge": discharge},
    )


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(EMBARGOED),
    st.sampled_from(sorted(PORTS)),
    st.sampled_from(sorted(PORTS)),
    st.sampled_from([0.5, 1.0]),
    st.sampled_from(["shipper", "consignee", "notify", "end_user"]),
    st.floats(POLICY.party_match_threshold, 0.999),
)
def test_the_catch_all_case_outranks_each_weaker_pattern(
    embargoed: str, third: str, elsewhere: str, confidence: float, role: str, name_score: float
) -> None:
    catch_all, lines = _points(_shipment(ITEM, third, embargoed, PORTS[third]), confidence)
    assert Indicator.EMBARGOED_END_USER.value in lines
    # the same item for an end user under no embargo, through the same intermediary
    free, free_lines = _points(_shipment(ITEM, third, elsewhere, PORTS[third]), confidence)
    assert Indicator.EMBARGOED_END_USER.value not in free_lines and free < catch_all
    # the same route with goods no control list names
    clean, _ = _points(_shipment(CLEAN, third, embargoed, PORTS[third]), confidence)
    assert clean < catch_all
    # the same item consigned to the end user's own country (a port there when it has one; KP, SY,
    # IR and BY ports are on UN/LOCODE): a direct shipment, scored by its destination
    port = next(code for code in ("SYLTK", "IRBND", "KPNAM", "BYMSQ") if code[:2] == embargoed)
    direct, direct_lines = _points(_shipment(ITEM, embargoed, embargoed, port), confidence)
    assert Indicator.EMBARGOED_END_USER.value not in direct_lines and direct < catch_all
    via_hub = _shipment(ITEM, embargoed, embargoed, port).model_copy(
        update={
            "route": _shipment(ITEM, embargoed, embargoed, port).route.model_copy(update={"transshipment": ["AEJEA"]})
        }
    )
    hubbed, hub_lines = _points(via_hub, confidence)
    assert Indicator.TRANSSHIPMENT_HUB.value in hub_lines and any(x.startswith("destination.") for x in hub_lines)
    # a lone party look-alike (short of an exact match) on any role, nothing else
    parties = [
        {"role": "shipper", "name": "Plain Shipper Co.", "country": "JP"},
        {"role": "consignee", "name": "Plain Consignee Co.", "country": "US"},
        {"role": role, "name": f"Almost Listed Co. {name_score!r}", "country": "US"},
    ]
    parties = [p for p in parties[:2] if p["role"] != role] + [parties[2]]
    lone = make_shipment(parties=parties)
    NAMES[f"Almost Listed Co. {name_score!r}"] = name_score
    look_alike, lone_lines = _points(lone, confidence)
    assert lone_lines <= {f"party_hit.{role}"}
    if name_score >= POLICY.party_match_threshold + 0.01:  # below, the points round to nothing
        assert lone_lines == {f"party_hit.{role}"}
    assert look_alike < catch_all
    assert look_alike < hubbed
