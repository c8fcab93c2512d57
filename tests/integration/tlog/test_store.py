"""Appends, checkpoints and proofs as stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from relos.kit.db import Database
from relos.tlog import dsse, merkle, note, store
from relos.tlog.models import LogRow


def append_many(db: Database, agreement: str | None, count: int, batch: int = 1) -> None:
    done = 0
    while done < count:
        with db.transaction() as session:
            for _ in range(min(batch, count - done)):
                payload = dsse.canonical({"type": "test.event", "n": done})
                store.append(session, agreement, payload, "test.event")
                done += 1


def test_appends_build_the_tree_a_memory_tree_builds(database: Database) -> None:
    append_many(database, "test-log", 13, batch=4)
    with database.transaction(write=False) as session:
        log = store.log_of(session, "test-log")
        assert log is not None and log.size == 13
        leaves = [leaf for _, leaf in store.all_entries(session, log.id)]
        tree = merkle.MemoryTree(leaves)
        assert bytes(log.root) == tree.root()
        for size in (1, 5, 8, 13):
            assert store.root_at(session, log.id, size) == tree.root(size)
            for index in range(size):
                assert store.inclusion_proof(session, log.id, index, size) == tree.inclusion(
                    index, size
                )
            for first in range(1, size):
                assert store.consistency_proof(session, log.id, first, size) == tree.consistency(
                    first, size
                )
        sizes = [row.size for row in store.checkpoints(session, log.id)]
        assert sizes == [4, 8, 12, 13], "one checkpoint per transaction"
        signer = store.node_signer(session)
        latest = store.latest_checkpoint(session, log.id)
        assert latest is not None
        checkpoint, _ = note.open_checkpoint(latest.note, [signer.verifier])
        assert checkpoint == note.Checkpoint(log.origin, 13, tree.root())
        assert log.origin == f"{signer.name}/test-log"


def internal_size(db: Database) -> int:
    with db.transaction(write=False) as session:
        log = store.log_of(session, None)
        return 0 if log is None else log.size


def test_each_log_is_its_own_tree(database: Database) -> None:
    before = internal_size(database)
    append_many(database, "test-log", 3)
    append_many(database, None, 2)
    with database.transaction(write=False) as session:
        agreement_log = store.log_of(session, "test-log")
        internal = store.log_of(session, None)
        assert agreement_log is not None and internal is not None
        assert (agreement_log.size, internal.size) == (3, before + 2)
        assert internal.origin.endswith("/internal")


def test_a_rolled_back_append_leaves_nothing(database: Database) -> None:
    before = internal_size(database)
    append_many(database, None, 2)

    def append_then_fail() -> None:
        with database.transaction() as session:
            store.append(session, None, b"{}", "test.event")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        append_then_fail()
    append_many(database, None, 1)
    with database.transaction(write=False) as session:
        log = store.log_of(session, None)
        assert log is not None and log.size == before + 3
        assert [i for i, _ in store.all_entries(session, log.id)] == list(range(before + 3))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE tlog_entries SET leaf = :x WHERE idx = 0",
        "DELETE FROM tlog_entries",
        "UPDATE tlog_subtrees SET hash = :x",
        "DELETE FROM tlog_checkpoints",
    ],
)
def test_the_database_refuses_to_rewrite_a_log(database: Database, sql: str) -> None:
    append_many(database, None, 2)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text(sql), {"x": b"forged"})


def test_the_head_row_is_a_cache_of_the_stored_leaves(database: Database) -> None:
    append_many(database, None, 3)
    with database.transaction(write=False) as session:
        log = store.log_of(session, None)
        assert isinstance(log, LogRow) and store.stored_size(session, log.id) == log.size
