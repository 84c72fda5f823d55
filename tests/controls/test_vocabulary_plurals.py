"""Vocabulary terms match their plural as invoices write it ("thermal imaging cameras")."""

from __future__ import annotations

from tripline.controls.vocabulary import Vocabulary


def test_plural_of_a_term() -> None:
    vocab = Vocabulary.load()
    singular = vocab.synonyms_in("thermal imaging camera")
    plural = vocab.synonyms_in("Thermal imaging cameras, handheld")
    assert singular and plural and plural[0].codes == singular[0].codes
    assert vocab.synonyms_in("lathes")[0].codes == vocab.synonyms_in("lathe")[0].codes
