"""Am-241's 59.5-keV line read below a rise the turn-on test took for a discriminator's edge
(``Policy.am241_under_turn_on``, :func:`tripline.radiation.identify._line_under_turn_on`). A strong 59.5-keV line
on a RadiaCode-101's slow natural rise makes that rise sharp; the turn-on test then put the line out of reach and the
spectrum was cleared. Real dev spectra (tests/data/radiation_real.csv) and dev ``--masked`` cells (bench/README.md,
amlow)."""

from __future__ import annotations

import pytest

from tests.radiation.policy_check import DEV, dev_case_ids, verdicts_on_off
from tests.realdata import masked_host, need_shared_data, turn_on_case
from tripline.radiation.identify import Policy, identify
from tripline.radiation.model import Verdict

ON = Policy(am241_under_turn_on=True)
OFF = Policy(am241_under_turn_on=False)
FISICAS = "fisicas:Am-241_energy_calibrated"
MORRO = "radiacode:2024-04-17_Morro_do_Ferro"
DANUBE = "radiacode:Sediment_Danube--2024-03-02 13-22-16"
CALDASITE = "radiacode:2024-04-17_Caldasite"
READ_BELOW = "below the rise, the 59.5-keV line stands"


@pytest.mark.parametrize(
    ("host", "source", "filed"),
    [
        (MORRO, FISICAS, True),
        (MORRO, FISICAS, False),
        (DANUBE, FISICAS, True),
        (DANUBE, "ckuethe:data_am241", True),
        (CALDASITE, FISICAS, True),
        (CALDASITE, "ckuethe:data_am241", True),
    ],
)
def test_an_am241_source_at_ten_percent_is_not_cleared(host: str, source: str, filed: bool) -> None:
    """Real dev hosts with a real Am-241 source at 10 % of their counts (``tests.realdata.masked_host``, the
    ``--masked`` cells): cleared with the policy off (the line's own flank read as a turn-on), referred with it on."""
    need_shared_data()
    mixed, background = masked_host(DEV[host], DEV[source], 0.1)
    judged = background if filed else None
    off = identify(mixed, judged, policy=OFF)
    assert off.verdict.cleared
    assert any("a line within it cannot be told from the turn-on's edge" in r for r in off.reasons)
    result = identify(mixed, judged, policy=ON)
    assert result.verdict is Verdict.OF_CONCERN
    assert any(READ_BELOW in r and "Am-241 or the turn-on's edge, not cleared" in r for r in result.reasons)
    assert "Am-241" not in [m.nuclide for m in result.isotopes]  # not named: the edge is not excluded


@pytest.mark.parametrize("case_id", dev_case_ids())
def test_real_dev_norm_and_background_verdicts_are_unchanged(case_id: str) -> None:
    """Every real dev NORM and background spectrum, as filed and alone, keeps its verdict with the policy on."""
    for on, off in verdicts_on_off(DEV[case_id], ON, OFF):
        assert on is off


def test_the_cost_a_turn_on_edge_is_referred_not_cleared() -> None:
    """The cost, pinned: the dev lead-shielded background cut smoothly at 45 keV (``--turn-on``) was released as
    background; its turn-on edge reads as a 59.5-keV line (7.0 sigma, centroid 62.1 keV) and it is referred."""
    case = DEV["spodzone:background"]
    fg, bg = case.spectra()[0]
    cut = turn_on_case(case, fg, 45.0)
    assert identify(cut, bg, policy=OFF).verdict is Verdict.BACKGROUND
    result = identify(cut, bg, policy=ON)
    assert result.verdict is Verdict.OF_CONCERN
    assert any(READ_BELOW in r for r in result.reasons)
