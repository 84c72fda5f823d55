"""Spectrum readers: ANSI N42.42 XML (and RadiaCode's XML), the CSV layout of issue 5, ORTEC SPE
and SPC and Canberra CNF natively, and the other binary vendor formats (IEC 1455, becquerel
HDF5) through ``becquerel`` (imported only for those: its numba import costs 10-25 s).

Every reader returns a list of :class:`~tripline.radiation.model.Spectrum`; anything malformed
raises :class:`~tripline.errors.FormatError` naming the file (and line/element/field when known).
Files ending in ``.gz`` are decompressed transparently.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from tripline.errors import FormatError, InputError, NotFoundError, TooLargeError
from tripline.radiation.model import Spectrum

MAX_BYTES = 64 * 1024 * 1024
VENDOR_SUFFIXES = (".spe", ".spc", ".cnf", ".iec", ".h5")
N42_SUFFIXES = (".n42", ".xml")
CSV_SUFFIXES = (".csv",)


def _inner_suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def read_bytes(path: Path) -> bytes:
    """The file's content (decompressed if ``.gz``), refusing files over ``MAX_BYTES``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise NotFoundError("file not found", file=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from exc
    if size > MAX_BYTES:
        raise TooLargeError(f"file is {size} bytes, limit {MAX_BYTES}", file=path)
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                data = fh.read(MAX_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise FormatError(f"not a valid gzip file: {exc}", file=path) from exc
        if len(data) > MAX_BYTES:
            raise TooLargeError(f"decompressed content exceeds {MAX_BYTES} bytes", file=path)
    return data


def read_spectra(path: str | Path, *, fmt: str | None = None) -> list[Spectrum]:
    """Read every spectrum in a file; the format comes from ``fmt`` or the file suffix."""
    p = Path(path)
    kind = (fmt or _inner_suffix(p)).lower().lstrip(".")
    if kind in ("n42", "xml"):
        from tripline.radiation.readers.n42 import parse_n42

        return parse_n42(read_bytes(p), source=str(p))
    if kind == "csv":
        from tripline.radiation.readers.csvrows import parse_csv

        return parse_csv(read_bytes(p), source=str(p))
    if kind == "spc":
        from tripline.radiation.readers.spc import parse_spc

        return [parse_spc(read_bytes(p), source=str(p))]
    if kind == "cnf":
        from tripline.radiation.readers.cnf import parse_cnf

        return [parse_cnf(read_bytes(p), source=str(p))]
    if kind == "spe":
        from tripline.radiation.readers.spe import parse_spe

        return [parse_spe(read_bytes(p), source=str(p))]
    if "." + kind in VENDOR_SUFFIXES:
        from tripline.radiation.readers.vendor import read_vendor

        return [read_vendor(p)]
    raise FormatError(
        f"unknown spectrum format {kind!r}: expected one of n42, xml, csv, spe, spc, cnf, iec, h5 (optionally .gz)",
        file=p,
    )


def pair_spectra(spectra: list[Spectrum]) -> list[tuple[Spectrum, Spectrum | None]]:
    """(foreground, background or None) pairs by ``spectrum_id``; a single background in the file goes
    with every foreground; a file of backgrounds only is returned as foregrounds without background."""
    backgrounds = {s.spectrum_id: s for s in spectra if s.role == "background"}
    only = next(iter(backgrounds.values())) if len(backgrounds) == 1 else None
    pairs = [(s, backgrounds.get(s.spectrum_id, only)) for s in spectra if s.role != "background"]
    if not pairs and len(backgrounds) == len(spectra):
        return [(s, None) for s in spectra]
    return pairs


__all__ = ["pair_spectra", "read_bytes", "read_spectra"]
