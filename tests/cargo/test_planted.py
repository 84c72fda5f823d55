"""End to end on the real capabilities: the planted shipments of the demo rank at the top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tripline.cargo.engine import target_file
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.run import radiation_for
from tripline.settings import Settings


@pytest.mark.slow
def test_planted_shipments_rank_at_the_top_with_their_reasons(
    demo_2000: Path, e2e_settings: Settings, real_matchers_built: tuple[PartyScreener, GoodsClassifier]
) -> None:
    planted = json.loads(demo_2000.with_name(demo_2000.name + ".planted.json").read_text())["planted"]
    run = target_file(
        demo_2000,
        settings=e2e_settings,
        policy=load_policy(),
        matchers=lambda _s: real_matchers_built,
        radiation=radiation_for(demo_2000),
    )
    assert run.errors == [] and run.shipments == 2000
    by_bl = {s.bill_of_lading: s for s in run.ranked}
    ranks = {p["scenario"]: by_bl[p["bill_of_lading"]].rank for p in planted}
    reasons = {p["scenario"]: {r.indicator for r in by_bl[p["bill_of_lading"]].reasons} for p in planted}
    assert ranks["limmt_flow_forming"] <= 3
    assert {"party_hit.shipper", "party_hit.consignee", "destination.un_arms_embargo"} <= reasons["limmt_flow_forming"]
    assert ranks["yokohama_cs137"] <= 10
    assert "radiation.threat" in reasons["yokohama_cs137"]
    # within the 1 % a port inspects (the demo's background illicit traffic competes for the top)
    assert ranks["cmm_chinese_intermediary_syrian_end_user"] <= 0.01 * run.shipments
    assert {"end_user_elsewhere", "destination.policy", "embargoed_end_user_via_third_country"} <= reasons[
        "cmm_chinese_intermediary_syrian_end_user"
    ]
    # a NORM alarm the declared ceramics explain is a nuisance (issue 17): it adds no points (the
    # container page shows the verdict), so the shipment ranks below every planted threat and outside
    # the 1 % inspected, however many open-parameter goods matches the queue holds
    norm = by_bl[next(p["bill_of_lading"] for p in planted if p["scenario"] == "yokohama_norm_ceramics")]
    assert not {"radiation.norm_expected", "radiation.unresolved"} & reasons["yokohama_norm_ceramics"]
    assert norm.action.value != "inspect" and norm.rank > 0.01 * run.shipments
    threats = [by_bl[p["bill_of_lading"]] for p in planted if p["scenario"] != "yokohama_norm_ceramics"]
    assert all(s.action.value == "inspect" for s in threats)
    assert all(s.rank < norm.rank for s in threats)
