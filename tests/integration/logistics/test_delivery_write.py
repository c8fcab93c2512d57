"""Recording a delivery: the answer built without reading back is the order as stored, and
on PostgreSQL the append under the log's lock is a handful of statements, one of them the
event with everything it adds (its delivery, postings, totals, spans and signed leaf)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from tests.integration.logistics.helpers import agreed_order, deliver, load_prices, settle

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.logistics.orders.service import get_order

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
