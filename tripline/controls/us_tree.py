"""The US-only part of the answer: Category 5 Part 2 (encryption) and the .9xx anti-terrorism
entries (``data/us_entries.yaml``), for goods no regime entry covers. EAR99 only when no CCL
entry describes the item.

Category 5 Part 2: an item with encryption functionality is 5A002 (EU 5A002) unless Note 3
(mass market) applies, in which case it is 5A992.c (software: 5D992.c) and not listed in the EU.
A consumer product sold at retail is taken as mass market and said so; a module, chip or other
component is answered 5A992.c with the Note 3 question; goods with encryption but neither sign
(a VPN appliance, an HSM) are 5A002 with the question whether Note 3 or an exclusion applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tripline.controls.specfile import load_spec

US_FILE = Path(__file__).with_name("data") / "us_entries.yaml"


class CryptoSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    words: list[str] = Field(min_length=1)
    mass_market: list[str]
    component: list[str]
    software: list[str]
    source: str = Field(min_length=10)


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    eccn: str = Field(pattern=r"^\d[A-E]\d{3}(?:\.[a-z](?:\.\d+)?)?$")
    words: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    question: str | None = None
    clock_over_mhz: float | None = None
    source: str = Field(min_length=10)


class UsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    crypto: CryptoSpec
    rules: list[RuleSpec]


def load_us(path: Path = US_FILE) -> UsSpec:
    return load_spec(path, UsSpec, "US entries")


@dataclass(frozen=True)
class UsAnswer:
    eccn: str
    listed: Literal["no", "unknown"]  # "unknown": a regime entry (EU 5A002) applies unless Note 3 does
    eu_code: str | None
    reasons: tuple[str, ...]
    questions: tuple[str, ...]
    crypto: bool


def _rx(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{w})" for w in words) + r")(?![\w-])", re.IGNORECASE)


_MHZ = re.compile(r"(\d+(?:[.,]\d+)?)\s*(MHz|GHz)", re.IGNORECASE)
_CRYPTO_CASE = re.compile(r"AES|TLS|SSL|IPsec|VPN|WPA|WEP|SSH|LTE|GSM|UMTS|BLE|TPM|HSM|RSA|ECC")


class UsTree:
    def __init__(self, spec: UsSpec) -> None:
        self.spec = spec
        c = spec.crypto
        words = [w for w in c.words if not _CRYPTO_CASE.fullmatch(w.split("(")[0].rstrip("?"))]
        acronyms = [w for w in c.words if w not in words]
        self._crypto = _rx(words)
        self._crypto_acronyms = re.compile(r"(?<![\w-])(?:" + "|".join(acronyms) + r")(?![\w-])") if acronyms else None
        self._mass = _rx(c.mass_market)
        self._component = _rx(c.component)
        self._software = _rx(c.software)
        self._rules = [(r, _rx(r.words), _rx(r.unless) if r.unless else None) for r in spec.rules]

    @classmethod
    def load(cls, path: Path = US_FILE) -> UsTree:
        return cls(load_us(path))

    def crypto_words(self, text: str) -> list[str]:
        found = [m.group(0) for m in self._crypto.finditer(text)]
        if self._crypto_acronyms is not None:  # acronyms only in capitals ("LTE", not "lte" in a word)
            found += [m.group(0) for m in self._crypto_acronyms.finditer(text)]
        return list(dict.fromkeys(found))

    def answer(self, text: str) -> UsAnswer | None:
        crypto = self.crypto_words(text)
        if crypto:
            return self._category5(text, crypto)
        for rule, rx, unless in self._rules:
            m = rx.search(text)
            if m is None or (unless is not None and unless.search(text)):
                continue
            reasons = [f"US: {rule.eccn} ({m.group(0)!r}): {rule.source}"]
            questions: list[str] = []
            if rule.clock_over_mhz is not None:
                clock = _MHZ.search(text)
                if clock is not None:
                    mhz = float(clock.group(1).replace(",", ".")) * (1000 if clock.group(2).lower() == "ghz" else 1)
                    if mhz <= rule.clock_over_mhz:
                        continue  # below 3A991.a.2: EAR99 unless another paragraph applies
                    reasons.append(f"clock {clock.group(0)} exceeds {rule.clock_over_mhz:g} MHz")
                elif rule.question:
                    questions.append(rule.question)
            elif rule.question:
                questions.append(rule.question)
            return UsAnswer(rule.eccn, "no", None, tuple(reasons), tuple(questions), False)
        return None

    def _category5(self, text: str, crypto: list[str]) -> UsAnswer:
        src = self.spec.crypto.source
        what = ", ".join(crypto[:4])
        software = self._software.search(text) is not None
        mass = self._mass.search(text)
        part = self._component.search(text)
        note3_q = (
            "Is it mass market under Note 3 to Category 5 Part 2 (sold from stock at retail, cryptography not"
            " easily changed by the user, installable without substantial supplier support)? If not: 5A002.a"
            + (" / 5D002" if software else "")
        )
        mm_eccn = "5D992.c" if software else "5A992.c"
        if mass is not None:
            return UsAnswer(
                mm_eccn,
                "no",
                None,
                (
                    f"encryption functionality ({what}) in a consumer product ({mass.group(0)!r}): Note 3 to Category 5"
                    f" Part 2 (mass market) takes it out of 5A002; US {mm_eccn} ({src})",
                ),
                (),
                True,
            )
        if part is not None:
            return UsAnswer(
                mm_eccn,
                "unknown",
                None,
                (
                    f"encryption functionality ({what}) in a {part.group(0)!r}: {mm_eccn} if mass market under Note 3"
                    f" to Category 5 Part 2, else 5A002.a (EU 5A002) ({src})",
                ),
                (note3_q,),
                True,
            )
        return UsAnswer(
            "5D002" if software else "5A002.a",
            "unknown",
            "5D002" if software else "5A002",
            (f"encryption functionality ({what}): 5A002.a unless Note 3 (mass market) or an exclusion applies",),
            (note3_q,),
            True,
        )
