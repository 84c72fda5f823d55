"""Gross-count alarm statistics of a radiation portal monitor occupancy.

The background rate of each panel is the one measured just before the occupancy (long count,
so its own error is neglected). Gamma: the excess of the summed panels over the whole
occupancy, and the best 1-s sliding window, against the pre-occupancy background reduced by
the expected baseline depression (a point source passing gives a peaked profile;
more trials, hence a higher threshold). Neutron: the Poisson tail probability of the counts
given the background, expressed in one-sided normal sigma.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.model import Occupancy
from tripline.radiation.result import AlarmStatistics


@dataclass(frozen=True)
class AlarmPolicy:
    gamma_sigma: float = 4.0  # whole-occupancy threshold
    window_sigma: float = 5.0  # sliding-window threshold
    window_s: float = 1.0
    neutron_sigma: float = 4.0
    # Expected mean shadowing of the natural background by a loaded container ("baseline
    # depression", a few to 15 %): the occupancy background is the pre-occupancy rate x (1 - this).
    baseline_depression: float = 0.05


DEFAULT_ALARM_POLICY = AlarmPolicy()


def alarm_statistics(occupancy: Occupancy, policy: AlarmPolicy = DEFAULT_ALARM_POLICY) -> AlarmStatistics:
    counts = np.asarray(occupancy.gamma_counts, dtype=np.float64).sum(axis=1)
    bkg_slice = float(sum(occupancy.gamma_background_cps)) * occupancy.slice_s * (1.0 - policy.baseline_depression)
    expected = bkg_slice * counts.size
    gross_sigma = (float(counts.sum()) - expected) / math.sqrt(expected) if expected > 0 else 0.0
    width = max(1, min(counts.size, round(policy.window_s / occupancy.slice_s)))
    window = np.convolve(counts, np.ones(width), mode="valid")
    window_expected = bkg_slice * width
    max_window = float((window.max() - window_expected) / math.sqrt(window_expected)) if window_expected > 0 else 0.0
    n_expected = occupancy.neutron_background_cps * occupancy.duration_s
    if n_expected > 0:
        # Poisson tail, normal quantile: scipy.special (0.3-0.5 s to import) only for occupancies
        from scipy.special import ndtri, pdtrc

        tail = (
            float(pdtrc(occupancy.neutron_counts - 1, n_expected)) if occupancy.neutron_counts > 0 else 1.0
        )  # P(N >= n)
        neutron_sigma = float(-ndtri(min(max(tail, 1e-300), 1.0))) if tail < 0.5 else 0.0
    else:
        neutron_sigma = 0.0
    return AlarmStatistics(
        gross_sigma=gross_sigma,
        max_window_sigma=max_window,
        neutron_sigma=neutron_sigma,
        gamma_alarm=gross_sigma >= policy.gamma_sigma or max_window >= policy.window_sigma,
        neutron_alarm=neutron_sigma >= policy.neutron_sigma,
        monitor_alarm=occupancy.monitor_alarm,
    )
