"""RFC 9162 Merkle trees: hashes, roots, inclusion and consistency proofs (pure).

A tree over leaves D[0:n] has the hash MTH(D[0:n]) of RFC 9162 section 2.1.1: the leaf
hash is SHA-256(0x00 || leaf), an interior node SHA-256(0x01 || left || right), and a
tree of n > 1 leaves splits at k, the largest power of two below n.

Storage keeps only *perfect* subtrees: the node at (level, index) covers the leaves
[index * 2**level, (index + 1) * 2**level). Every range a proof needs is either perfect or
the right edge [start, n) of a tree, whose hash folds the O(log n) perfect subtrees that
tile it. So a proof names the perfect subtrees it needs (`needed_*`), the caller fetches
them in one read, and `*_proof` assembles the hashes from what was fetched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]
"""A perfect subtree: (level, index); level 0 is a leaf."""


class ProofError(ValueError):
    """A proof that does not prove what it claims (or a malformed one)."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees tiling [start, end), left to right.

    Holds for the ranges trees and proofs use: `start` is a multiple of a power of two at
    least as large as end - start (the left edge of a subtree), or start is 0.
    """
    nodes: list[Node] = []
    while start < end:
        # The largest aligned block starting at `start` that fits before `end`.
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while (1 << level) > end - start:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its perfect subtrees, left to right (right to left fold)."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for left in reversed(hashes[:-1]):
        acc = node_hash(left, acc)
    return acc


Lookup = Callable[[Node], bytes]


def range_hash(start: int, end: int, lookup: Lookup) -> bytes:
    """MTH(D[start:end]) from the perfect subtrees that tile the range."""
    return fold([lookup(node) for node in perfect_nodes(start, end)])


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make PATH(index, D[0:size]), leaf end first (RFC 9162 2.1.3.1)."""
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    ranges.reverse()
    return ranges


def _consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make PROOF(first, D[0:second]) (RFC 9162 2.1.4.1)."""
    ranges: list[tuple[int, int]] = []
    lo, hi, whole = 0, second, True
    m = first
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                ranges.append((lo, hi))
            break
        k = _split(n)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    ranges.reverse()
    return ranges


def _check_inclusion_args(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")


def _check_consistency_args(first: int, second: int) -> None:
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")


def _needed(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    return {node for start, end in ranges for node in perfect_nodes(start, end)}


def needed_for_inclusion(index: int, size: int) -> set[Node]:
    """The perfect subtrees an inclusion proof reads: O(log size) of them."""
    _check_inclusion_args(index, size)
    return _needed(_inclusion_ranges(index, size))


def needed_for_consistency(first: int, second: int) -> set[Node]:
    _check_consistency_args(first, second)
    return _needed(_consistency_ranges(first, second))


def needed_for_root(size: int) -> set[Node]:
    return set(perfect_nodes(0, size))


def inclusion_proof(index: int, size: int, lookup: Lookup) -> list[bytes]:
    _check_inclusion_args(index, size)
    return [range_hash(s, e, lookup) for s, e in _inclusion_ranges(index, size)]


def consistency_proof(first: int, second: int, lookup: Lookup) -> list[bytes]:
    _check_consistency_args(first, second)
    return [range_hash(s, e, lookup) for s, e in _consistency_ranges(first, second)]


def root(size: int, lookup: Lookup) -> bytes:
    return range_hash(0, size, lookup)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """RFC 9162 section 2.1.3.2; `leaf` is the leaf *hash*. Raises ProofError."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    if len(leaf) != HASH_SIZE or len(expected_root) != HASH_SIZE:
        raise ProofError("a leaf hash and a root hash have 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if len(p) != HASH_SIZE or sn == 0:
            raise ProofError("the proof is longer than the path or malformed")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    if r != expected_root:
        raise ProofError("the proof leads to another root")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 section 2.1.4.2. Raises ProofError."""
    if first > second:
        raise ProofError(f"size {first} is larger than size {second}")
    if first == 0:
        # Every tree extends the empty one: there is nothing to prove (and RFC 9162 has no
        # proof form for it), so a claim of one is refused, as transparency-dev does.
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if first == second:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        if first_root != second_root:
            raise ProofError("equal sizes with different roots")
        return
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("the proof is empty or malformed")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    if fr != first_root:
        raise ProofError("the proof does not lead to the first root")
    if sr != second_root:
        raise ProofError("the proof does not lead to the second root")


class CompactRange:
    """The perfect subtrees of [0, size): enough to append and to compute the root.

    Appending yields every perfect subtree the new leaf completes, so a store can keep
    them all (O(1) amortised writes per leaf) and a verifier can recompute a whole log in
    one pass with O(log n) memory.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        nodes = perfect_nodes(0, size)
        if len(nodes) != len(hashes):
            raise ValueError(f"a range of size {size} has {len(nodes)} subtrees")
        self.size = size
        self.nodes: list[tuple[Node, bytes]] = list(zip(nodes, hashes, strict=True))

    @classmethod
    def load(cls, size: int, lookup: Lookup) -> CompactRange:
        return cls(size, [lookup(node) for node in perfect_nodes(0, size)])

    def append(self, hash_of_leaf: bytes) -> list[tuple[Node, bytes]]:
        """Add one leaf hash; return the new perfect subtrees (the leaf first)."""
        made: list[tuple[Node, bytes]] = [((0, self.size), hash_of_leaf)]
        level, index, value = 0, self.size, hash_of_leaf
        while index & 1:
            left = self.nodes.pop()[1]
            level, index, value = level + 1, index >> 1, node_hash(left, value)
            made.append(((level, index), value))
        self.nodes.append(((level, index), value))
        self.size += 1
        return made

    def root(self) -> bytes:
        return fold([value for _, value in self.nodes])


class MemoryTree:
    """Every perfect subtree of a tree, in memory: proofs for tests, checks and tools."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.nodes: dict[Node, bytes] = {}
        self._range = CompactRange()
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return self._range.size

    def append(self, leaf: bytes) -> None:
        self.nodes.update(self._range.append(leaf_hash(leaf)))

    def lookup(self, node: Node) -> bytes:
        return self.nodes[node]

    def root(self, size: int | None = None) -> bytes:
        return root(self.size if size is None else size, self.lookup)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return inclusion_proof(index, size, self.lookup)

    def consistency(self, first: int, second: int) -> list[bytes]:
        return consistency_proof(first, second, self.lookup)


def lookup_in(found: Mapping[Node, bytes]) -> Lookup:
    """A lookup over fetched subtrees that names a missing one (a damaged store)."""

    def lookup(node: Node) -> bytes:
        try:
            return found[node]
        except KeyError:
            raise ProofError(f"subtree {node} is missing from the store") from None

    return lookup
