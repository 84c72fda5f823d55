"""How common a given name or a family name is: ranks per country from real data.

``data/name_frequency.tsv.gz`` is built by ``scripts/build_name_frequency.py`` from the PyPI
package names-dataset 3.3.1 (first and last names of 106 countries with their rank in each):
per ASCII token, its best rank as a given name and as a family name, and the country of that
rank (ranks up to COMMON_RANK kept: rarer names never decide anything). A token absent from
the table is not among the COMMON_RANK most common names of any country covered.

The scorer asks it one thing: is a name token so common that matching it says little about
who is meant ("'Ali' is the most common given name in IR").
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tripline.errors import ConfigError

FREQUENCY_FILE = Path(__file__).resolve().parent / "data" / "name_frequency.tsv.gz"
COMMON_RANK = 100  # a name among the 100 most common of some country is common


@dataclass(frozen=True, slots=True)
class Commonness:
    """A token's best rank as a given or family name and where."""

    token: str
    kind: str  # "given" or "family"
    rank: int
    country: str
    written: str = ""  # the word as written when it was looked up by its consonants ("hsn")

    def describe(self) -> str:
        top = next(n for n in (1, 3, 10, 20, 50, 100) if self.rank <= n)
        said = f"{self.token!r} is" if not self.written else f"{self.written!r} may be {self.token!r},"
        if top == 1:
            return f"{said} the most common {self.kind} name in {self.country}"
        return f"{said} among the {top} most common {self.kind} names in {self.country}"


class NameFrequency:
    """Best ranks of given and family names (load once per process, see :func:`load_frequency`)."""

    def __init__(self, given: dict[str, tuple[int, str]], family: dict[str, tuple[int, str]]) -> None:
        self.given = given
        self.family = family
        self._by_consonants: dict[str, Commonness] | None = None

    def by_consonants(self, key: str, consonants_of: Callable[[str], str]) -> Commonness | None:
        """The most common name whose consonants are `key` (`consonants_of` makes a name's key):
        how a name in Arabic or Persian script, which writes no short vowels, is looked up
        ("hsn" -> Hasan, Hassan, Hussein...)."""
        table = self._by_consonants
        if table is None:
            table = {}
            for kind, names in (("given", self.given), ("family", self.family)):
                for name, (rank, country) in names.items():
                    k = consonants_of(name)
                    if len(k) >= 2 and (k not in table or rank < table[k].rank):
                        table[k] = Commonness(name, kind, rank, country)
            self._by_consonants = table
        return table.get(key)

    def written_as(self, hit: Commonness, written: str) -> Commonness:
        """`hit` as found for the word `written` (named in the description)."""
        return Commonness(hit.token, hit.kind, hit.rank, hit.country, written)

    def commonness(self, token: str) -> Commonness | None:
        """The token's best rank as a given or a family name, the better of the two."""
        found: list[Commonness] = []
        for kind, table in (("given", self.given), ("family", self.family)):
            hit = table.get(token)
            if hit is not None:
                found.append(Commonness(token, kind, hit[0], hit[1]))
        return min(found, key=lambda c: c.rank) if found else None

    def is_common(self, token: str, rank: int = COMMON_RANK) -> bool:
        hit = self.commonness(token)
        return hit is not None and hit.rank <= rank


def load_frequency(path: Path = FREQUENCY_FILE) -> NameFrequency:
    """Read the frequency table; a bad file raises ConfigError naming file, line and field."""
    given: dict[str, tuple[int, str]] = {}
    family: dict[str, tuple[int, str]] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read name frequencies: {exc}", file=path) from exc
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[1] not in ("g", "f"):
            raise ConfigError("expected token, g|f, rank, country", file=path, line=number, field="kind")
        if not parts[2].isdigit():
            raise ConfigError(f"rank {parts[2]!r} is not a number", file=path, line=number, field="best_rank")
        (given if parts[1] == "g" else family)[parts[0]] = (int(parts[2]), parts[3])
    return NameFrequency(given, family)


COMPANY_WORDS_FILE = Path(__file__).resolve().parent / "data" / "company_words.tsv.gz"


@dataclass(frozen=True, slots=True)
class CompanyWord:
    """How many companies use a word in their names (``scripts/build_company_words.py``)."""

    word: str
    listed: int  # organisations of the bundled lists
    listed_first: int  # ... of which have it as their name's first distinctive word (a brand: "Gazprom ...")
    owners: int  # ISO 6346 container-owner companies (unlisted, worldwide)

    def is_common(self, owners: int, listed: int, first_share: float) -> bool:
        """Used by `owners` unrelated companies of the register or more, or by `listed` listed
        organisations or more without being the brand most of them start with."""
        return self.owners >= owners or (self.listed >= listed and self.listed_first < first_share * self.listed)

    def describe(self) -> str:
        return (
            f"{self.word!r} is a common word in company names ({self.listed} listed organisations, "
            f"{self.owners} ISO 6346 owners)"
        )


def load_company_words(path: Path = COMPANY_WORDS_FILE) -> dict[str, CompanyWord]:
    """Read the company-word counts; a bad file raises ConfigError naming file, line and field."""
    out: dict[str, CompanyWord] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read company words: {exc}", file=path) from exc
    fields = ("companies", "listed", "listed_first", "owners")
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5:
            raise ConfigError("expected word, companies, listed, listed_first, owners", file=path, line=number)
        for field, value in zip(fields, parts[1:], strict=True):
            if not value.isdigit():
                raise ConfigError(f"{value!r} is not a count", file=path, line=number, field=field)
        out[parts[0]] = CompanyWord(parts[0], int(parts[2]), int(parts[3]), int(parts[4]))
    return out
