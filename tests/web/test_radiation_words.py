"""An unresolved radiation alarm whose own spectrum reads below background (gross counts under 0
sigma) is worded "alarm not backed by the spectrum", never "alarm not resolved"; one the spectrum
backs keeps the unresolved wording. The detail text is the one cargo's radiation indicator writes
from the bridge's explanation (``tripline.cargo.indicators``)."""

from __future__ import annotations

import pytest

from tripline.web.targeting import reason_line, reason_words


def unresolved_detail(sigma: float | None) -> str:
    """The detail of a radiation.unresolved reason, as cargo's indicator writes it."""
    from tripline.cargo.indicators import Indicator, radiation_evidence
    from tripline.cargo.ports import RadiationFinding, RadiationVerdict

    said = "" if sigma is None else f"spectrum: gross counts {sigma:+.1f} sigma against background (ratio 0.133)"
    explanation = f"[radiation] of_concern: {said}"
    finding = RadiationFinding("MSCU1234566", RadiationVerdict.UNRESOLVED, (), explanation, "JPYOK")
    (evidence,) = radiation_evidence(finding, False, 4.0)
    assert evidence.indicator is Indicator.RADIATION_UNRESOLVED
    return evidence.detail


@pytest.mark.parametrize("sigma", [-0.9, -3.2, -0.1])
def test_alarm_below_background_is_not_backed_by_the_spectrum(sigma: float) -> None:
    detail = unresolved_detail(sigma)
    words = reason_words("radiation.unresolved", detail)
    assert "alarm not backed by the spectrum" in words
    assert "not resolved" not in words
    assert reason_line("radiation.unresolved", 1.0, detail) == words


@pytest.mark.parametrize("sigma", [0.0, 0.4, 4.2, 18.2])
def test_alarm_the_spectrum_backs_stays_unresolved(sigma: float) -> None:
    words = reason_words("radiation.unresolved", unresolved_detail(sigma))
    assert "alarm not resolved" in words and "not backed" not in words


def test_without_a_spectrum_figure_the_alarm_stays_unresolved() -> None:
    assert "alarm not resolved" in reason_words("radiation.unresolved", unresolved_detail(None))


def test_only_the_unresolved_indicator_is_reworded() -> None:
    detail = unresolved_detail(-0.9)
    assert "not backed" not in reason_words("radiation.threat", detail)
