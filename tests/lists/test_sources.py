"""The source registry: every bundled file belongs to one source, with its licence; bad YAML is caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.errors import ConfigError, InputError
from tripline.lists.formats import FORMATS, detect_format
from tripline.lists.model import LoadReport
from tripline.lists.sources import BUNDLED_SOURCES, get_source, load_sources, load_sources_file, source_paths
from tripline.settings import Settings


def test_every_bundled_watchlist_file_belongs_to_exactly_one_source(settings: Settings) -> None:
    specs = load_sources(settings)
    claimed: list[Path] = []
    for spec in specs:
        claimed.extend(source_paths(spec, settings.data_dir))
    on_disk = sorted(p for p in (BUNDLED_DATA / "watchlists").rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert sorted(claimed) == on_disk  # no file twice, none left out


def test_each_source_is_detected_as_its_own_format(settings: Settings) -> None:
    for spec in load_sources(settings):
        assert detect_format(source_paths(spec, settings.data_dir)) == spec.format, spec.id


def test_licences_follow_the_data_provenance(settings: Settings) -> None:
    specs = {spec.id: spec for spec in load_sources(settings)}
    assert specs["gb_hmt"].licence.startswith("Open Government Licence v3.0")
    assert "Public domain" in specs["us_ofac_sdn"].licence
    assert "UN Security Council" in specs["un_sc"].licence
    for spec in specs.values():
        if "OpenSanctions" in spec.publisher:
            assert spec.licence_id == "cc-by-nc-4" and "CC BY-NC 4.0" in spec.licence, spec.id
            assert "OpenSanctions" in spec.attribution
        assert spec.attribution, spec.id
        if spec.id == "us_csl_2023_subset":  # a frozen partial copy: nothing to update it from
            assert spec.urls == ()
            continue
        assert spec.urls and len(spec.urls) == len(spec.files), spec.id
        assert all(url.startswith("https://") for url in spec.urls), spec.id


def test_get_source(settings: Settings) -> None:
    assert get_source(settings, "un_sc").format == "un_xml"
    with pytest.raises(ConfigError, match="unknown source"):
        get_source(settings, "nope")


def _registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """\
licences:
  partner: "As agreed"
sources:
  - id: partner_list
    title: Partner list
    publisher: A partner authority
    format: ftm_json
    licence: partner
    files: [partner/list.jsonl]
"""


def test_a_good_registry_loads(tmp_path: Path) -> None:
    [spec] = load_sources_file(_registry(tmp_path, GOOD))
    assert (spec.id, spec.format, spec.files, spec.licence) == (
        "partner_list",
        "ftm_json",
        ("partner/list.jsonl",),
        "As agreed",
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("format: ftm_json", "format: pdf", 7, "sources.0.format", "unknown format 'pdf'"),
        ("licence: partner", "licence: mine", 8, "sources.0.licence", "licence 'mine' is not among"),
        ("id: partner_list", "id: Partner-List", 4, "sources.0.id", "lower-case"),
        ("files: [partner/list.jsonl]", "files: [../etc/passwd]", 9, "sources.0.files", "relative to the data folder"),
        ("    title: Partner list\n", "", 4, "sources.0.title", "Field required"),  # the entry's line
        ("files: [partner/list.jsonl]", "files: [a.jsonl]\n    urls: [ftp://x]", 10, "sources.0.urls", "not an http"),
        ("files: [partner/list.jsonl]", "files: [a.jsonl]\n    urls: [https://x, https://y]", 4, "sources.0", "2 urls"),
    ],
)
def test_registry_errors_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in GOOD
    path = _registry(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=message) as caught:
        load_sources_file(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), line, field)


def test_duplicate_ids_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    doubled = GOOD + GOOD.split("sources:\n", 1)[1]
    with pytest.raises(ConfigError, match="given twice"):
        load_sources_file(_registry(tmp_path, doubled))
    with pytest.raises(ConfigError, match="not valid YAML") as caught:
        load_sources_file(_registry(tmp_path, "sources: [\n  - id: x\n"))
    assert caught.value.line is not None


def test_a_partner_registry_adds_its_own_list(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "partner").mkdir(parents=True)
    (data_dir / "partner" / "list.jsonl").write_text(
        json.dumps(
            {"id": "jp-001", "schema": "Company", "properties": {"name": ["Test Trading KK"], "country": ["jp"]}}
        )
        + "\n",
        encoding="utf-8",
    )
    registry = _registry(tmp_path, GOOD.replace('licences:\n  partner: "As agreed"\n', ""))  # bundled licence keys
    settings = Settings(var_dir=tmp_path / "var", data_dir=data_dir, lists_sources=registry)
    specs = load_sources(settings)
    partner = specs[-1]
    assert partner.id == "partner_list" and partner.licence.startswith("As agreed with the partner")
    report = LoadReport()
    [entry] = list(FORMATS[partner.format].parse(source_paths(partner, data_dir), partner, report))
    assert entry.entry_id == "jp-001" and entry.entity.get("country") == ["jp"]
    with pytest.raises(InputError, match="not found"):
        source_paths(specs[0], data_dir)  # the bundled files are not in this data folder


def test_a_partner_source_cannot_reuse_a_bundled_id(tmp_path: Path) -> None:
    registry = _registry(tmp_path, GOOD.replace("id: partner_list", "id: un_sc"))
    settings = Settings(var_dir=tmp_path / "var", lists_sources=registry)
    with pytest.raises(ConfigError, match="already a bundled source"):
        load_sources(settings)


def test_the_bundled_registry_is_the_packaged_file() -> None:
    assert BUNDLED_SOURCES.name == "sources.yaml" and BUNDLED_SOURCES.parent.name == "lists"
