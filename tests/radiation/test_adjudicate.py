from __future__ import annotations

from tripline.radiation.adjudicate import adjudicate
from tripline.radiation.alarm import alarm_statistics
from tripline.radiation.model import Occupancy, Verdict
from tripline.radiation.simulate import simulate_occupancy


def test_occupancy_without_source_raises_no_alarm_and_is_background() -> None:
    scan = simulate_occupancy("none", "nai", seed=11, baseline_depression=0.05)
    result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    assert not result.alarm.gamma_alarm and not result.alarm.neutron_alarm
    assert result.verdict is Verdict.BACKGROUND


def test_strong_source_alarms_and_is_kept() -> None:
    scan = simulate_occupancy("Co-60", "nai", seed=12, sigma=15)
    result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    assert result.alarm.gamma_alarm
    assert result.verdict is Verdict.INDUSTRIAL and not result.cleared


def test_plutonium_neutrons_are_never_cleared() -> None:
    scan = simulate_occupancy("WGPu", "nai", seed=13, sigma=6)
    result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    assert result.alarm.neutron_alarm
    assert result.verdict in (Verdict.OF_CONCERN, Verdict.SNM)
    assert any("neutron" in r for r in result.reasons)


def test_gamma_alarm_without_spectrum_goes_to_secondary() -> None:
    scan = simulate_occupancy("granite", "nai", seed=14, sigma=15)
    result = adjudicate(scan.occupancy)
    assert result.alarm.gamma_alarm
    assert result.verdict is Verdict.OF_CONCERN
    with_spectrum = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    assert with_spectrum.verdict is Verdict.NORM


def test_alarm_statistics_from_counts() -> None:
    # 4 panels x 10 slices of 0.1 s at 1000 cps each -> expected 100 per slice and panel
    flat = tuple((100, 100, 100, 100) for _ in range(10))
    occ = Occupancy("o", None, 0.1, flat, (1000.0,) * 4, neutron_counts=40, neutron_background_cps=4.0)
    from tripline.radiation.alarm import AlarmPolicy

    stats = alarm_statistics(occ, AlarmPolicy(baseline_depression=0.0))
    assert stats.gross_sigma == 0.0
    assert stats.neutron_alarm  # 40 counts where 4 are expected
    hot = (*tuple((100, 100, 100, 100) for _ in range(9)), (400, 400, 100, 100))
    stats = alarm_statistics(Occupancy("h", None, 0.1, hot, (1000.0,) * 4), AlarmPolicy(baseline_depression=0.0))
    assert stats.gross_sigma == (600 / 4000**0.5)
    assert stats.gamma_alarm
