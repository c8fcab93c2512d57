"""The audit trail is a view of the signed logs, and `relos audit verify` verifies them.

Each entry is shown as decoded from the signed leaf holding it, so an event row changed by
someone who dropped the triggers does not change what the trail shows; a leaf changed or
re-signed by another key, and events cut from the table, are each named by the verifier.
Both databases.
"""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from relos.access.domain import SYSTEM, Principal
from relos.audit import repository
from relos.audit.service import list_entries, record
from relos.audit.verify import verify
from relos.kit.db import Database
from relos.tlog import dsse
from relos.tlog.keys import Signer
from relos.tlog.service import LogIntegrityFailure


def fill(db: Database) -> list[int]:
    with db.transaction() as session:
        for i in range(4):
            record(session, SYSTEM, "test.touch", "thing", f"t{i}", ["IN", "RU"], after={"i": i})
        record(session, SYSTEM, "test.touch", "thing", "ru-only", ["RU"])
    with db.transaction(write=False) as session:
        return [e.id for e in list_entries(session, SYSTEM) if e.record_type == "thing"]


def tamper(db: Database, sql: str, **params: object) -> None:
    with db.engine.begin() as conn:
        tables = ("events", "tlog_entries", "tlog_event_leaves")
        if db.sqlite:
            for table in tables:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            for table in tables:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.execute(text(sql), params)


def leaf_of(db: Database, event_id: int) -> tuple[int, int, bytes]:
    with db.transaction(write=False) as session:
        for row, leaf, _, index in repository.in_order(session):
            if row.id == event_id:
                assert leaf is not None and index is not None
                log_id = session.scalar(
                    text("SELECT log_id FROM tlog_event_leaves WHERE event_id = :id"),
                    {"id": event_id},
                )
                return int(log_id), index, leaf
    raise AssertionError(event_id)


def re_sign(db: Database, event_id: int) -> int:
    """The event's signed leaf, the same statement re-signed by a key that is not the
    node's (the triggers dropped); its index."""
    log_id, index, leaf = leaf_of(db, event_id)
    envelope = dsse.parse(leaf)
    intruder = Signer.generate("relos.example/node")
    tamper(
        db,
        "UPDATE tlog_entries SET leaf = :x WHERE log_id = :log AND idx = :idx",
        x=dsse.seal(envelope.payload, envelope.payload_type, [intruder]),
        log=log_id,
        idx=index,
    )
    return index


def broken(db: Database) -> tuple[int | None, str] | None:
    with db.transaction(write=False) as session:
        found = verify(session, SYSTEM).broken
    return None if found is None else (found.entry_id, found.reason)


def auditor(party: str) -> Principal:
    return Principal(1, f"{party.lower()}-auditor", party, frozenset({"auditor"}))


def test_entries_are_read_from_their_signed_leaves(database: Database) -> None:
    ids = fill(database)
    with database.transaction(write=False) as session:
        entries = {e.id: e for e in list_entries(session, SYSTEM)}
    first = entries[ids[0]]
    _, _, leaf = leaf_of(database, ids[0])
    payload = dsse.parse(leaf).payload
    assert first.hash == hashlib.sha256(payload).hexdigest()
    assert first.record_id == "t0" and first.detail == {}
    # Someone rewrites the event row (not its signed leaf): the trail still shows the leaf,
    # and verify names the event.
    tamper(database, "UPDATE events SET record_id = 'forged' WHERE id = :id", id=ids[0])
    with database.transaction(write=False) as session:
        shown = [e for e in list_entries(session, SYSTEM) if e.id == ids[0]]
    assert shown[0].record_id == "t0"
    assert broken(database) == (
        ids[0],
        "its content does not match its hash: the event was changed",
    )


def test_party_scoping_holds_on_the_signed_view(database: Database) -> None:
    fill(database)
    with database.transaction(write=False) as session:
        seen_in = {e.record_id for e in list_entries(session, auditor("IN"))}
        seen_ru = {e.record_id for e in list_entries(session, auditor("RU"))}
    assert "ru-only" not in seen_in and "ru-only" in seen_ru
    assert {"t0", "t3"} <= seen_in


def test_a_changed_leaf_is_named_by_its_event(database: Database) -> None:
    ids = fill(database)
    log_id, index, _ = leaf_of(database, ids[1])
    intruder = Signer.generate("relos.example/node")
    forged = dsse.seal(b'{"log":"internal","seq":1}', "application/vnd.relos.x+json", [intruder])
    tamper(
        database,
        "UPDATE tlog_entries SET leaf = :x WHERE log_id = :log AND idx = :idx",
        x=forged,
        log=log_id,
        idx=index,
    )
    found = broken(database)
    assert found is not None and found[0] == ids[1]
    assert "differs from its signed leaf" in found[1]
    with database.transaction(write=False) as session, pytest.raises(LogIntegrityFailure):
        list_entries(session, SYSTEM)


def test_a_leaf_re_signed_by_another_key_is_refused(database: Database) -> None:
    ids = fill(database)
    index = re_sign(database, ids[2])
    found = broken(database)
    assert found is not None and found[0] == ids[2]
    assert f"entry {index}: its signature does not verify by the node's key" in found[1]


def test_events_cut_from_the_table_are_caught_without_an_anchor(database: Database) -> None:
    ids = fill(database)
    tamper(database, "DELETE FROM events WHERE id >= :id", id=ids[-2])
    found = broken(database)
    assert found is not None and "signed, but gone from the event log" in found[1]
