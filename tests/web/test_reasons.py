"""Reasons in words: one that adds no points says "no points: ..." wherever it is shown (queue,
container page, case file), never a signed raise like "+0.00"; one that adds points shows them."""

from __future__ import annotations

import re

import pytest

from tripline.cases.evidence import evidence_lines
from tripline.web.targeting import points_words, reason_line

RAISE = re.compile(r"\+\d")


@pytest.mark.parametrize("points", [0.0, -0.0, 0.001, -0.004])
def test_no_points_is_not_a_raise(points: float) -> None:
    assert points_words(points) == "no points"
    line = reason_line(
        "radiation.norm_expected", points, "container MSCU1234566: NORM (K-40) consistent with declared goods"
    )
    assert line.startswith("no points: ") and not RAISE.search(line)


@pytest.mark.parametrize(("points", "shown"), [(2.5, "+2.50"), (0.75, "+0.75"), (-1.0, "-1.00")])
def test_points_that_count_are_shown_signed(points: float, shown: str) -> None:
    assert points_words(points) == shown
    assert not reason_line("controlled_goods", points, "HS 845961 on the control list").startswith("no points")


def test_the_bundled_policy_gives_norm_as_declared_no_points_and_the_scorer_drops_it() -> None:
    """The reason that must read "no points" is the one the policy weighs 0: NORM the goods explain."""
    from tripline.cargo.indicators import Evidence, Features, Indicator
    from tripline.cargo.policy import load_policy
    from tripline.cargo.scoring import RuleScorer, weight_of

    policy = load_policy()
    assert weight_of(policy, Indicator.RADIATION_NORM) == 0
    norm = Evidence(Indicator.RADIATION_NORM, 1.0, "container MSCU1234566: NORM (K-40) consistent with declared goods")
    goods = Evidence(Indicator.CONTROLLED_GOODS, 1.0, "HS 845961 on the control list")
    scored = RuleScorer(policy).score(Features("BL1", ("MSCU1234566",), (norm, goods)))
    assert [r.indicator for r in scored.reasons] == ["controlled_goods"]
    assert scored.score == pytest.approx(weight_of(policy, Indicator.CONTROLLED_GOODS))


def test_case_file_lines_say_no_points() -> None:
    details = {
        "score": 3.0,
        "action": "review",
        "reasons": [
            {"indicator": "radiation.norm_expected", "words": "Radiation portal: natural radioactivity as declared",
             "points": 0.0, "detail": "container MSCU1234566: NORM (K-40) consistent with declared goods"},
            {"indicator": "controlled_goods", "words": "Goods on a control list", "points": 3.0,
             "detail": "HS 845961 on the control list", "source": "EU 2021/821"},
        ],
    }  # fmt: skip
    lines = evidence_lines(details)
    (zero,) = [line for line in lines if "natural radioactivity" in line]
    assert zero.startswith("No points: ") and not RAISE.search(zero)
    (raised,) = [line for line in lines if "control list" in line]
    assert raised.startswith("Reason +3.0 Goods on a control list") and raised.endswith("(EU 2021/821)")
