"""Reference data loaded from YAML: gamma-line library, detector models and simulator sources.

Validated with pydantic at load; a bad file raises :class:`~tripline.errors.ConfigError` naming
the file and the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tripline.errors import ConfigError
from tripline.radiation.model import Category

PACKAGE_DIR = Path(__file__).resolve().parent
NUCLIDES_FILE = PACKAGE_DIR / "nuclides.yaml"
DETECTORS_FILE = PACKAGE_DIR / "detectors.yaml"
SOURCES_FILE = PACKAGE_DIR / "sources.yaml"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class GammaLine(_Spec):
    energy_kev: float = Field(alias="energy_keV", gt=0, lt=20000)
    intensity: float = Field(gt=0, le=200.0, description="photons per 100 decays")
    parent: str | None = None
    group: str | None = None


class Nuclide(_Spec):
    name: str
    category: Category
    per: str
    source: str
    lines: tuple[GammaLine, ...] = Field(min_length=1)
    # fit column of a group that also carries a fixed share of another group's lines
    # (Ra-226 keeps at least part of its radon progeny): {group: {linked group: share}}
    group_links: dict[str, dict[str, float]] = Field(default_factory=dict)

    @field_validator("group_links")
    @classmethod
    def _links(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for group, linked in value.items():
            for other, share in linked.items():
                if not 0 < share <= 1:
                    raise ValueError(f"share of {other!r} in {group!r} must be in (0, 1]")
        return value


class Fwhm(_Spec):
    a: float = Field(ge=0)
    b: float = Field(ge=0)
    c: float = Field(ge=0, default=0.0)


class DetectorModel(_Spec):
    name: str = ""
    label: str
    kind: Literal["scintillator", "hpge", "plastic"]
    channels: int = Field(gt=8, le=65536)
    max_kev: float = Field(alias="max_keV", gt=100)
    low_kev: float = Field(alias="low_keV", ge=0)
    # lowest energy the device type records at all (its data sheet); a spectrum's own usable low
    # edge (where its counts begin, :func:`tripline.radiation.spectral.usable_low_kev`) is never
    # taken below it. None: the modelled threshold ``low_keV``.
    floor_kev: float | None = Field(default=None, alias="floor_keV", ge=0)
    fwhm: Fwhm
    tau_compton: float = Field(gt=0)
    tau_photo: float = Field(ge=0)
    full_absorb_after_compton: float = Field(ge=0, le=1)
    background_cps: float = Field(gt=0)

    @property
    def has_photopeaks(self) -> bool:
        return self.kind != "plastic"

    def fwhm_kev(self, energy_kev: float) -> float:
        f = self.fwhm
        return math.sqrt(f.a**2 + f.b * energy_kev + f.c * energy_kev**2)

    def fwhm_kev_each(self, energies_kev: Iterable[float]) -> list[float]:
        """:meth:`fwhm_kev` of every energy (the same arithmetic, without a call per energy)."""
        a2, b, c = self.fwhm.a**2, self.fwhm.b, self.fwhm.c
        return [math.sqrt(a2 + b * e + c * e**2) for e in energies_kev]


class SourceSpec(_Spec):
    name: str = ""
    kind: Literal["background", "NORM", "industrial", "medical", "special_nuclear_material"]
    mix: dict[str, float]
    neutron_cps: float = Field(default=0.0, ge=0)

    @field_validator("mix")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        for key, activity in value.items():
            if not activity > 0:
                raise ValueError(f"activity of {key!r} must be positive")
        return value


class Library(_Spec):
    background_lines_kev: tuple[float, ...] = Field(default=(), alias="background_lines_keV")
    shield_lines_kev: tuple[float, ...] = Field(default=(), alias="shield_lines_keV")
    nuclides: tuple[Nuclide, ...]

    def get(self, name: str) -> Nuclide:
        for nuclide in self.nuclides:
            if nuclide.name == name:
                return nuclide
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nuclides)


def _load_yaml(path: Path) -> object:
    try:
        with path.open("r", encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ConfigError(f"cannot read reference data: {exc.strerror}", file=path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"invalid YAML: {exc}", file=path, line=mark.line + 1 if mark else None) from exc


def _config_error(path: Path, exc: ValidationError) -> ConfigError:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return ConfigError(first["msg"], file=path, field=loc)


def load_library(path: Path = NUCLIDES_FILE) -> Library:
    """Load and validate a gamma-line library."""
    raw = _load_yaml(path)
    try:
        library = Library.model_validate(raw)
    except ValidationError as exc:
        raise _config_error(path, exc) from exc
    if len(set(library.names)) != len(library.names):
        raise ConfigError("nuclide names must be unique", file=path, field="nuclides")
    for nuclide in library.nuclides:
        groups = {line.group for line in nuclide.lines}
        for group, linked in nuclide.group_links.items():
            for name in (group, *linked):
                if name not in groups:
                    raise ConfigError(f"group {name!r} has no lines", file=path, field=f"{nuclide.name}.group_links")
    return library


def load_detectors(path: Path = DETECTORS_FILE) -> dict[str, DetectorModel]:
    raw = _load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("detectors"), dict):
        raise ConfigError("expected a mapping 'detectors'", file=path, field="detectors")
    out: dict[str, DetectorModel] = {}
    for name, body in raw["detectors"].items():
        try:
            out[str(name)] = DetectorModel.model_validate({**body, "name": str(name)})
        except (ValidationError, TypeError) as exc:
            if isinstance(exc, ValidationError):
                raise ConfigError(exc.errors()[0]["msg"], file=path, field=f"detectors.{name}") from exc
            raise ConfigError("detector entry must be a mapping", file=path, field=f"detectors.{name}") from exc
    return out


def load_sources(path: Path = SOURCES_FILE, library: Library | None = None) -> dict[str, SourceSpec]:
    raw = _load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), dict):
        raise ConfigError("expected a mapping 'sources'", file=path, field="sources")
    known = set((library or default_library()).names)
    out: dict[str, SourceSpec] = {}
    for name, body in raw["sources"].items():
        try:
            spec = SourceSpec.model_validate({**(body or {}), "name": str(name)})
        except ValidationError as exc:
            raise ConfigError(exc.errors()[0]["msg"], file=path, field=f"sources.{name}") from exc
        for nuclide in spec.mix:
            if nuclide not in known:
                raise ConfigError(f"unknown nuclide {nuclide!r}", file=path, field=f"sources.{name}.mix")
        out[str(name)] = spec
    return out


@lru_cache(maxsize=1)
def default_library() -> Library:
    """The bundled library (read once, on first use)."""
    return load_library()


@lru_cache(maxsize=1)
def default_detectors() -> dict[str, DetectorModel]:
    return load_detectors()


@lru_cache(maxsize=1)
def default_sources() -> dict[str, SourceSpec]:
    return load_sources()


def detector(name: str) -> DetectorModel:
    models = default_detectors()
    if name not in models:
        raise ConfigError(f"unknown detector {name!r}; known: {', '.join(sorted(models))}", field="detector")
    return models[name]
