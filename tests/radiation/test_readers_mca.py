"""Amptek MCA text spectra. One real file (``REAL``: an Amptek PX5 spectrum of a Mini-X X-ray tube,
Apache-2.0, tests/data/radiation_extra/README.md) is read and checked against what its text states;
the other files here are small fixtures written by hand from the published layout (``<<PMCA
SPECTRUM>>`` header, ``<<CALIBRATION>>``, ``<<DATA>>`` ... ``<<END>>``, then DP5 blocks): these are
NOT measurements. Random corruptions raise nothing but FormatError; the CLI exits 2 and ingest stores
nothing on a bad file."""

from __future__ import annotations

import contextlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.radiation.conftest import IdentifyCli
from tripline.errors import FormatError, InputError
from tripline.radiation.identify import identify
from tripline.radiation.readers import read_spectra
from tripline.radiation.readers.mca import parse_mca
from tripline.radiation.service import ingest_file
from tripline.store.db import Database

from .test_ingest import _rows

COUNTS = [0, 3, 17, 250, 1200, 260, 40, 12, 5, 2]
# a real Amptek DppMCA file, CRLF as upstream (PADRESat/padre_meddea, padre_meddea/data/test/)
REAL = Path(__file__).resolve().parents[1] / "data" / "radiation_extra" / "padre_minix_20kV_15uA_sdd.mca"


def _mca(
    *,
    live: str = "109.680000",
    cal: tuple[str, ...] = ("LABEL - keV", "0 10", "9 100"),
    counts: list[int] | None = None,
    end: bool = True,
    mcac: int | None = 10,
) -> bytes:
    """A hand-written MCA file (not a measurement) in the layout Amptek's software writes."""
    lines = [
        "<<PMCA SPECTRUM>>",
        "TAG - live_data",
        "DESCRIPTION - NaI(Tl) 2x2 hand fixture",
        "GAIN - 2",
        "THRESHOLD - 0",
        "LIVE_MODE - 0",
        "PRESET_TIME - 120",
        f"LIVE_TIME - {live}",
        "REAL_TIME - 120.000000",
        "START_TIME - 10/03/2011 10:16:08",
        "SERIAL_NUMBER - 1668",
    ]
    if cal:
        lines += ["<<CALIBRATION>>", *cal]
    lines += ["<<DATA>>", *(str(c) for c in (COUNTS if counts is None else counts))]
    if end:
        lines += ["<<END>>", "<<DP5 CONFIGURATION>>", "RESC=?;    Reset Configuration"]
        if mcac is not None:
            lines.append(f"MCAC={mcac};    MCA/MCS Channels")
        lines += ["<<DP5 CONFIGURATION END>>", "<<DPP STATUS>>", "Serial Number: 1668", "<<DPP STATUS END>>"]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_hand_written_file_reads_field_by_field() -> None:
    s = parse_mca(_mca(), source="x.mca")
    assert s.counts.tolist() == COUNTS and s.total_counts == sum(COUNTS)
    assert s.live_time_s == 109.68 and s.real_time_s == 120.0
    assert s.start_time == datetime(2011, 10, 3, 10, 16, 8)
    assert s.calibration is not None
    assert s.calibration.energy([0, 9]).tolist() == pytest.approx([10.0, 100.0])  # the two points, linear
    assert s.detector == "nai" and s.spectrum_id == "x" and s.meta["tag"] == "live_data"


def test_three_points_fit_a_quadratic_and_units_scale() -> None:
    s = parse_mca(_mca(cal=("LABEL - keV", "0 0", "4 50", "9 120")), source="x.mca")
    assert s.calibration is not None and len(s.calibration.coefficients) == 3
    assert s.calibration.energy([0, 4, 9]).tolist() == pytest.approx([0.0, 50.0, 120.0])
    ev = parse_mca(_mca(cal=("LABEL - eV", "0 10000", "9 100000")), source="x.mca")
    assert ev.calibration is not None and ev.calibration.energy([9]).tolist() == pytest.approx([100.0])
    assert parse_mca(_mca(cal=()), source="x.mca").calibration is None


