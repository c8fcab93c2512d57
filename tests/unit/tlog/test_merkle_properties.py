"""For any append sequence, every proof the tree gives verifies (and a wrong one does not)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from relos.tlog import merkle

batches = st.lists(st.lists(st.binary(max_size=8), min_size=1, max_size=9), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None)
@given(batches)
def test_every_inclusion_and_consistency_proof_verifies(appends: list[list[bytes]]) -> None:
    tree = merkle.MemoryTree()
    leaves: list[bytes] = []
    checkpoints: list[tuple[int, bytes]] = []
    for batch in appends:
        for leaf in batch:
            tree.append(leaf)
            leaves.append(leaf)
        checkpoints.append((tree.size, tree.root()))
    # The stored-subtree root is the recursive RFC 9162 definition.
    assert checkpoints[-1][1] == _mth(leaves)
    for position, (size, root) in enumerate(checkpoints):
        for later_size, later_root in checkpoints[position:]:
            for index in range(size):
                proof = tree.inclusion(index, later_size)
                merkle.verify_inclusion(
                    index, later_size, merkle.leaf_hash(leaves[index]), proof, later_root
                )
            proof = tree.consistency(size, later_size) if size < later_size else []
            merkle.verify_consistency(size, later_size, root, later_root, proof)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.data())
def test_a_changed_leaf_breaks_proofs(size: int, data: st.DataObject) -> None:
    leaves = [bytes([i]) for i in range(size)]
    tree = merkle.MemoryTree(leaves)
    index = data.draw(st.integers(0, size - 1))
    forged = merkle.MemoryTree([b"x" if i == index else leaf for i, leaf in enumerate(leaves)])
    proof = tree.inclusion(index, size)
    try:
        merkle.verify_inclusion(index, size, merkle.leaf_hash(b"x"), proof, tree.root())
    except merkle.ProofError:
        pass
    else:
        raise AssertionError("a forged leaf verified")
    first = data.draw(st.integers(index + 1, size))
    if first < size:
        try:
            merkle.verify_consistency(
                first, size, forged.root(first), tree.root(), tree.consistency(first, size)
            )
        except merkle.ProofError:
            pass
        else:
            raise AssertionError("a rewritten prefix was consistent")


def _mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))
