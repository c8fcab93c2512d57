"""Migration 0013_tlog_event_leaves finds the signed leaf of every event already signed.

A database signed before the mapping existed has only its leaves: the migration reads each
leaf's payload (the event's sealed statement, naming its log and position) and maps the
event whose hash it is. Run here on a database whose mapping is emptied; then the trail
reads every event from its leaf again, and a leaf that does not hold its event is left out.
"""

from __future__ import annotations

import importlib

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text

from relos.access.domain import SYSTEM
from relos.audit.service import list_entries, record
from relos.audit.verify import verify
from relos.kit.db import Database

MIGRATION = importlib.import_module("relos.migrations.versions.0013_tlog_event_leaves")


def mapping(db: Database) -> list[tuple[int, int, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT event_id, log_id, idx FROM tlog_event_leaves"))
        return sorted((int(a), int(b), int(c)) for a, b, c in rows)


def test_the_migration_maps_every_signed_event(database: Database) -> None:
    with database.transaction() as session:
        for i in range(5):
            record(session, SYSTEM, "test.touch", "thing", str(i), ["IN"], after={"i": i})
    kept = mapping(database)
    with database.transaction(write=False) as session:
        before = list_entries(session, SYSTEM)
    assert len(kept) == len(before) >= 5
    with database.engine.begin() as conn:
        if database.sqlite:
            conn.exec_driver_sql("DROP TRIGGER tlog_event_leaves_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER tlog_event_leaves_append_only ON tlog_event_leaves")
        conn.exec_driver_sql("DELETE FROM tlog_event_leaves")
    with database.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        MIGRATION._backfill()
    assert mapping(database) == kept
    with database.transaction(write=False) as session:
        assert list_entries(session, SYSTEM) == before
        assert verify(session, SYSTEM).whole
