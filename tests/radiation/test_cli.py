from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.radiation.conftest import IdentifyCli
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.settings import REPO_DIR, Settings

from .conftest import SAMPLES


def _run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["radiation", *args], obj=AppContext(settings=settings))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def test_simulate_then_identify_n42(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "scan.n42"
    code, text = _run(settings, "simulate", "Cs-137", "--seed", "4", "--sigma", "15", "--out", str(out), "--json")
    assert code == 0
    assert json.loads(text)["adjudication"]["verdict"] == "industrial"
    code, text = _run(settings, "identify", str(out), "--json")
    assert code == 0
    payload = json.loads(text)
    (result,) = payload["results"]
    assert result["verdict"] == "industrial"
    cs = next(i for i in result["isotopes"] if i["nuclide"] == "Cs-137")
    assert abs(cs["peaks"][0]["found_keV"] - 661.657) < 20 and 0 < cs["confidence"] <= 1
    code, text = _run(settings, "identify", str(out))
    assert code == 0 and "Cs-137" in text


def test_identify_csv_with_separate_background(settings: Settings, tmp_path: Path) -> None:
    from tripline.radiation.readers.csvrows import write_csv
    from tripline.radiation.simulate import simulate_spectrum

    fg, bg = simulate_spectrum("HEU", "nai", sigma=40, seed=9)
    (tmp_path / "fg.csv").write_text(write_csv([fg]))
    (tmp_path / "bg.csv").write_text(write_csv([bg]))
    code, text = _run(
        settings, "identify", str(tmp_path / "fg.csv"), "--background", str(tmp_path / "bg.csv"), "--json"
    )
    assert code == 0
    assert json.loads(text)["results"][0]["verdict"] == "special_nuclear_material"


def test_ingest_occupancies_and_show_per_container(settings: Settings, tmp_path: Path) -> None:
    scans = tmp_path / "scans.jsonl"
    code, _ = _run(
        settings,
        "simulate",
        "granite",
        "--seed",
        "2",
        "--sigma",
        "15",
        "--container",
        "CSQU3054383",
        "--out",
        str(scans),
    )
    assert code == 0
    code, text = _run(settings, "ingest", str(scans), "--json")
    assert code == 0
    report = json.loads(text)
    assert report["occupancies"] == 1 and report["results"][0]["container"] == "CSQU3054383"
    verdict = report["results"][0]["verdict"]
    assert verdict in ("NORM", "of_concern")  # granite: cleared, or kept on doubt, never a nuclide
    code, text = _run(settings, "show", "CSQU3054383", "--json")
    assert code == 0
    (stored,) = json.loads(text)
    assert stored["verdict"] == verdict and stored["kind"] == "adjudication"
    assert stored["cleared"] is (verdict == "NORM")
    assert stored["result"]["alarm"]["gamma_alarm"] is True


def test_ingest_spectrum_file_needs_a_container(settings: Settings) -> None:
    from tripline.errors import InputError

    try:
        _run(settings, "ingest", str(SAMPLES / "sim_spec.spe"))
    except InputError as exc:
        assert exc.field == "container"
    else:  # pragma: no cover
        raise AssertionError("expected InputError")


def test_bad_file_exits_2_with_the_file_named(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    bad = tmp_path / "broken.n42"
    bad.write_text("<RadInstrumentData><RadMeasurement>")
    proc = identify_cli(bad)
    assert proc.returncode == 2
    assert "broken.n42" in proc.stderr and "XML" in proc.stderr


def test_identify_imports_neither_becquerel_nor_the_storage_layer_nor_scipy(tmp_path: Path) -> None:
    # a cold `tripline radiation identify` pays only for what it uses: becquerel (numba, 10-25 s)
    # only for the vendor formats read through it, SQLAlchemy only when something is stored, and
    # no scipy (0.5 s of CPU to import: the identifier's kernels are in radiation/numerics)
    sample = REPO_DIR / "data" / "radiation" / "becquerel_samples" / "Alcatraz14.Spc"
    script = (
        "import sys\n"
        "from tripline.cli.main import main\n"
        f"sys.argv = ['tripline', 'radiation', 'identify', {str(sample)!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('becquerel', 'numba', 'sqlalchemy', 'scipy') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_bad_energy_column_csv_exits_2_with_file_line_and_field(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text("# MeasurementTime,60\nEnergy_keV,Counts\n10.0,5\n12.0,x\n14.0,7\n")
    proc = identify_cli(bad)
    assert proc.returncode == 2
    assert "export.csv" in proc.stderr and "line 4" in proc.stderr and "counts" in proc.stderr
