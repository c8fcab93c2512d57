"""Property: for random append sequences on a real store, every stored proof verifies."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relos.kit.db import Database
from relos.tlog import dsse, merkle, note, store

batches = st.lists(st.integers(1, 6), min_size=1, max_size=5)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches)
def test_stored_proofs_verify_against_every_later_checkpoint(
    sqlite_database: Database, sizes: list[int]
) -> None:
    db, log = sqlite_database, f"prop-{uuid.uuid4().hex[:8]}"
    for size in sizes:
        with db.transaction() as session:
            for n in range(size):
                store.append(session, log, dsse.canonical({"n": n}), "test.event")
    with db.transaction(write=False) as session:
        row = store.log_of(session, log)
        assert row is not None
        verifier = store.node_signer(session).verifier
        checkpoints = [
            note.open_checkpoint(c.note, [verifier])[0] for c in store.checkpoints(session, row.id)
        ]
        leaves = [leaf for _, leaf in store.all_entries(session, row.id)]
        assert [c.size for c in checkpoints] == [sum(sizes[: i + 1]) for i in range(len(sizes))]
        for i, early in enumerate(checkpoints):
            for later in checkpoints[i:]:
                for index in range(early.size):
                    proof = store.inclusion_proof(session, row.id, index, later.size)
                    merkle.verify_inclusion(
                        index, later.size, merkle.leaf_hash(leaves[index]), proof, later.root
                    )
                proof = (
                    store.consistency_proof(session, row.id, early.size, later.size)
                    if early.size < later.size
                    else []
                )
                merkle.verify_consistency(early.size, later.size, early.root, later.root, proof)
