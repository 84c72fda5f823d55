"""NPES JSON spectra (Open Gamma Project): the format's own example file, read against numbers
checked by hand in it; the calibration and every refusal on small fixtures written here by hand from
the published schema (``schema/npes-2.schema.json``; they are not measurements); random corruptions of
the real file raise nothing but FormatError; CLI exit 2 and ingest storing nothing on a bad file."""

from __future__ import annotations

import contextlib
import gzip
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tripline.radiation.readers as readers
from tests.conftest import BUNDLED_DATA
from tests.radiation.conftest import IdentifyCli
from tripline.errors import FormatError, TooLargeError
from tripline.radiation.readers import pair_spectra, read_spectra
from tripline.radiation.readers.npes import parse_npes
from tripline.radiation.service import ingest_file
from tripline.store.db import Database

from .test_ingest import _rows

SAMPLE = BUNDLED_DATA / "radiation" / "npes_samples" / "example1.json"


def _doc(**spectrum: Any) -> dict[str, Any]:
    """A hand-written NPESv2 document (not a measurement): 4 channels, 10 s, linear calibration."""
    energy = {
        "numberOfChannels": 4,
        "measurementTime": 10,
        "spectrum": [1, 2, 3, 4],
        "energyCalibration": {"polynomialOrder": 1, "coefficients": [-5.0, 3.0]},
    }
    energy.update(spectrum)
    return {"schemaVersion": "NPESv2", "data": [{"resultData": {"energySpectrum": energy}}]}


def _bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


def test_the_real_example_reads_as_checked_by_hand() -> None:
    fg, bg = read_spectra(SAMPLE)
    assert (fg.role, bg.role) == ("foreground", "background")
    assert fg.spectrum_id == bg.spectrum_id == "example1"
    assert fg.n_channels == bg.n_channels == 256
    assert (fg.live_time_s, bg.live_time_s) == (86843.0, 86516.0)
    assert fg.counts[:6].tolist() == [0, 0, 659, 2134, 2388, 1529] and fg.counts[-1] == 1357
    assert bg.counts[:6].tolist() == [0, 0, 60, 195, 361, 503] and bg.counts[-1] == 1354
    assert (fg.total_counts, bg.total_counts) == (60800, 30266)  # the file's validPulseCount of each
    assert fg.meta["valid_pulse_count"] == 60800 and bg.meta["valid_pulse_count"] == 30266
    assert fg.detector == bg.detector == "radiacode"  # deviceName "RadiaCode-101"
    assert fg.calibration is None  # the example states none
    assert fg.start_time == datetime(2023, 1, 19, 16, 14, 50)  # 17:14:50+01:00 in UTC
    ((pair_fg, pair_bg),) = pair_spectra([fg, bg])
    assert pair_fg is fg and pair_bg is bg


def test_the_real_example_reads_inside_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("spectra/mushrooms.json", SAMPLE.read_bytes())
        zf.writestr("readme.txt", b"x")
    fg, bg = read_spectra(archive)
    assert fg.source == f"{archive}!spectra/mushrooms.json" and fg.spectrum_id == "mushrooms"
    assert fg.total_counts == 60800 and bg.role == "background"


def test_calibration_v1_layout_and_several_packages() -> None:
    (s,) = parse_npes(_bytes(_doc()), source="x.json")
    assert s.calibration is not None and s.calibration.coefficients == (-5.0, 3.0)
    assert s.total_counts == 10 and s.live_time_s == 10.0
    v1 = {"schemaVersion": "NPESv1", "resultData": _doc()["data"][0]["resultData"]}
    assert parse_npes(_bytes(v1), source="x.json")[0].counts.tolist() == [1, 2, 3, 4]
    two = _doc()
    two["data"].append({"resultData": {"backgroundEnergySpectrum": _doc()["data"][0]["resultData"]["energySpectrum"]}})
    a, b = parse_npes(_bytes(two), source="x.json")
    assert (a.spectrum_id, a.role, b.spectrum_id, b.role) == ("x[0]", "foreground", "x[1]", "background")
    zero = _doc(energyCalibration={"polynomialOrder": 1, "coefficients": [0, 0]})
    assert parse_npes(_bytes(zero), source="x.json")[0].calibration is None


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (b"", None, "empty file"),
        (b"\xff\xfe{", None, "not UTF-8"),
        (b'{"schemaVersion": "NPESv2", "data": [', None, "not valid JSON"),
        (b'{"schemaVersion": "NPESv2", "data": NaN}', None, "not valid JSON"),
        (b"[1, 2]", "$", "JSON object"),
        (_bytes({"schemaVersion": "NPESv3", "data": []}), "schemaVersion", "not an NPES"),
        (_bytes({"schemaVersion": "NPESv2", "data": []}), "data", "non-empty"),
        (_bytes(_doc(spectrum=[1, 2, 3])), "data[0].resultData.energySpectrum.spectrum", "holds 3"),
        (_bytes(_doc(spectrum=[1, -2, 3, 4])), "data[0].resultData.energySpectrum.spectrum[1]", "non-negative"),
        (_bytes(_doc(spectrum=[1, 2.5, 3, 4])), "data[0].resultData.energySpectrum.spectrum[1]", "non-negative"),
        (_bytes(_doc(spectrum=[1, "2", 3, 4])), "data[0].resultData.energySpectrum.spectrum[1]", "non-negative"),
        (_bytes(_doc(numberOfChannels="4")), "data[0].resultData.energySpectrum.numberOfChannels", "integer"),
        (_bytes(_doc(measurementTime=0)), "data[0].resultData.energySpectrum.measurementTime", "positive"),
        (
            _bytes(_doc(energyCalibration={"polynomialOrder": 2, "coefficients": [0, 1]})),
            "data[0].resultData.energySpectrum.energyCalibration.coefficients",
            "needs 3",
        ),
        (
            _bytes(_doc(energyCalibration={"polynomialOrder": 1, "coefficients": [10, -1]})),
            "data[0].resultData.energySpectrum.energyCalibration.coefficients",
            "do not increase",
        ),
        (
            b'{"schemaVersion":"NPESv2","data":[{"resultData":{"energySpectrum":{"numberOfChannels":2,'
            b'"measurementTime":1,"spectrum":[1,1],"energyCalibration":{"polynomialOrder":1,"coefficients":[1e999,1]}}}}]}',
            "data[0].resultData.energySpectrum.energyCalibration.coefficients[0]",
            "finite",
        ),
        (_bytes({"schemaVersion": "NPESv2", "data": [{"resultData": {}}]}), "data[0].resultData", "neither"),
        (_bytes({"schemaVersion": "NPESv2", "data": [{}]}), "data[0].resultData", "missing"),
    ],
)
def test_bad_input_is_a_format_error_naming_the_field(data: bytes, field: str | None, reason: str) -> None:
    with pytest.raises(FormatError, match=reason) as err:
        parse_npes(data, source="bad.json")
    assert err.value.file == "bad.json" and err.value.field == field


