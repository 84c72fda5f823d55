"""The registry of watch lists: ``sources.yaml`` validated into :class:`SourceSpec` objects.

The bundled registry lists every file under ``data/watchlists/``; ``Settings.lists_sources``
may name one more YAML file of the same shape (a partner authority's own lists), whose
sources are added after the bundled ones. Any problem raises :class:`ConfigError` naming
the YAML file, the line and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tripline import yamlfile
from tripline.errors import ConfigError, InputError
from tripline.lists.model import SourceSpec
from tripline.settings import Settings

BUNDLED_SOURCES = Path(__file__).resolve().parent / "sources.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
# FollowTheMoney topics a list may give its entities (subset of followthemoney's topic type).
KNOWN_TOPICS = frozenset(
    {"sanction", "sanction.linked", "sanction.counter", "export.control", "export.risk", "debarment", "crime", "poi"}
)


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    format: str
    licence: str
    files: list[str] = Field(min_length=1)
    urls: list[str] = []
    description: str = ""
    attribution: str = ""
    topics: list[str] = []
    program: str = ""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be lower-case letters, digits and '_' (2-63 characters), starting with a letter")
        return value

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        from tripline.lists.formats import FORMATS

        if value not in FORMATS:
            raise ValueError(f"unknown format {value!r}; known: {', '.join(sorted(FORMATS))}")
        return value

    @field_validator("files")
    @classmethod
    def _relative_files(cls, value: list[str]) -> list[str]:
        for item in value:
            path = Path(item)
            if path.is_absolute() or ".." in path.parts:
                raise ValueError(f"{item!r} must be a path relative to the data folder, without '..'")
        return value

    @field_validator("urls")
    @classmethod
    def _http_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("https://", "http://")):
                raise ValueError(f"{url!r} is not an http(s) address")
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - KNOWN_TOPICS)
        if unknown:
            raise ValueError(f"unknown topics {unknown}; known: {sorted(KNOWN_TOPICS)}")
        return value

    @model_validator(mode="after")
    def _urls_match_files(self) -> _Source:
        if self.urls and len(self.urls) != len(self.files):
            raise ValueError(f"{len(self.urls)} urls for {len(self.files)} files: give one url per file, or none")
        return self


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    licences: dict[str, str] = {}
    sources: list[_Source]

    @model_validator(mode="after")
    def _consistent(self) -> _Registry:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"source id {source.id!r} is given twice")
            seen.add(source.id)
        return self


def load_sources(settings: Settings) -> list[SourceSpec]:
    """Every configured list: the bundled registry, then ``settings.lists_sources`` if set."""
    specs = load_sources_file(BUNDLED_SOURCES)
    extra = settings.lists_sources
    if extra is not None:
        bundled_licences = _read_yaml(BUNDLED_SOURCES).get("licences", {})
        more = load_sources_file(Path(extra), known_licences=bundled_licences)
        ids = {spec.id for spec in specs}
        for spec in more:
            if spec.id in ids:
                raise ConfigError(f"source id {spec.id!r} is already a bundled source", file=extra, field="id")
        specs.extend(more)
    return specs


def get_source(settings: Settings, source_id: str) -> SourceSpec:
    for spec in load_sources(settings):
        if spec.id == source_id:
            return spec
    raise ConfigError(f"unknown source {source_id!r}", field="source")


def load_sources_file(path: Path, known_licences: dict[str, str] | None = None) -> list[SourceSpec]:
    """Validate one registry file into specs; errors name the file, line and field."""
    raw = _read_yaml(path)
    try:
        registry = _Registry.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        raise ConfigError(
            first["msg"].removeprefix("Value error, "),
            file=path,
            line=_line_of(path, loc),
            field=".".join(str(part) for part in loc),
        ) from exc
    licences = {**(known_licences or {}), **registry.licences}
    specs = []
    for index, source in enumerate(registry.sources):
        if source.licence not in licences:
            raise ConfigError(
                f"licence {source.licence!r} is not among the licences {sorted(licences)}",
                file=path,
                line=_line_of(path, ("sources", index, "licence")),
                field=f"sources.{index}.licence",
            )
        specs.append(
            SourceSpec(
                id=source.id,
                title=source.title,
                publisher=source.publisher,
                format=source.format,
                files=tuple(source.files),
                licence=licences[source.licence],
                urls=tuple(source.urls),
                description=source.description,
                licence_id=source.licence,
                attribution=source.attribution,
                topics=tuple(source.topics),
                program=source.program,
            )
        )
    return specs


def source_paths(spec: SourceSpec, data_dir: Path) -> list[Path]:
    """The files of ``spec`` under ``data_dir``; ``name`` may be stored as ``name.gz``."""
    paths = []
    for rel in spec.files:
        path = data_dir / rel
        if not path.exists():
            gz = path.with_name(path.name + ".gz")
            if gz.exists():
                path = gz
            else:
                raise InputError(f"file of source {spec.id!r} not found (nor {gz.name})", file=path)
        paths.append(path)
    return paths


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read sources file: {exc.strerror or exc}", file=path) from exc
    try:
        data = yamlfile.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}", file=path, line=mark.line + 1 if mark else None
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError("a sources file must be a mapping with a 'sources' list", file=path)
    return data


def _line_of(path: Path, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    try:
        node: Any = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
