"""The US-only answer: Category 5 Part 2 (Note 3 mass market -> 5A992.c, else 5A002) and the
.9xx entries (data/us_entries.yaml), applied only where no regime entry applies.

References: CCL 5A992.c ("mass market encryption commodities"), Category 5 Part 2 Note 3,
5A991.b.2 (voice-band modems above 9,600 bit/s), 3A991.a.2 (clock above 25 MHz), 3A992.a (test
equipment n.e.s.); the issue 13 example (LTE modem module with AES -> 5A992.c with Note 3)."""

from __future__ import annotations

from tripline.controls.classify import Classifier
from tripline.controls.schema import GoodsQuery, Listed
from tripline.controls.us_tree import UsTree


def _v(classifier: Classifier, text: str) -> tuple[Listed, str | None, str, list[str], list[str]]:
    v = classifier.classify(GoodsQuery(description=text)).verdict
    return v.listed, v.eu_code, v.eccn, v.reasons, v.questions


def test_issue_example_lte_module(classifier: Classifier) -> None:
    listed, eu, eccn, reasons, questions = _v(classifier, "LTE modem module with AES")
    assert eccn == "5A992.c" and eu is None and listed is not Listed.YES
    assert any("Note 3" in r for r in reasons) and any("Note 3" in q for q in questions)


def test_consumer_goods_with_encryption_are_mass_market(classifier: Classifier) -> None:
    listed, eu, eccn, reasons, _ = _v(classifier, "Bluetooth wireless keyboard for tablets")
    assert (listed, eu, eccn) == (Listed.NO, None, "5A992.c")
    assert "Note 3" in reasons[0]


def test_encryption_without_mass_market_sign_is_5a002(classifier: Classifier) -> None:
    listed, eu, eccn, _, questions = _v(classifier, "IP network encryptor, AES-256, 10 Gbit/s")
    assert (listed, eu, eccn) == (Listed.UNKNOWN, "5A002", "5A002.a") and questions


def test_anti_terrorism_entries_instead_of_ear99(classifier: Classifier) -> None:
    assert _v(classifier, "56k dial-up modem, external")[2] == "5A991.b"
    assert _v(classifier, "single board computer, quad-core Cortex-A53 processor at 1.4 GHz")[2] == "3A991.a"
    assert _v(classifier, "USB logic analyzer, 16 channels")[2] == "3A992.a"
    # a clock of 20 MHz is not above 3A991.a.2's 25 MHz
    assert UsTree.load().answer("single board computer with an 8-bit processor, 20 MHz") is None
    assert _v(classifier, "fresh bananas")[2] == "EAR99"


def test_acronyms_only_in_capitals() -> None:
    us = UsTree.load()
    assert us.crypto_words("stainless steel kettle") == []
    assert us.crypto_words("module with AES-128 engine") == ["AES-128"]
    assert us.crypto_words("tables and chairs") == []  # "ble" inside a word is not Bluetooth LE
