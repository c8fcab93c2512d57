"""An event's id: on PostgreSQL drawn from `events_id_seq` with the log's head, under the
log's lock, so within a log ids rise with seq (the order replay follows) on both databases."""

from __future__ import annotations

from sqlalchemy import select, text

from relos.access.domain import SYSTEM
from relos.audit.service import record
from relos.events.models import EventRow
from relos.kit.db import Database


def test_ids_within_a_log_rise_with_its_sequence(database: Database) -> None:
    for n in range(3):
        with database.transaction() as session:
            for m in range(2):
                record(session, SYSTEM, "test.touch", "thing", f"{n}.{m}", ["IN"], log="x-y")
    with database.transaction(write=False) as session:
        rows = session.execute(
            select(EventRow.id, EventRow.seq).where(EventRow.log == "x-y").order_by(EventRow.seq)
        ).all()
        if not database.sqlite:  # the sequence `record` draws from is the column's own
            owner = "SELECT pg_get_serial_sequence('events', 'id')"
            assert session.execute(text(owner)).scalar() == "public.events_id_seq"
    assert [seq for _, seq in rows] == list(range(1, 7))
    assert [id_ for id_, _ in rows] == sorted(id_ for id_, _ in rows)
