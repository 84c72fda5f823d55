"""The RadiaCode detector model's own channel grid (:func:`tripline.radiation.physics.default_calibration`: 1024
channels to 3000 keV), for the tests that build spectra on it."""

from __future__ import annotations

from tripline.radiation.library import detector
from tripline.radiation.physics import default_calibration

DET = "radiacode"
N = detector(DET).channels
CAL = default_calibration(detector(DET))
EDGES = CAL.edges(N)
CENTERS = 0.5 * (EDGES[:-1] + EDGES[1:])
LOW = detector(DET).low_kev
