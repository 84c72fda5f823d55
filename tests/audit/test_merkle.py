"""RFC 9162 Merkle trees: roots against the RFC's recursive definition written out here, and
consistency proofs that verify for prefixes and fail for anything else (hypothesis)."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.audit.merkle import consistency_proof, root, verify_consistency


def reference_mth(d: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 §2.1.1 states it (split at the largest power of two below n)."""
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(d[:k]) + reference_mth(d[k:])).digest()


LEAVES = st.lists(st.binary(min_size=1, max_size=8), min_size=1, max_size=40)


@given(leaves=LEAVES)
def test_root_matches_the_rfc_definition(leaves: list[bytes]) -> None:
    assert root(leaves) == reference_mth(leaves)


@settings(max_examples=200)
@given(leaves=LEAVES, data=st.data())
def test_consistency_proofs_verify_prefixes_and_only_prefixes(leaves: list[bytes], data: st.DataObject) -> None:
    m = data.draw(st.integers(1, len(leaves)))
    proof = consistency_proof(m, leaves)
    assert verify_consistency(m, len(leaves), reference_mth(leaves[:m]), reference_mth(leaves), proof)
    # a rewritten entry within the first m (a rolled-back and re-grown log) breaks it
    i = data.draw(st.integers(0, m - 1))
    forged = [*leaves[:i], leaves[i] + b"!", *leaves[i + 1 :]]
    assert not verify_consistency(m, len(leaves), reference_mth(forged[:m]), reference_mth(leaves), proof)
    if m < len(leaves):  # the wrong size for the old tree does not verify either
        assert not verify_consistency(m + 1, len(leaves), reference_mth(leaves[: m + 1]), reference_mth(leaves), proof)


def test_rfc_example_sizes() -> None:
    """RFC 9162 §2.1.5's tree of seven leaves: PROOF(3) = [c, d, g, l], PROOF(4) = [l], PROOF(6) = [i, j, k]."""
    leaves = [bytes([i]) for i in range(7)]
    assert len(consistency_proof(3, leaves)) == 4  # c, d, g, l in the RFC's figure
    assert len(consistency_proof(4, leaves)) == 1  # l
    assert len(consistency_proof(6, leaves)) == 3  # i, j, k
