"""The demo set loads once, tells its story (one overdue order) and keeps the ledger sound."""

from __future__ import annotations

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.kit.timeutil import utcnow
from relos.lifecycle import load_demo
from relos.logistics import demo
from relos.logistics.ledger import service as ledger_service
from relos.logistics.orders import service
from relos.logistics.prices.service import list_prices
from relos.logistics.statements.service import overdue as list_overdue


def test_demo_loads_idempotently_with_one_overdue_order(database: Database) -> None:
    with database.transaction() as session:
        assert demo.load(session) == 5
    with database.transaction() as session:
        assert demo.load(session) == 0
    with database.transaction(write=False) as session:
        orders = [o.model_dump() for o in service.list_orders(session, SYSTEM, "in-ru-relos", None)]
        overdue = [o.model_dump() for o in list_overdue(session, SYSTEM, utcnow().date())]
        balances = [b.model_dump() for b in ledger_service.balances(session, SYSTEM, "in-ru-relos")]
        trial = ledger_service.trial_balance(session, SYSTEM).model_dump()
        prices = [p.model_dump() for p in list_prices(session, SYSTEM, None)]
    assert sorted(o["status"] for o in orders) == [
        "agreed",
        "delivered",
        "delivered",
        "delivered",
        "settled",
    ]
    [late] = overdue
    assert (late["creditor"], late["debtor"], late["amount"]) == ("RU", "IN", "2608500.00")
    assert {(b["creditor"], b["currency"]) for b in balances} == {("RU", "RUB"), ("IN", "INR")}
    assert all(sides["debit"] == sides["credit"] for sides in trial.values())
    assert all(p["source"].startswith("illustrative") for p in prices)


def test_the_undelivered_order_supports_the_next_indian_deployment(database: Database) -> None:
    loaded = load_demo(database)  # every feature's demo, deployments before logistics
    assert loaded["logistics"] == 5
    with database.transaction(write=False) as session:
        orders = [
            o.model_dump() for o in service.list_orders(session, SYSTEM, "in-ru-relos", "agreed")
        ]
    [jet_fuel] = orders
    assert jet_fuel["facility"] == "UHWW"
    if loaded.get("deployments"):
        assert jet_fuel["deployment"] is not None
