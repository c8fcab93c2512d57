"""Every recorded event is signed into its log; an older event log is copied in first."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from relos.access.domain import SYSTEM
from relos.audit.service import record
from relos.events import DomainEvent, RecordedEvent
from relos.events.models import EventRow
from relos.kit.db import Database
from relos.tlog import dsse, store, verify_service
from relos.tlog.models import EventLeafRow, LogRow, SubtreeRow


def signed_statements(db: Database, agreement: str | None) -> list[bytes]:
    with db.transaction(write=False) as session:
        log = store.log_of(session, agreement)
        assert log is not None
        return [dsse.parse(leaf).payload for _, leaf in store.all_entries(session, log.id)]


def test_an_event_is_signed_into_its_agreement_log(database: Database) -> None:
    with database.transaction() as session:
        recorded = record(
            session, SYSTEM, "test.touch", "thing", "1", ["IN", "RU"], log="in-ru-relos"
        )
    payloads = signed_statements(database, "in-ru-relos")
    assert payloads[-1] == recorded.sealed
    assert hashlib.sha256(payloads[-1]).hexdigest() == recorded.hash
    with database.transaction(write=False) as session:
        log = store.log_of(session, "in-ru-relos")
        assert log is not None
        leaf = store.entries(session, log.id, log.size - 1, log.size)[0][1]
        assert json.loads(leaf)["payloadType"] == "application/vnd.relos.audit.entry.v1+json"
        assert verify_service.verify(session, SYSTEM).whole


def test_events_from_before_the_signed_logs_become_the_first_leaves(database: Database) -> None:
    with database.engine.begin() as conn:
        for table in ("tlog_event_leaves", "tlog_checkpoints", "tlog_subtrees", "tlog_entries"):
            if database.sqlite:
                conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER {table}_append_only ON {table}")
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("DELETE FROM tlog_logs")
    with database.transaction() as session:
        events_before = session.scalar(select(func.count()).select_from(EventRow))
        record(session, SYSTEM, "test.touch", "thing", "1", ["IN"])
    assert events_before
    with database.transaction(write=False) as session:
        signed = [
            hashlib.sha256(dsse.parse(leaf).payload).hexdigest()
            for log in session.scalars(select(LogRow))
            for _, leaf in store.all_entries(session, log.id)
        ]
        rows = list(session.scalars(select(EventRow).order_by(EventRow.id)))
        assert len(rows) == events_before + 1
        assert sorted(signed) == sorted(r.hash for r in rows), "each event signed once"
        assert verify_service.verify(session, SYSTEM).whole


def _recorded_with_statements(
    database: Database, log: str, record_id: str
) -> tuple[RecordedEvent[DomainEvent], list[str]]:
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    sqlalchemy_event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.transaction() as session:
            recorded = record(session, SYSTEM, "test.touch", "thing", record_id, ["IN"], log=log)
    finally:
        sqlalchemy_event.remove(database.engine, "before_cursor_execute", note)
    return recorded, statements


def test_a_known_head_is_checked_in_the_same_read_as_the_event_log_head(
    database: Database,
) -> None:
    """The signed log's size and the announced key are read with the event log's head,
    under its lock; a head another process moved meanwhile is still noticed."""
    log = "in-ru-relos"
    with database.transaction() as session:  # this process now knows the log's head
        record(session, SYSTEM, "test.touch", "thing", "1", ["IN"], log=log)
    recorded, statements = _recorded_with_statements(database, log, "2")
    size_reads = [s for s in statements if "max(tlog_entries.idx)" in s]
    assert len(size_reads) == 1
    assert "FROM events" in size_reads[0] and "tlog_node.verifier_key" in size_reads[0]
    # The node's party (federation's check before every write) is read there too.
    assert "tlog_node.party" in size_reads[0]
    assert not [s for s in statements if s.lstrip().startswith("SELECT tlog_node.party")]
    assert signed_statements(database, log)[-1] == recorded.sealed

    other = Database(database.url)  # another process, with its own memory of heads
    try:
        for record_id in ("3a", "3b", "3c"):  # the frontier changes shape as the log grows
            with other.transaction() as session:
                record(session, SYSTEM, "test.touch", "thing", record_id, ["IN"], log=log)
    finally:
        other.dispose()
    recorded, statements = _recorded_with_statements(database, log, "4")
    # The size read with the head showed the log had grown: only the grown tree's frontier
    # is read again (the log's row and its size are known already).
    assert len([s for s in statements if "max(tlog_entries.idx)" in s]) == 1
    assert not [s for s in statements if "FROM tlog_logs" in s]
    assert len([s for s in statements if "FROM tlog_subtrees" in s]) == 1
    assert signed_statements(database, log)[-1] == recorded.sealed
    with database.transaction(write=False) as session:
        assert verify_service.verify(session, SYSTEM).whole


def test_on_postgresql_the_event_and_its_signed_leaf_are_one_statement(
    database: Database,
) -> None:
    """The event's row, its leaf, the subtrees and the event-to-leaf row are one INSERT
    (PostgreSQL), its id drawn with the head; SQLite writes them one by one."""
    log = "in-ru-relos"
    with database.transaction() as session:
        record(session, SYSTEM, "test.touch", "thing", "1", ["IN"], log=log)
    recorded, statements = _recorded_with_statements(database, log, "2")
    writes = [s for s in statements if "INSERT INTO" in s and "events" in s]
    if database.sqlite:
        assert not [s for s in writes if "tlog_entries" in s and "INTO events" in s]
    else:
        assert len(writes) == 1
        assert all(table in writes[0] for table in ("tlog_entries", "tlog_event_leaves"))
        head = [s for s in statements if "nextval('events_id_seq')" in s]
        assert len(head) == 1 and "FROM events" in head[0]
    with database.transaction(write=False) as session:
        leaf = session.execute(
            select(EventLeafRow.event_id).where(EventLeafRow.event_id == recorded.id)
        ).scalar()
        assert leaf == recorded.id
        assert verify_service.verify(session, SYSTEM).whole


def test_an_event_whose_leaf_cannot_be_written_is_not_written_either(
    database: Database,
) -> None:
    """A leaf refused by the database (here: its subtree's place taken) takes its event down:
    no event without its leaf, whether the two are one statement or several."""
    log = "in-ru-relos"
    with database.transaction() as session:
        record(session, SYSTEM, "test.touch", "thing", "1", ["IN"], log=log)
    with database.transaction(write=False) as session:
        events_before = session.scalar(select(func.count()).select_from(EventRow))
        logged = store.log_of(session, log)
        assert logged is not None
        log_id, size = logged.id, int(logged.size)
    with database.engine.begin() as conn:  # a stray subtree where the next leaf's goes
        row = {"log_id": log_id, "level": 0, "idx": size, "hash": b"x" * 32}
        conn.execute(insert(SubtreeRow), row)
    with pytest.raises(IntegrityError), database.transaction() as session:
        record(session, SYSTEM, "test.touch", "thing", "2", ["IN"], log=log)
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(EventRow)) == events_before
        assert session.scalar(select(func.count()).select_from(EventLeafRow)) == events_before
