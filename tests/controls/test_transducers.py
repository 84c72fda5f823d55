"""2B230 pressure transducers: absolute or gauge, sensing material, full scale and accuracy.

Rules from the 2B230 text (EU Annex I 2021 / CCL): absolute pressure; sensing elements of
aluminium, alumina/sapphire, nickel, nickel alloy > 60 % Ni or fully fluorinated polymers; full
scale < 13 kPa with accuracy better than 1 % FS, or >= 13 kPa with better than 130 Pa at 13 kPa.
Compositions: INCONEL 600 Ni 72 % (Special Metals), HASTELLOY C-276 Ni 57 % (Haynes)."""

from __future__ import annotations

import pytest

from tripline.controls.classify import Classifier
from tripline.controls.schema import GoodsQuery, Listed


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("Capacitance manometer, 1 Torr full scale, Inconel diaphragm, accuracy 0.12% of reading", Listed.YES),
        ("Absolute pressure transducer 0-1000 mbar, alumina ceramic diaphragm, accuracy 0.05% FS", Listed.YES),
        # 0.5 % of 100 kPa = 500 Pa at 13 kPa: not better than 130 Pa
        ("Absolute pressure transducer 0-1 bar, sapphire sensor, accuracy 0.5% FS", Listed.NO),
        ("Absolute pressure sensor 0-10 Torr, 316L stainless steel diaphragm, accuracy 0.2% FS", Listed.NO),
        ("Pressure transmitter 0-16 bar gauge, Hastelloy C-276 diaphragm, accuracy 0.1% FS", Listed.NO),
        ("Pirani vacuum gauge", Listed.UNKNOWN),
    ],
)
def test_pressure_transducers(classifier: Classifier, text: str, listed: Listed) -> None:
    v = classifier.classify(GoodsQuery(description=text)).verdict
    assert v.listed is listed, text
    if listed is not Listed.NO:
        assert v.eu_code == "2B230"
