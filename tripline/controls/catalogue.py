"""The catalogue: every entry of every list, one load from files or from a stored snapshot."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from tripline.controls.model import ControlEntry, Source
from tripline.controls.regimes import REGIMES_FILE, RegimeBook
from tripline.controls.sources.ccl import parse_ccl_index
from tripline.controls.sources.eu import parse_eu_fixture
from tripline.controls.sources.files import resolve
from tripline.controls.vocabulary import VOCABULARY_FILE, Vocabulary
from tripline.errors import NotFoundError
from tripline.settings import Settings

log = structlog.get_logger(__name__)

CCL_INDEX = Path("controls/us_ccl/ccl_index.json")
CCL_XML = Path("controls/us_ccl/ccl_supp1_part774.xml")
EU_FIXTURE = Path("controls/eu_annex1_norway/liste2_structured_fixture.json")
EU_TEXT = Path("controls/eu_annex1_norway/liste2_dualuse_2021.txt")

SOURCE_INFO = {
    Source.CCL: "US Commerce Control List, 15 CFR 774 Supp. No. 1 (eCFR, about June 2026)",
    Source.EU: "EU Regulation 2021/821 Annex I (2021 text, via Norway's Liste II)",
}


@dataclass
class Catalogue:
    """Entries by list and code, plus the warnings the parsers reported."""

    entries: list[ControlEntry]
    warnings: list[str] = field(default_factory=list)
    version: str = "bundled"

    def __post_init__(self) -> None:
        self._by_key = {(e.source, e.code): e for e in self.entries}

    def __iter__(self) -> Iterator[ControlEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, code: str, source: Source) -> ControlEntry | None:
        return self._by_key.get((source, code.upper()))

    def lookup(self, code: str) -> list[ControlEntry]:
        """Entries with this code in any list (EU first); NotFoundError if none."""
        base = code.strip().upper()[:5]
        found = [e for s in (Source.EU, Source.CCL) if (e := self.get(base, s)) is not None]
        if not found:
            raise NotFoundError(f"no control-list entry {code!r}", field="code")
        return found

    def codes(self) -> list[str]:
        return sorted({e.code for e in self.entries})

    def count(self, source: Source) -> int:
        return sum(1 for e in self.entries if e.source is source)


def parse_sources(data_dir: Path, vocabulary: Vocabulary | None = None, regimes: RegimeBook | None = None) -> Catalogue:
    """Parse the bundled CCL index and EU Annex I fixture under ``data_dir``."""
    vocabulary = vocabulary or Vocabulary.load()
    regimes = regimes or RegimeBook.load()
    ccl, w1 = parse_ccl_index(data_dir / CCL_INDEX, vocabulary, regimes)
    eu, w2 = parse_eu_fixture(data_dir / EU_FIXTURE, vocabulary, regimes)
    return Catalogue(eu + ccl, w1 + w2)


PARSER_VERSION = "1"  # bump when parsing changes, to invalidate cached catalogues


def _cache_key(data_dir: Path) -> str:
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for path in (resolve(data_dir / CCL_INDEX), resolve(data_dir / EU_FIXTURE), VOCABULARY_FILE, REGIMES_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_bundled_catalogue(settings: Settings) -> Catalogue:
    """The catalogue from the bundled files in ``settings.data_dir`` (no database).

    The parsed result is cached as JSON under ``VAR_DIR/cache`` keyed by the hash of the source
    files, the vocabulary and the parser version, so a CLI call does not parse the lists again."""
    key = _cache_key(settings.data_dir)
    cache = settings.var_dir / "cache" / f"controls_catalogue_{key}.json"
    if cache.exists():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            return Catalogue([ControlEntry.from_dict(e) for e in data["entries"]], data["warnings"], "bundled")
        except (ValueError, KeyError, TypeError):
            cache.unlink(missing_ok=True)  # a damaged cache is rebuilt
    catalogue = parse_sources(settings.data_dir)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    payload = {"entries": [e.to_dict() for e in catalogue], "warnings": catalogue.warnings}
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    tmp.replace(cache)
    return catalogue
