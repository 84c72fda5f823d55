"""A man-made candidate whose main line ``chainfit.is_narrow`` judges a hump (the 1 cm3 CsI scatter hump at
100-200 keV, a Compton edge) is not dropped silently when another of its lines stands as a photopeak clear of
what the chain fit puts there (``chainfit.other_line_stands``). Dev split only: the masked cells below were
cleared before (bench --masked, branch narrow), the clean dev NORM/background rows must not be touched."""

from __future__ import annotations

import pytest

from tests.realdata import RealCase, load_cases, masked_host, need_shared_data
from tripline.radiation.identify import identify

CASES = {c.case_id: c for c in load_cases() if c.split == "dev"}
STANDS = "stands as a photopeak"


def _case(case_id: str) -> RealCase:
    case = CASES[case_id]
    if case.store == "shared":
        need_shared_data()
    return case


# (host, source, fraction, with host background?, the line that stands (keV, NNDC NuDat 3))
MOVED = [
    # Co-60 1173.2 keV on the Uraninite's Compton continuum judged a hump; 1332.5 keV stands at 6.8 sigma
    ("radiacode:2024-04-17_Uraninite", "ckuethe:Co60_a", 0.1, True, "1332.5"),
    ("radiacode:2024-04-17_Uraninite", "ckuethe:Co60_a", 0.1, False, "1332.5"),
    # Co-60 in the Caldasite, no background: 1332.5 keV stands at 4.2 sigma
    ("radiacode:2024-04-17_Caldasite", "ckuethe:Co60_a", 0.1, False, "1332.5"),
    # Eu-152 121.8 keV on the scatter hump of a background host, no background spectrum: 344.3 keV stands
    ("dmamontov:bg-natural", "ckuethe:Eu152_b", 0.3, False, "344.3"),
]


@pytest.mark.parametrize(("host_id", "source_id", "fraction", "with_bg", "line"), MOVED)
def test_masked_source_with_a_standing_other_line_is_not_cleared(
    host_id: str, source_id: str, fraction: float, with_bg: bool, line: str
) -> None:
    mixed, bg = masked_host(_case(host_id), _case(source_id), fraction)
    result = identify(mixed, bg if with_bg else None)
    assert not result.verdict.cleared, result.verdict
    assert any(STANDS in r and f"its {line}-keV line" in r for r in result.reasons), result.reasons


@pytest.mark.parametrize("case_id", sorted(c.case_id for c in CASES.values() if c.group in ("NORM", "background")))
def test_rule_never_fires_on_clean_dev_norm_or_background(case_id: str) -> None:
    fg, bg = _case(case_id).spectra()[0]
    for background in (bg, None):
        result = identify(fg, background)
        assert not any(STANDS in r for r in result.reasons), (background is not None, result.reasons)
