"""RFC 9162 trees against the transparency-dev/merkle test vectors (tests/data/tlog)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from relos.tlog import merkle

DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "tlog" / "merkle-vectors.json").read_text()
)
LEAVES = [bytes.fromhex(h) for h in DATA["leaf_inputs_hex"]]
ROOTS = [bytes.fromhex(h) for h in DATA["roots_hex"]]
CASES: dict[str, dict[str, Any]] = DATA["cases"]


def b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def proof(value: list[str] | None) -> list[bytes]:
    return [base64.b64decode(p) for p in value or []]


def cases(kind: str) -> list[Any]:
    return [
        pytest.param(k, v, id=k.removeprefix("testdata/"))
        for k, v in sorted(CASES.items())
        if k.startswith(f"testdata/{kind}/")
    ]


def test_the_hashes_are_rfc_9162s() -> None:
    assert merkle.EMPTY_ROOT.hex() == ROOTS[0].hex()
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert merkle.leaf_hash(bytes.fromhex("4c313233343536")).hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert merkle.node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(9))
def test_roots_of_the_reference_tree(size: int) -> None:
    tree = merkle.MemoryTree(LEAVES[:size])
    assert tree.root() == ROOTS[size]
    assert merkle.MemoryTree(LEAVES).root(size) == ROOTS[size]


@pytest.mark.parametrize(("name", "case"), cases("inclusion"))
def test_inclusion_vectors_verify_or_fail_as_published(name: str, case: dict[str, Any]) -> None:
    args = (case["leafIdx"], case["treeSize"], b64(case["leafHash"]), proof(case["proof"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args, b64(case["root"]))
    else:
        merkle.verify_inclusion(*args, b64(case["root"]))


@pytest.mark.parametrize(("name", "case"), cases("consistency"))
def test_consistency_vectors_verify_or_fail_as_published(name: str, case: dict[str, Any]) -> None:
    args = (case["size1"], case["size2"], b64(case["root1"]), b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args, proof(case["proof"]))
    else:
        merkle.verify_consistency(*args, proof(case["proof"]))


def happy(kind: str) -> list[dict[str, Any]]:
    return [
        v
        for k, v in sorted(CASES.items())
        if k.startswith(f"testdata/{kind}/") and k.endswith("/happy-path.json")
    ]


@pytest.mark.parametrize(
    "case", happy("inclusion"), ids=lambda c: f"{c['leafIdx']}-{c['treeSize']}"
)
def test_our_inclusion_proofs_are_the_published_ones(case: dict[str, Any]) -> None:
    tree = merkle.MemoryTree(LEAVES)
    assert tree.inclusion(case["leafIdx"], case["treeSize"]) == proof(case["proof"])
    assert merkle.leaf_hash(LEAVES[case["leafIdx"]]) == b64(case["leafHash"])


@pytest.mark.parametrize("case", happy("consistency"), ids=lambda c: f"{c['size1']}-{c['size2']}")
def test_our_consistency_proofs_are_the_published_ones(case: dict[str, Any]) -> None:
    tree = merkle.MemoryTree(LEAVES)
    if case["size1"] == case["size2"]:
        return  # no proof to build: equal trees prove themselves
    assert tree.consistency(case["size1"], case["size2"]) == proof(case["proof"])


def test_every_proof_of_the_reference_tree_verifies() -> None:
    tree = merkle.MemoryTree(LEAVES)
    for size in range(1, 9):
        for index in range(size):
            path = tree.inclusion(index, size)
            merkle.verify_inclusion(index, size, merkle.leaf_hash(LEAVES[index]), path, ROOTS[size])
        for first in range(1, size + 1):
            path = tree.consistency(first, size) if first < size else []
            merkle.verify_consistency(first, size, ROOTS[first], ROOTS[size], path)


def test_a_proof_reads_only_log_n_subtrees() -> None:
    size = 10**6 + 12345
    assert len(merkle.needed_for_inclusion(777_777, size)) <= 2 * size.bit_length()
    assert len(merkle.needed_for_consistency(654_321, size)) <= 3 * size.bit_length()
    assert len(merkle.needed_for_root(size)) == bin(size).count("1")


def test_out_of_range_requests_are_refused() -> None:
    with pytest.raises(merkle.ProofError):
        merkle.needed_for_inclusion(5, 5)
    with pytest.raises(merkle.ProofError):
        merkle.needed_for_consistency(6, 5)
    with pytest.raises(merkle.ProofError):
        merkle.needed_for_consistency(0, 5)
