"""Reference data YAML (vocabulary, regimes, HS evidence, catch-all) is validated at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.controls.catchall import CatchAll, country_code
from tripline.controls.hs import HsNomenclature
from tripline.controls.regimes import RegimeBook
from tripline.controls.vocabulary import Vocabulary
from tripline.errors import ConfigError


def test_bundled_reference_data_loads() -> None:
    vocab = Vocabulary.load()
    assert [h.means for h in vocab.synonyms_in("a cold flow forming machine")] == ["flow-forming machines"]
    assert vocab.key_of_alias("E0-MPE") == "mpe"
    assert vocab.key_for("angular position accuracy", "angle") == "angular_accuracy"
    assert vocab.key_for("temperature", "temperature") != "mpe"  # keywords match whole words only
    assert RegimeBook.load().refs("2B109")[0].label() == "MTCR 3.B.3"
    hs = HsNomenclature.load(BUNDLED_DATA)
    match = hs.match("8463.90.00")
    assert match.heading == "8463" and "2B009" in match.supports
    assert CatchAll.load().listed_end_user("SBIG, Tehran") is not None
    assert country_code("Syria") == "SY" and country_code("irn") == "IR"


def test_vocabulary_with_a_bad_code_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text(
        "synonyms:\n  - terms: [widget]\n    means: widgets\n    codes: [2B06]\n    source: a real source\n"
        "parameters: []\n"
    )
    with pytest.raises(ConfigError) as err:
        Vocabulary.load(bad)
    assert err.value.field == "synonyms.0.codes"


def test_hs_evidence_must_exist_in_hs_2022(tmp_path: Path) -> None:
    bad = tmp_path / "hs.yaml"
    bad.write_text('- hs: "8499"\n  codes: [2B009]\n  why: "no such heading in HS 2022"\n')
    with pytest.raises(ConfigError, match="not in HS 2022"):
        HsNomenclature.load(BUNDLED_DATA, bad)
