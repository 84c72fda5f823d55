"""RFC 9162 (Certificate Transparency 2.0) Merkle trees over the audit log, for witnessed heads.

The leaves are the audit entries' hashes in sequence order. A *signed tree head* states the size
and Merkle root of the log at a moment; a partner that keeps it can later prove a rollback: a log
truncated below that size, or rewritten within it, no longer has that root. A *consistency proof*
(RFC 9162 §2.1.4) shows that a larger tree extends a smaller one, without the entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Protocol

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, computed bottom-up over the leaf hashes."""
    if not leaves:
        return EMPTY_ROOT
    level = [leaf_hash(d) for d in leaves]
    # Pairing left to right and carrying an odd last node up unchanged gives the same tree as the
    # RFC's split at the largest power of two (its left subtrees are always complete).
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


class Tree(Protocol):
    """A Merkle tree that can give the hash of any perfect subtree: level ``level`` (2**level
    leaves), ``index`` counted from the left at that level."""

    def perfect(self, level: int, index: int) -> bytes: ...


def range_hash(tree: Tree, start: int, n: int) -> bytes:
    """MTH of the ``n`` leaves from ``start`` (``start`` aligned as the RFC's splits leave it):
    at most one perfect subtree per level, so O(log n) look-ups."""
    if n & (n - 1) == 0 and start % n == 0:
        return tree.perfect(n.bit_length() - 1, start // n)
    k = _split(n)
    return node_hash(range_hash(tree, start, k), range_hash(tree, start + k, n - k))


def tree_root(tree: Tree, n: int) -> bytes:
    return range_hash(tree, 0, n) if n else EMPTY_ROOT


def _subproof(tree: Tree, m: int, start: int, n: int, complete: bool) -> list[bytes]:
    if m == n:
        return [] if complete else [range_hash(tree, start, n)]
    k = _split(n)
    if m <= k:
        return [*_subproof(tree, m, start, k, complete), range_hash(tree, start + k, n - k)]
    return [*_subproof(tree, m - k, start + k, n - k, False), range_hash(tree, start, k)]


def tree_proof(tree: Tree, m: int, n: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 over a tree that gives perfect subtrees: O(log n) look-ups."""
    if not 0 < m <= n:
        raise ValueError(f"need 0 < m <= n, got m={m}, n={n}")
    return _subproof(tree, m, 0, n, True)


class LeafList:
    """A :class:`Tree` over leaves held in memory (tests, and logs verified whole)."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = leaves

    def perfect(self, level: int, index: int) -> bytes:
        width = 1 << level
        return root(self.leaves[index * width : (index + 1) * width])


def consistency_proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1: that the first ``m`` leaves are a prefix of ``leaves``."""
    return tree_proof(LeafList(leaves), m, len(leaves))


def parents(index: int, leaf: bytes, left_of: Callable[[int, int], bytes]) -> list[tuple[int, int, bytes]]:
    """The perfect subtrees completed by appending leaf number ``index`` (its data ``leaf``):
    (level, index, hash), the leaf first; ``left_of(level, index)`` gives a stored left sibling."""
    out = [(0, index, leaf_hash(leaf))]
    level, i, current = 0, index, out[0][2]
    while i & 1:
        current = node_hash(left_of(level, i - 1), current)
        level, i = level + 1, i >> 1
        out.append((level, i, current))
    return out


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: whether ``proof`` shows the tree of size ``second`` extends the one of size ``first``."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the first tree is a subtree itself
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0