def test_reads_inside_a_zip_and_gzip(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("run/cs137.mca", _mca())
    (s,) = read_spectra(archive)
    assert s.source == f"{archive}!run/cs137.mca" and s.counts.tolist() == COUNTS


@pytest.mark.parametrize(
    ("data", "line", "field", "reason"),
    [
        (b"", None, None, "empty"),
        (b"\x00\x01<<PMCA SPECTRUM>>", None, None, "binary"),
        (b"$SPEC_ID:\n", 1, "PMCA SPECTRUM", "not an Amptek"),
        (_mca(end=False), None, "DATA", "cut short"),
        (_mca(counts=[1]), None, "DATA", "at least 2"),
        (_mca(counts=[1, -2, 3], mcac=3), None, "DATA", "non-negative integer"),
        (_mca(counts=[1, 2.5, 3], mcac=3), None, "DATA", "non-negative integer"),  # type: ignore[list-item]
        (_mca(live="abc"), 8, "LIVE_TIME", "not a number"),
        (_mca(live="nan"), 8, "LIVE_TIME", "finite"),
        (_mca(live="0"), 8, "LIVE_TIME", "not positive"),
        (_mca(mcac=1024), None, "MCAC", "sets 1024 channels"),
        (_mca(cal=("LABEL - keV", "0 10")), None, "CALIBRATION", "at least two"),
        (_mca(cal=("LABEL - keV", "0 10", "0 20")), None, "CALIBRATION", "twice"),
        (_mca(cal=("LABEL - keV", "0 100", "9 10")), None, "CALIBRATION", "do not increase"),
        (_mca(cal=("LABEL - keV", "0 10", "9 inf")), None, "CALIBRATION", "finite"),
        (_mca(cal=("LABEL - keV", "0 10", "9")), None, "CALIBRATION", "channel energy"),
    ],
)
def test_bad_input_is_a_format_error_naming_line_and_field(
    data: bytes, line: int | None, field: str | None, reason: str
) -> None:
    with pytest.raises(FormatError, match=reason) as err:
        parse_mca(data, source="bad.mca")
    assert err.value.file == "bad.mca" and err.value.field == field
    if line is not None:
        assert err.value.line == line


def test_a_bad_count_names_its_line() -> None:
    with pytest.raises(FormatError) as err:
        parse_mca(_mca(counts=[1, 2, 3, 4, "x"], mcac=5), source="bad.mca")  # type: ignore[list-item]
    assert (err.value.line, err.value.field) == (21, "DATA")  # 11 header + 4 calibration + <<DATA>> + 5th count


def test_a_windows_1252_description_reads() -> None:
    s = parse_mca(_mca().replace(b"hand fixture", b"Pr\xfcfstrahler"), source="x.mca")
    assert "Prüfstrahler" in s.meta["description"]


@settings(max_examples=150, deadline=None)
@given(at=st.integers(0, 600), value=st.integers(0, 255), cut=st.booleans())
def test_corruptions_raise_only_format_error(at: int, value: int, cut: bool) -> None:
    raw = _mca()
    data = raw[:at] if cut else raw[:at] + bytes([value]) + raw[at + 1 :]
    with contextlib.suppress(FormatError):
        parse_mca(data, source="x.mca")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        parse_mca(b"<<PMCA SPECTRUM>>\n" + data, source="x.mca")


def test_identify_cli_exits_2_on_a_bad_file(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    bad = tmp_path / "cut.mca"
    bad.write_bytes(_mca(end=False))
    proc = identify_cli(bad)
    assert proc.returncode == 2
    assert "cut.mca" in proc.stderr and "field 'DATA'" in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_stores_nothing_of_a_bad_file(any_db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.mca"
    bad.write_bytes(_mca(mcac=4096))
    with pytest.raises(FormatError):
        ingest_file(any_db, bad, container="CSQU3054383")
    assert _rows(any_db) == (0, 0, 0)
    good = tmp_path / "good.mca"
    good.write_bytes(_mca())
    assert ingest_file(any_db, good, container="CSQU3054383").spectra == 1


def _raw_data_lines(path: Path) -> list[str]:
    """The lines between ``<<DATA>>`` and ``<<END>>`` of a file, split by plain text (not by the reader)."""
    text = path.read_bytes().decode("ascii")
    return text.split("<<DATA>>\r\n", 1)[1].split("<<END>>", 1)[0].split()


def test_a_real_amptek_file_reads_as_its_text_states() -> None:
    # the file's own statements: LIVE_TIME - 8994.994673, REAL_TIME - 9252.206000, START_TIME - 06/07/2024
    # 12:04:33, MCAC=2048 (DP5 configuration), four calibration points ("LABEL - Channel", energies in keV);
    # the counts total 65028866 (awk over the <<DATA>> lines), the "Slow Count: 65028866" its DPP STATUS
    # block reports: the device's own count of the pulses it binned
    assert len(REAL.read_bytes()) == 15484
    lines = _raw_data_lines(REAL)
    assert len(lines) == 2048 and sum(int(v) for v in lines) == 65028866
    (spectrum,) = read_spectra(REAL)
    assert spectrum.n_channels == 2048
    assert int(spectrum.counts.sum()) == 65028866
    assert [int(c) for c in spectrum.counts[14:19]] == [0, 0, 193719, 112213, 24244]
    assert spectrum.live_time_s == pytest.approx(8994.994673)
    assert spectrum.real_time_s == pytest.approx(9252.206)
    assert spectrum.start_time == datetime(2024, 6, 7, 12, 4, 33)
    assert spectrum.calibration is not None
    for channel, kev in ((552.31, 5.9), (607.2, 6.49), (1299.82, 13.95), (1651.47, 17.75)):
        # four points, a least-squares quadratic: each point within 0.01 keV
        energy = sum(c * channel**i for i, c in enumerate(spectrum.calibration.coefficients))
        assert energy == pytest.approx(kev, abs=0.01)
    assert spectrum.edges_kev()[-1] == pytest.approx(22.04, abs=0.01)
    # the tallest channel of each <<ROI>> the file sets sits on a gold line of the tube's target, as the
    # source's documentation lists them (Au M-alpha1 2.1229, L-l 8.4939, L-alpha1 9.7133, L-beta1 11.4423,
    # L-gamma1 13.3817 keV): the calibration is read in keV and in the right order
    centers = spectrum.centers_kev()
    rois = ((150, 250), (770, 820), (850, 950), (1040, 1120), (1230, 1270))
    for (lo, hi), line_kev in zip(rois, (2.1229, 8.4939, 9.7133, 11.4423, 13.3817), strict=True):
        tallest = lo + int(spectrum.counts[lo:hi].argmax())
        assert centers[tallest] == pytest.approx(line_kev, abs=0.07)


def test_an_x_ray_spectrum_is_refused_by_name_not_by_a_numpy_error(identify_cli: IdentifyCli) -> None:
    # the real file ends at 22 keV, below every detector model's low edge: identify said "SVD did not
    # converge" (numpy LinAlgError, a traceback) before; now an InputError naming file and field, exit 2
    (spectrum,) = read_spectra(REAL)
    with pytest.raises(InputError, match=r"ends at 22\.0 keV"):
        identify(spectrum)
    proc = identify_cli(REAL)
    assert proc.returncode == 2
    assert "padre_minix_20kV_15uA_sdd.mca" in proc.stderr and "field 'calibration'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ingest_of_the_x_ray_spectrum_stores_nothing(any_db: Database) -> None:
    # identified before the one transaction: the refusal leaves no spectrum and no result behind
    with pytest.raises(InputError, match="low edge"):
        ingest_file(any_db, REAL, container="CSQU3054383")
    assert _rows(any_db) == (0, 0, 0)
