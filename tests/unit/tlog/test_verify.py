"""The log verifier on logs built in memory: keys, rotations, revocation, checkpoints."""

from __future__ import annotations

from relos.tlog import dsse, merkle, note
from relos.tlog.keys import Signer
from relos.tlog.verify import (
    ROTATION,
    HeldCheckpoint,
    Problem,
    Report,
    ShownEntry,
    verify_entries,
    verify_log,
)

ORIGIN = "relos.example/IN/in-ru-relos"
OLD = Signer("relos.example/IN", bytes(range(32)))
NEW = Signer("relos.example/IN", bytes(range(1, 33)))
KIND = dsse.payload_type("test.event")


def event(n: int, *signers: Signer) -> bytes:
    return dsse.seal(dsse.canonical({"n": n}), KIND, signers or (OLD,))


def rotation(old: Signer, new: Signer, *signers: Signer) -> bytes:
    body = dsse.canonical({"type": ROTATION, "old": old.verifier.vkey, "new": new.verifier.vkey})
    return dsse.seal(body, dsse.payload_type(ROTATION), signers or (old, new))


def checkpoint(leaves: list[bytes], size: int, signer: Signer) -> HeldCheckpoint:
    root = merkle.MemoryTree(leaves[:size]).root()
    return HeldCheckpoint(
        f"checkpoint {size}", note.sign_checkpoint(note.Checkpoint(ORIGIN, size, root), [signer])
    )


def check(
    leaves: list[bytes], trusted: list[Signer], held: tuple[HeldCheckpoint, ...] = ()
) -> Report | Problem:
    return verify_log(ORIGIN, lambda: enumerate(leaves), [s.verifier for s in trusted], held)


def test_a_log_signed_by_the_node_verifies_with_its_checkpoints() -> None:
    leaves = [event(n) for n in range(5)]
    result = check(leaves, [OLD], (checkpoint(leaves, 3, OLD), checkpoint(leaves, 5, OLD)))
    assert isinstance(result, Report) and result.size == 5 and result.checkpoints == 2
    assert result.root == merkle.MemoryTree(leaves).root()


def test_a_rotation_hands_over_and_the_old_key_is_refused_after_it() -> None:
    leaves = [event(0), event(1), rotation(OLD, NEW), event(3, NEW)]
    held = (checkpoint(leaves, 2, OLD), checkpoint(leaves, 4, NEW))
    for trusted in ([NEW], [OLD]):
        assert isinstance(check(leaves, trusted, held), Report), trusted
    late = [*leaves, event(4, OLD)]
    result = check(late, [NEW])
    assert isinstance(result, Problem)
    assert result.where == "entry 4" and "revoked at entry 2" in result.reason


def test_a_checkpoint_by_the_revoked_key_after_rotation_is_refused() -> None:
    leaves = [event(0), rotation(OLD, NEW), event(2, NEW)]
    result = check(leaves, [NEW], (checkpoint(leaves, 3, OLD),))
    assert isinstance(result, Problem) and "not signed by the node's key" in result.reason


def test_a_rotation_signed_by_one_key_only_is_refused() -> None:
    leaves = [event(0), rotation(OLD, NEW, OLD), event(2, NEW)]
    result = check(leaves, [OLD])
    assert isinstance(result, Problem) and result.where == "entry 1"
    assert "not signed by both" in result.reason


def test_a_rotation_to_a_key_never_trusted_is_refused() -> None:
    intruder = Signer("relos.example/IN", bytes(range(2, 34)))
    leaves = [event(0, intruder), rotation(intruder, NEW), event(2, NEW)]
    result = check(leaves, [OLD])
    assert isinstance(result, Problem) and "never reach a trusted key" in result.reason


def test_a_payload_that_is_not_canonical_json_is_refused() -> None:
    leaves = [event(0), dsse.seal(b'{"b":1, "a":2}', KIND, [OLD])]
    result = check(leaves, [OLD])
    assert isinstance(result, Problem) and "canonical" in result.reason


def test_a_checkpoint_of_another_log_is_named() -> None:
    leaves = [event(0)]
    other = HeldCheckpoint(
        "file x",
        note.sign_checkpoint(note.Checkpoint("elsewhere", 1, merkle.leaf_hash(leaves[0])), [OLD]),
    )
    result = check(leaves, [OLD], (other,))
    assert isinstance(result, Problem) and result.where == "file x"


# --- one entry at a time (what the audit page shows) ------------------------------------------


def shown(leaves: list[bytes], indexes: list[int], size: int) -> list[ShownEntry]:
    tree = merkle.MemoryTree(leaves[:size])
    return [ShownEntry(i, leaves[i], tree.inclusion(i, size) if i < size else []) for i in indexes]


def test_shown_entries_verify_across_a_rotation_and_a_forged_one_does_not() -> None:
    leaves = [event(0), event(1), rotation(OLD, NEW), event(3, NEW), event(4, NEW)]
    head = checkpoint(leaves, 5, NEW).signed
    rotations = [(2, leaves[2])]
    found = verify_entries(ORIGIN, [NEW.verifier], rotations, head, shown(leaves, [0, 3, 4], 5))
    assert found == {0: None, 3: None, 4: None}
    # The same statement re-signed by the revoked key after the rotation: refused.
    late = [*leaves[:4], event(4, OLD)]
    (why,) = verify_entries(ORIGIN, [NEW.verifier], rotations, head, shown(late, [4], 5)).values()
    assert why is not None and "revoked at entry 2" in why


def test_a_shown_entry_outside_the_signed_tree_does_not_verify() -> None:
    leaves = [event(n) for n in range(4)]
    head = checkpoint(leaves, 3, OLD).signed
    other = [event(0), event(9), *leaves[2:]]  # a validly signed entry swapped in at 1
    found = verify_entries(ORIGIN, [OLD.verifier], [], head, shown(other, [1, 3], 3))
    assert found[1] is not None and "not in the tree" in found[1]
    assert found[3] is not None and "not under the latest signed checkpoint" in found[3]


def test_shown_entries_under_a_checkpoint_by_another_key_do_not_verify() -> None:
    leaves = [event(n) for n in range(3)]
    head = checkpoint(leaves, 3, NEW).signed  # NEW was never handed over to
    found = verify_entries(ORIGIN, [OLD.verifier], [], head, shown(leaves, [0, 2], 3))
    assert all(why is not None and "not signed by the node's key" in why for why in found.values())
    assert verify_entries(ORIGIN, [OLD.verifier], [], None, shown(leaves, [0], 3))[0] is not None
