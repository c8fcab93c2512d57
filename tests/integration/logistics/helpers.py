"""Setting up priced, signed orders directly through the services (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.logistics.commands import (
    ImportPrices,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import record_delivery
from relos.logistics.orders.service import raise_order, sign_order
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices
from relos.logistics.settlement.service import record_settlement

PRICES = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to\n"
    "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,2031-12-31\n"
    "IN,INBOM,F-76,fuel,t,80000.00,INR,2026-01-01,\n"
    "RU,,ration-pack,provisions,pack,850.50,RUB,2026-01-01,\n"
)
JULY = datetime(2026, 7, 3, 10, tzinfo=UTC)


def load_prices(db: Database) -> None:
    with db.transaction() as session:
        import_prices(session, SYSTEM, build(ImportPrices, {"lines": csv_rows(PRICES)}))


def agreed_order(
    db: Database,
    tonnes: str = "100",
    requesting: str = "IN",
    supplying: str = "RU",
    facility: str = "RUVVO",
    settlement: str = "cash",
    **extra: Any,
) -> str:
    body = {
        "agreement": "in-ru-relos",
        "requesting_party": requesting,
        "supplying_party": supplying,
        "facility": facility,
        "settlement": settlement,
        "lines": [{"category": "fuel", "item": "F-76", "quantity": tonnes, "unit": "t"}],
        **extra,
    }
    with db.transaction() as session:
        order_id = raise_order(session, SYSTEM, build(RaiseOrder, body)).id
        sign_order(session, SYSTEM, SignOrder(order=order_id, party=requesting))
        sign_order(session, SYSTEM, SignOrder(order=order_id, party=supplying))
    return order_id


def deliver(db: Database, order_id: str, tonnes: str, at: datetime = JULY) -> dict[str, Any]:
    with db.transaction() as session:
        lines = [{"line": 0, "quantity": tonnes}]
        body = {"order": order_id, "lines": lines, "delivered_at": at, "received_by": "Lt R. Singh"}
        return record_delivery(session, SYSTEM, build(RecordDelivery, body)).model_dump()


def settle(
    db: Database, order_id: str, amount: str, currency: str = "RUB", **extra: Any
) -> dict[str, Any]:
    body = {
        "order": order_id,
        "method": "cash",
        "amount": amount,
        "currency": currency,
        "settled_at": datetime(2026, 8, 1, tzinfo=UTC),
        "reference": "test",
        **extra,
    }
    with db.transaction() as session:
        return record_settlement(session, SYSTEM, build(RecordSettlement, body)).model_dump()
