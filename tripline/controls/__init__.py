"""[controls] Control-list catalogue (US CCL, EU Annex I) and goods classification.

Library entry points::

    catalogue = load_bundled_catalogue(settings)          # files only, no database
    classifier = Classifier(catalogue)                    # or Classifier.from_database(db)
    result = classifier.classify(GoodsQuery(description="cold flow forming machine"))
"""

from __future__ import annotations

from tripline.controls.catalogue import Catalogue, load_bundled_catalogue
from tripline.controls.classify import Classifier
from tripline.controls.schema import Classification, GoodsQuery

__all__ = ["Catalogue", "Classification", "Classifier", "GoodsQuery", "load_bundled_catalogue"]
