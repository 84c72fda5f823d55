"""The verdict rule of issue 13: "no" only when the description rules the entries out or names
goods no entry covers; otherwise "unknown" with the questions, and the reasons say which."""

from __future__ import annotations

from tripline.controls.classify import Classifier
from tripline.controls.schema import GoodsQuery, Listed


def test_a_named_entry_with_another_head_noun_is_not_cleared(classifier: Classifier) -> None:
    # tests/data/goods_cases.jsonl g026 / g068: CCL 2B006.a (CMMs) and EU 0B001.c (rotor assemblies)
    for text in ("CMM bridge type with contact probe", "gas centrifuge rotor tubes of carbon fibre composite"):
        r = classifier.classify(GoodsQuery(description=text))
        assert r.verdict.listed is not Listed.NO, text
        assert r.verdict.reasons and "not listed" not in r.verdict.reasons[0]


def test_no_says_why(classifier: Classifier) -> None:
    # 5 arc second is above the 0.9 arc second of 2B006.c: ruled out by a parameter
    r = classifier.classify(GoodsQuery(description="theodolite, angular accuracy 5 arc second"))
    assert r.verdict.listed is Listed.NO and "below the thresholds of 2B006" in r.verdict.reasons[0]
    # nothing in either list names bananas
    r = classifier.classify(GoodsQuery(description="fresh bananas"))
    assert r.verdict.listed is Listed.NO and "no control-list entry matches" in r.verdict.reasons[0]


def test_make_and_model_before_the_goods_words(classifier: Classifier) -> None:
    # DMG MORI's DMU 50 is a 5-axis universal milling machine (manufacturer's product line); the
    # make and model come first, as on invoices. 2B001 must stay open, not be cleared.
    r = classifier.classify(GoodsQuery(description="DMG MORI DMU 50 5-axis CNC machining centre"))
    assert r.verdict.listed is Listed.UNKNOWN and r.verdict.eu_code in ("2B001", "2B201")
    assert r.verdict.questions
    # a quantity after the goods words is no model number: the look-alike stays cleared
    r = classifier.classify(GoodsQuery(description="plastic home brewing fermenter bucket 30 litre"))
    assert r.verdict.listed is Listed.NO
