"""Recording a delivery: the answer built without reading back is the order as stored, and
on PostgreSQL the append under the log's lock is a handful of statements, one of them the
event with everything it adds (its delivery, postings, totals, spans and signed leaf)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from tests.integration.logistics.helpers import JULY, agreed_order, deliver, load_prices, settle

from relos.access.domain import SYSTEM
from relos.audit import verify as audit
from relos.audit.service import record as touch
from relos.events import record
from relos.kit.db import Database
from relos.logistics.events import LineRecord, OrderRaised
from relos.logistics.orders.service import get_order
from relos.tlog import verify_service

AUGUST = datetime(2026, 8, 4, 9, tzinfo=UTC)


def test_a_deliverys_answer_is_the_order_as_stored(database: Database) -> None:
    load_prices(database)
    order = agreed_order(database, tonnes="100")
    first = deliver(database, order, "10")
    settle(database, order, "100000.00")
    answer = deliver(database, order, "5", at=AUGUST)
    with database.transaction(write=False) as session:
        stored = get_order(session, SYSTEM, order).model_dump()
    assert answer == stored
    assert answer["deliveries"][0]["id"] == first["deliveries"][0]["id"]
    assert answer["lines"][0]["delivered"] == "15"
    assert answer["owed"] == [{"currency": "RUB", "amount": "950000.00"}]


def test_under_the_log_lock_a_delivery_is_six_statements_on_postgresql(
    database: Database,
) -> None:
    load_prices(database)
    order = agreed_order(database)
    deliver(database, order, "10")  # this process now knows the log's head
    order = agreed_order(database)
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        deliver(database, order, "10")
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    head = next(n for n, s in enumerate(statements) if "events.log =" in s)
    under_lock = statements[head:]
    if database.sqlite:
        assert any(s.startswith("INSERT INTO ledger_postings") for s in under_lock)
        return
    writes = [s for s in under_lock if "INSERT INTO" in s and '"events"' in s]
    assert len(writes) == 1
    for table in ("deliveries", "ledger_postings", "ledger_balances", "tlog_entries"):
        assert f'"{table}"' in writes[0], table
    assert "ON CONFLICT" in writes[0]
    # The head, the lines' and the order's UPDATEs, the spans' DELETE with the postings'
    # read, the one INSERT and, at commit, the checkpoint.
    assert len(under_lock) == 6, under_lock


def test_an_append_refused_in_a_savepoint_leaves_the_signed_log_sound(
    database: Database,
) -> None:
    """A fact refused when its rows are written (here an order id taken: on PostgreSQL only
    once its leaf is signed, in the same statement) is rolled back to its savepoint, as a
    peer's fact is judged; what the transaction appends next still verifies."""
    load_prices(database)
    order = agreed_order(database)
    again = OrderRaised(
        order=order,
        reference="ORD-TAKEN",
        agreement="in-ru-relos",
        parties=("IN", "RU"),
        facility="RUVVO",
        deployment=None,
        settlement="cash",
        counter_to=None,
        lines=[LineRecord(category="fuel", item="F-76", quantity=Decimal(1), unit="t")],
        created_at=JULY,
        created_by="test",
    )
    with database.transaction() as session:
        touch(session, SYSTEM, "test.touch", "thing", "1", ["IN"], log="in-ru-relos")
        nested = session.begin_nested()
        with pytest.raises(IntegrityError):
            record(session, SYSTEM, again, JULY)
        nested.rollback()
        touch(session, SYSTEM, "test.touch", "thing", "2", ["IN"], log="in-ru-relos")
    with database.transaction(write=False) as session:
        assert verify_service.verify(session, SYSTEM).whole
        assert audit.verify(session, SYSTEM).whole
