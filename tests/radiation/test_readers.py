"""Readers: every real vendor file reads with its calibration; bad input -> FormatError naming the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tripline.errors import FormatError, NotFoundError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import pair_spectra, read_spectra
from tripline.radiation.readers.csvrows import parse_csv, write_csv
from tripline.radiation.readers.n42 import parse_duration, parse_n42, write_n42

from .conftest import SAMPLES

# channels and live times as listed in data/radiation/SOURCES.md (the provenance table)
VENDOR = {
    "SGM102432.spe": (4094, 300),
    "nai_detector.spe": (1001, 3600),
    "digibase_5min_30_1.spe": (1024, 296),
    "sim_spec.spe": (1024, 100),
    "1110C_NAA_cave_background_May_2017.spe.gz": (16384, 437_817),
    "1110C_NAA_cave_pottery.Spe.gz": (16384, 16_543),
    "Mendocino_07-10-13_Acq-10-10-13.Spe.gz": (8192, 595_642),
    "Mendocino_07-10-13_Acq-10-10-13.h5.gz": (8192, 595_642),
    "Alcatraz14.Spc": (8192, 900),
    "converted_Alcatraz14.spe": (8192, 900),
    "01122014152731-GT01122014182338-GA37.4963000N-GO122.4633000W.cnf.gz": (4096, 841),
    "converted_01122014152731-GT01122014182338-GA37.4963000N-GO122.4633000W.spe": (4096, 841),
    **{f"hpge_dummy_test_{k}.iec": (2048, 3564) for k in ("01", "02a", "02b", "03", "04", "05")},
}
# HPGe files measured outdoors or in a lead cave: the K-40 line must sit at 1460.8 keV
K40_FILES = [
    "Alcatraz14.Spc",
    "01122014152731-GT01122014182338-GA37.4963000N-GO122.4633000W.cnf.gz",
    "1110C_NAA_cave_background_May_2017.spe.gz",
    "Mendocino_07-10-13_Acq-10-10-13.Spe.gz",
]


def test_every_vendor_file_in_the_folder_is_covered() -> None:
    files = {p.name for p in SAMPLES.iterdir() if p.suffix.lower() not in (".md", ".txt")}
    assert files == set(VENDOR)


@pytest.mark.parametrize("name", sorted(VENDOR))
def test_vendor_file_reads(name: str) -> None:
    (spectrum,) = read_spectra(SAMPLES / name)
    channels, live = VENDOR[name]
    assert spectrum.n_channels == channels
    assert spectrum.live_time_s == pytest.approx(live, abs=1.0)
    assert spectrum.total_counts > 0
    if name in ("SGM102432.spe", "nai_detector.spe", "digibase_5min_30_1.spe", "sim_spec.spe"):
        assert spectrum.calibration is None  # listed as uncalibrated / invalid calibration
    else:
        assert spectrum.is_calibrated
        top = float(spectrum.edges_kev()[-1])
        assert 1500 < top < 3200


@pytest.mark.parametrize("name", K40_FILES)
def test_calibration_puts_k40_where_physics_says(name: str) -> None:
    (spectrum,) = read_spectra(SAMPLES / name)
    centers = spectrum.centers_kev()
    window = (centers > 1440) & (centers < 1480)
    peak_at = centers[window][int(np.argmax(spectrum.counts[window]))]
    assert abs(peak_at - 1460.82) < 2.0


def test_truncated_vendor_file_gets_a_clear_error(tmp_path: Path) -> None:
    data = (SAMPLES / "Alcatraz14.Spc").read_bytes()
    bad = tmp_path / "cut.Spc"
    bad.write_bytes(data[:300])
    with pytest.raises(FormatError) as err:
        read_spectra(bad)
    assert err.value.file == str(bad)


def test_truncated_gzip_gets_a_clear_error(tmp_path: Path) -> None:
    data = (SAMPLES / "Mendocino_07-10-13_Acq-10-10-13.Spe.gz").read_bytes()
    bad = tmp_path / "cut.Spe.gz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError) as err:
        read_spectra(bad)
    assert err.value.file == str(bad)


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        read_spectra(tmp_path / "nope.spe")
    other = tmp_path / "x.doc"
    other.write_text("hello")
    with pytest.raises(FormatError, match="unknown spectrum format"):
        read_spectra(other)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600), st.sampled_from([".spe", ".Spc", ".cnf", ".iec"]))
def test_random_bytes_in_vendor_formats_raise_format_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    with pytest.raises(FormatError) as err:
        read_spectra(path)
    assert err.value.file == str(path)


@given(st.binary(max_size=400))
def test_random_bytes_as_n42_raise_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        parse_n42(data, source="x.n42")


@given(st.binary(max_size=400))
def test_random_bytes_as_csv_raise_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        parse_csv(data, source="x.csv")


spectra_st = st.builds(
    lambda counts, live, c0, c1, c2, role, sid: Spectrum(
        np.asarray(counts, dtype=np.int64), live, EnergyCalibration((c0, c1, c2)), spectrum_id=sid, role=role
    ),
    st.lists(st.integers(0, 2**40), min_size=2, max_size=64),
    st.floats(0.001, 1e6, allow_nan=False),
    st.floats(-50, 50, allow_nan=False),
    st.floats(0.05, 10, allow_nan=False),
    st.just(0.0),
    st.sampled_from(["foreground", "background"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,20}", fullmatch=True),
)


@given(spectra_st)
def test_n42_round_trip(spectrum: Spectrum) -> None:
    (back,) = parse_n42(write_n42([spectrum]))
    assert np.array_equal(back.counts, spectrum.counts)
    assert back.live_time_s == pytest.approx(spectrum.live_time_s, rel=1e-5)
    assert back.role == spectrum.role and back.spectrum_id == spectrum.spectrum_id
    assert back.calibration == spectrum.calibration


@given(spectra_st)
def test_csv_round_trip(spectrum: Spectrum) -> None:
    (back,) = parse_csv(write_csv([spectrum]).encode())
    assert np.array_equal(back.counts, spectrum.counts)
    assert back.live_time_s == spectrum.live_time_s
    assert back.calibration == spectrum.calibration


def test_n42_2006_with_counted_zeroes_and_pairing() -> None:
    doc = b"""<?xml version="1.0"?>
