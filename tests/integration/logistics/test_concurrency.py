"""Parallel settlements and deliveries of one order, from separate OS processes.

Each worker opens its own engine on the same database and races the others from a shared
start instant; the order's advisory lock (PostgreSQL) or BEGIN IMMEDIATE (SQLite) must let
exactly as many through as fit.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from tests.integration.logistics.helpers import agreed_order, deliver, load_prices

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.kit.errors import RuleViolations
from relos.logistics.commands import RecordDelivery, RecordSettlement, build
from relos.logistics.deliveries.service import record_delivery
from relos.logistics.ledger import repository as ledger
from relos.logistics.orders import repository
from relos.logistics.settlement.service import record_settlement

WORKERS = 6


def _settle(url: str, order_id: str, start_at: float) -> str:
    db = Database(url)
    body = {
        "order": order_id,
        "method": "cash",
        "amount": "2000000.00",
        "currency": "RUB",
        "settled_at": datetime(2026, 8, 1, tzinfo=UTC),
        "reference": "race",
    }
    try:
        time.sleep(max(0.0, start_at - time.time()))
        with db.transaction() as session:
            record_settlement(session, SYSTEM, build(RecordSettlement, body))
        return "ok"
    except RuleViolations as refused:
        return refused.violations[0].code
    finally:
        db.dispose()


def _deliver(url: str, order_id: str, start_at: float) -> str:
    db = Database(url)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        with db.transaction() as session:
            body = {
                "order": order_id,
                "lines": [{"line": 0, "quantity": "30"}],
                "delivered_at": datetime(2026, 7, 3, tzinfo=UTC),
                "received_by": "race",
            }
            record_delivery(session, SYSTEM, build(RecordDelivery, body))
        return "ok"
    except RuleViolations as refused:
        return refused.violations[0].code
    finally:
        db.dispose()


def _race(worker: object, url: str, order_id: str) -> list[str]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        start_at = time.time() + 3.0
        futures = [pool.submit(worker, url, order_id, start_at) for _ in range(WORKERS)]  # type: ignore[arg-type]
        return sorted(f.result() for f in futures)


def test_parallel_settlements_cannot_over_settle(database: Database) -> None:
    load_prices(database)
    order_id = agreed_order(database)
    deliver(database, order_id, "100")  # 7,000,000.00 RUB owed; room for three of 2,000,000
    results = _race(_settle, database.url, order_id)
    assert results.count("ok") == 3
    assert results.count("over_settlement") == WORKERS - 3
    with database.transaction(write=False) as session:
        [balance] = ledger.balances(session, "in-ru-relos", None)
        assert balance.amount_minor == 100_000_000  # 1,000,000.00 RUB still owed


def test_parallel_deliveries_cannot_over_deliver(database: Database) -> None:
    load_prices(database)
    order_id = agreed_order(database, tonnes="100")
    results = _race(_deliver, database.url, order_id)
    assert results.count("ok") == 3
    assert results.count("over_delivery") == WORKERS - 3
    with database.transaction(write=False) as session:
        [line] = repository.order_lines(session, order_id)
        assert str(line.delivered) == "90"
        [balance] = ledger.balances(session, "in-ru-relos", None)
        assert balance.amount_minor == 90 * 70000 * 100