def test_a_json_syntax_error_names_the_line() -> None:
    with pytest.raises(FormatError) as err:
        parse_npes(b'{\n"schemaVersion": "NPESv2",\n"data": [}\n', source="bad.json")
    assert err.value.line == 3


def test_a_bad_start_time_is_refused() -> None:
    doc = _doc()
    doc["data"][0]["resultData"].update(startTime="yesterday", endTime="2023-01-19T16:14:50+01:00")
    with pytest.raises(FormatError, match="ISO") as err:
        parse_npes(_bytes(doc), source="bad.json")
    assert err.value.field == "data[0].resultData.startTime"


@settings(max_examples=150, deadline=None)
@given(at=st.integers(0, 2235), value=st.integers(0, 255), cut=st.booleans())
def test_corrupting_the_real_file_raises_only_format_error(at: int, value: int, cut: bool) -> None:
    raw = bytearray(SAMPLE.read_bytes())
    data = bytes(raw[:at]) if cut else bytes(raw[:at]) + bytes([value]) + bytes(raw[at + 1 :])
    try:
        spectra = parse_npes(data, source="x.json")
    except FormatError:
        return
    assert all(s.n_channels == 256 for s in spectra)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "schemaVersion",
                        "data",
                        "resultData",
                        "energySpectrum",
                        "spectrum",
                        "numberOfChannels",
                        "measurementTime",
                    ]
                ),
                c,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_random_json_raises_only_format_error(doc: Any) -> None:
    if isinstance(doc, dict):
        doc = {**doc, "schemaVersion": "NPESv2"}
    with contextlib.suppress(FormatError):
        parse_npes(json.dumps(doc).encode(), source="x.json")


def test_identify_cli_exits_2_on_a_bad_file_and_reads_the_sample(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    bad = tmp_path / "short.json"
    bad.write_bytes(_bytes(_doc(spectrum=[1, 2, 3])))
    proc = identify_cli(bad)
    assert proc.returncode == 2
    assert "short.json, field 'data[0].resultData.energySpectrum.spectrum'" in proc.stderr
    assert "Traceback" not in proc.stderr
    ok = identify_cli(SAMPLE)
    assert ok.returncode == 0 and "radiacode" in ok.stdout


def test_ingest_stores_nothing_of_a_bad_file(any_db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(_bytes(_doc(spectrum=[1, 2, 3, -4])))
    with pytest.raises(FormatError):
        ingest_file(any_db, bad, container="CSQU3054383")
    assert _rows(any_db) == (0, 0, 0)
    good = tmp_path / "good.json"
    good.write_bytes(SAMPLE.read_bytes())
    report = ingest_file(any_db, good, container="CSQU3054383")
    assert len(report.results) == 1 and report.spectra >= 1


def test_gzip_of_the_sample_reads(tmp_path: Path) -> None:
    gz = tmp_path / "example1.json.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    fg, _ = read_spectra(gz)
    assert np.array_equal(fg.counts, read_spectra(SAMPLE)[0].counts)


def test_a_file_over_the_size_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)  # the sample is 2236 bytes
    with pytest.raises(TooLargeError, match="limit 1000"):
        read_spectra(SAMPLE)