<N42InstrumentData xmlns="http://physics.nist.gov/Divisions/Div846/Gp4/ANSIN4242/2005/ANSIN4242">
 <Measurement>
  <Spectrum ID="item"><LiveTime>PT1M0.5S</LiveTime><RealTime>PT61S</RealTime>
   <Calibration Type="Energy"><Equation Model="Polynomial"><Coefficients>1 2.5 0</Coefficients></Equation></Calibration>
   <ChannelData Compression="CountedZeroes">5 0 3 7 1</ChannelData></Spectrum>
  <Spectrum ID="bkg"><SourceType>Background</SourceType><LiveTime>PT300S</LiveTime>
   <ChannelData>1 1 1 1 1 1</ChannelData></Spectrum>
 </Measurement>
</N42InstrumentData>"""
    fg, bg = parse_n42(doc, source="d.n42")
    assert fg.counts.tolist() == [5, 0, 0, 0, 7, 1]
    assert fg.live_time_s == 60.5 and fg.real_time_s == 61
    assert fg.calibration == EnergyCalibration((1.0, 2.5, 0.0))
    assert bg.role == "background"
    assert pair_spectra([fg, bg]) == [(fg, bg)]


def test_n42_errors_name_the_element() -> None:
    doc = (
        b"<RadInstrumentData><RadMeasurement id='m1'><Spectrum><LiveTimeDuration>PT1S</LiveTimeDuration>"
        b"</Spectrum></RadMeasurement></RadInstrumentData>"
    )
    with pytest.raises(FormatError) as err:
        parse_n42(doc, source="m.n42")
    assert err.value.file == "m.n42" and "m1" in (err.value.field or "")


def test_n42_refuses_entity_expansion() -> None:
    doc = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><RadInstrumentData>&a;</RadInstrumentData>'
    with pytest.raises(FormatError):
        parse_n42(doc, source="bomb.n42")


@given(st.integers(0, 10), st.integers(0, 59), st.floats(0, 59.999, allow_nan=False))
def test_duration(hours: int, minutes: int, seconds: float) -> None:
    text = f"PT{hours}H{minutes}M{seconds:.3f}S"
    expected = hours * 3600 + minutes * 60 + round(seconds, 3)
    assert parse_duration(text, source="s", field="f") == pytest.approx(expected)


def test_csv_errors_give_line_and_field(tmp_path: Path) -> None:
    head = "spectrum_id,role,live_time_s,ecal_c0_keV,ecal_c1_keV_per_ch,ecal_c2_keV_per_ch2,ch000,ch001,ch002\n"
    cases = [
        ("a,foreground,10,0,3,0,1,2,x\n", 2, "ch002"),
        ("a,sideways,10,0,3,0,1,2,3\n", 2, "role"),
        ("a,foreground,10,0,3,0,1,2,3\na,foreground,10,0,3,0,1,2,3\n", 3, "spectrum_id"),
        ("a,foreground,-1,0,3,0,1,2,3\n", 2, "live_time_s"),
        ("a,foreground,10,0,3,0,1,-2,3\n", 2, "ch001"),
    ]
    for body, line, field in cases:
        with pytest.raises(FormatError) as err:
            parse_csv((head + body).encode(), source="s.csv")
        assert (err.value.line, err.value.field) == (line, field), body
    gz = tmp_path / "ok.csv.gz"
    gz.write_bytes(gzip.compress((head + "a,foreground,10,0,3,0,1,2,3\na,background,20,0,3,0,1,1,1\n").encode()))
    fg, bg = read_spectra(gz)
    assert pair_spectra([fg, bg]) == [(fg, bg)]


CNF = "01122014152731-GT01122014182338-GA37.4963000N-GO122.4633000W.cnf.gz"


def test_native_cnf_reader_matches_becquerel() -> None:
    # becquerel (LBNL) is the independent reference for the binary layout; the native reader
    # spares the CLI its numba import
    from tripline.radiation.readers.vendor import read_vendor

    (native,) = read_spectra(SAMPLES / CNF)
    reference = read_vendor(SAMPLES / CNF)
    assert native.meta["reader"] == "tripline"
    assert np.array_equal(native.counts, reference.counts)
    assert native.live_time_s == pytest.approx(reference.live_time_s)
    assert native.real_time_s == pytest.approx(reference.real_time_s)
    assert native.start_time == reference.start_time
    assert np.allclose(native.edges_kev(), reference.edges_kev(), atol=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=40_000), st.integers(min_value=0, max_value=255))
def test_cut_or_corrupted_cnf_raises_format_error_or_reads(tmp_path: Path, at: int, value: int) -> None:
    data = bytearray(gzip.decompress((SAMPLES / CNF).read_bytes()))
    cut = tmp_path / "cut.cnf"
    cut.write_bytes(bytes(data[: at % len(data)]))
    with pytest.raises(FormatError) as err:
        read_spectra(cut)
    assert err.value.file == str(cut)
    data[at % len(data)] = value  # one byte changed: a clear error or a spectrum, never a traceback
    flipped = tmp_path / "flipped.cnf"
    flipped.write_bytes(bytes(data))
    try:
        (spectrum,) = read_spectra(flipped)
    except FormatError as exc:
        assert exc.file == str(flipped)
    else:
        assert spectrum.n_channels >= 256 and spectrum.live_time_s > 0


def test_native_spc_reader_matches_becquerel() -> None:
    from tripline.radiation.readers.vendor import read_vendor

    (native,) = read_spectra(SAMPLES / "Alcatraz14.Spc")
    reference = read_vendor(SAMPLES / "Alcatraz14.Spc")
    assert native.meta["reader"] == "tripline"
    assert np.array_equal(native.counts, reference.counts)
    assert native.live_time_s == pytest.approx(reference.live_time_s)
    # becquerel reads the whole seconds of the ASCII record, the header float keeps the fraction
    assert native.real_time_s == pytest.approx(reference.real_time_s, abs=1.0)
    assert native.start_time == reference.start_time
    assert np.allclose(native.edges_kev(), reference.edges_kev(), atol=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=35_839), st.integers(min_value=0, max_value=255))
def test_cut_or_corrupted_spc_raises_format_error_or_reads(tmp_path: Path, at: int, value: int) -> None:
    data = bytearray((SAMPLES / "Alcatraz14.Spc").read_bytes())
    cut = tmp_path / "cut.Spc"
    cut.write_bytes(bytes(data[: at % len(data)]))
    with pytest.raises(FormatError) as err:
        read_spectra(cut)
    assert err.value.file == str(cut)
    data[at] = value
    flipped = tmp_path / "flipped.Spc"
    flipped.write_bytes(bytes(data))
    try:
        (spectrum,) = read_spectra(flipped)
    except FormatError as exc:
        assert exc.file == str(flipped)
    else:
        assert spectrum.n_channels > 0 and spectrum.live_time_s > 0


# the two-column ``energy,counts`` CSV (hobbyist exports, e.g. tests/data/radiation_extra/)
energy_column_st = st.tuples(
    st.lists(st.integers(0, 2**40), min_size=3, max_size=64),
    st.integers(1, 10**6),
    st.floats(-50, 50, allow_nan=False),
    st.floats(0.05, 10, allow_nan=False),
    st.floats(0, 1e-3, allow_nan=False),
)


def _energy_column_text(counts: list[int], live: int, c0: float, c1: float, c2: float) -> str:
    rows = "".join(f"{c0 + c1 * i + c2 * i * i:.6f},{n}\n" for i, n in enumerate(counts))
    return f"# Name,RadiaCode-103\n# MeasurementTime,{live}\n\nEnergy_keV,Counts\n{rows}"


@given(energy_column_st)
def test_energy_column_csv_round_trip(case: tuple[list[int], int, float, float, float]) -> None:
    counts, live, c0, c1, c2 = case
    (back,) = parse_csv(_energy_column_text(counts, live, c0, c1, c2).encode(), source="e.csv")
    assert back.counts.tolist() == counts
    assert back.live_time_s == live and back.detector == "radiacode"
    assert back.calibration is not None
    expected = EnergyCalibration((c0, c1, c2)).energy(np.arange(len(counts)))
    assert np.allclose(back.calibration.energy(np.arange(len(counts))), expected, atol=1e-4)


def test_energy_column_csv_errors_name_line_and_field() -> None:
    good = _energy_column_text([5, 6, 7, 8], 100, 1.0, 2.0, 0.0)
    cases = [
        (good.replace("# MeasurementTime,100\n", ""), None, "live time"),
        (good.replace("# MeasurementTime,100", "# MeasurementTime,-3"), 2, "live time"),
        (good.replace("3.000000,6", "3.000000,-6"), 6, "counts"),
        (good.replace("3.000000,6", "3.000000,six"), 6, "counts"),
        (good.replace("5.000000,7", "0.500000,7"), 7, "energy"),
        (good.replace("5.000000,7", "5.000000,7,1"), 7, None),
        (good.replace("7.000000,8", "9.000000,8"), None, "energy"),  # not a quadratic in the channel
        ("# MeasurementTime,10\nEnergy_keV,Counts\n1,2\n", None, None),  # one channel
    ]
    for text, line, field in cases:
        with pytest.raises(FormatError) as err:
            parse_csv(text.encode(), source="e.csv")
        assert err.value.file == "e.csv"
        assert (err.value.line, err.value.field) == (line, field), (text, str(err.value))


def test_the_stored_energy_column_files_read() -> None:
    extra = Path(__file__).resolve().parents[1] / "data" / "radiation_extra"
    files = sorted(extra.glob("*.csv"))
    assert len(files) == 4
    for path in files:
        (spectrum,) = read_spectra(path)
        assert spectrum.n_channels == 1024 and spectrum.detector == "radiacode"
        assert spectrum.calibration is not None
        # the file's own energy column: 5.151421 keV at channel 0, 2884.211382 keV at channel 1023
        assert spectrum.calibration.energy(0.0) == pytest.approx(5.151421, abs=1e-5)
        assert spectrum.calibration.energy(1023.0) == pytest.approx(2884.211382, abs=1e-5)


def _counted_zeroes(counts: list[int]) -> str:
    """N42 CountedZeroes: each run of zeros written as 0 followed by its length."""
    out: list[str] = []
    i = 0
    while i < len(counts):
        if counts[i] == 0:
            j = i
            while j < len(counts) and counts[j] == 0:
                j += 1
            out += ["0", str(j - i)]
            i = j
        else:
            out.append(str(counts[i]))
            i += 1
    return " ".join(out)


def _n42_with(channel_data: str, compression: str = "CountedZeroes") -> bytes:
    return (
        '<RadInstrumentData xmlns="http://physics.nist.gov/N42/2011/N42"><RadMeasurement id="m">'
        "<Spectrum><LiveTimeDuration>PT10S</LiveTimeDuration>"
        f'<ChannelData compressionCode="{compression}">{channel_data}</ChannelData>'
        "</Spectrum></RadMeasurement></RadInstrumentData>"
    ).encode()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.just(0), st.integers(0, 5), st.integers(1, 10**6)), min_size=2, max_size=2048))
def test_n42_counted_zeroes_round_trip(counts: list[int]) -> None:
    # long runs of zeros (the sparse high-energy channels of a short RadiaCode spectrum) come back
    # channel for channel, as the plain encoding does
    (spectrum,) = parse_n42(_n42_with(_counted_zeroes(counts)), source="cz.n42")
    assert spectrum.counts.tolist() == counts
    (plain,) = parse_n42(_n42_with(" ".join(map(str, counts)), "None"), source="plain.n42")
    assert plain.counts.tolist() == counts


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("5 3 0", "a zero without its count"),
        ("5 0 0 7", "bad run length"),
        ("5 0 -2 7", "bad run length"),
        ("5 0 2.5 7", "bad run length"),
        ("5 0 2000000 7", "bad run length"),
        ("5 0 x 7", "non-numeric"),
    ],
)
def test_n42_counted_zeroes_errors_name_file_and_field(data: str, message: str) -> None:
    with pytest.raises(FormatError) as err:
        parse_n42(_n42_with(data), source="bad.n42")
    assert message in str(err.value)
    assert err.value.file == "bad.n42" and err.value.field == "ChannelData"
