"""Orders cross between nodes as signed facts, each by its one writer, and are re-judged on
the receiving node with the same rules: raised on IN's node, signed on both, delivered on
RU's, its receipt acknowledged and the order settled on IN's; both ledgers then hold the
same postings and balances, and both nodes show the receipt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from tests.e2e.cli_runner import cli_env, relos
from tests.integration.federation.nodes import Node
from tests.integration.logistics.helpers import JULY, PRICES

from relos.access.domain import SYSTEM
from relos.federation import arrival, attest, bundle
from relos.federation.models import IncidentRow, ReceivedRow
from relos.kit.errors import Forbidden
from relos.logistics.commands import (
    AcknowledgeReceipt,
    ImportPrices,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import acknowledge_receipt, record_delivery
from relos.logistics.ledger import service as ledger
from relos.logistics.models import BalanceRow, DeliveryRow
from relos.logistics.orders import repository
from relos.logistics.orders.service import raise_order, sign_order
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices
from relos.logistics.settlement.service import record_settlement

pytestmark = pytest.mark.postgres

ORDER = {
    "agreement": "in-ru-relos",
    "requesting_party": "IN",
    "supplying_party": "RU",
    "facility": "RUVVO",
    "settlement": "cash",
    "lines": [{"category": "fuel", "item": "F-76", "quantity": "100", "unit": "t"}],
}


def _prices(node: Node, text: str = PRICES) -> None:
    with node.db.transaction() as session:
        import_prices(session, SYSTEM, build(ImportPrices, {"lines": csv_rows(text)}))


def _carry(source: Node, target: Node) -> arrival.Outcome:
    with source.db.transaction() as session:
        data = bundle.export(session, target.party)
    return bundle.import_bundle(target.db, data)


def _order(node: Node, order_id: str) -> dict[str, Any]:
    with node.db.transaction(write=False) as session:
        row = repository.order(session, order_id)
        assert row is not None, f"no order {order_id} on {node.party}"
        return {"status": row.status, "reference": row.reference}


def _books(node: Node) -> tuple[list[Any], Any]:
    with node.db.transaction(write=False) as session:
        found = ledger.balances(session, SYSTEM, "in-ru-relos")
        return [b.model_dump() for b in found], ledger.trial_balance(session, SYSTEM).model_dump()


def _raise(node: Node) -> str:
    with node.db.transaction() as session:
        return raise_order(session, SYSTEM, build(RaiseOrder, ORDER)).id


def _sign(node: Node, order_id: str) -> None:
    with node.db.transaction() as session:
        sign_order(session, SYSTEM, SignOrder(order=order_id, party=node.party))


def _deliver(node: Node, order_id: str, tonnes: str) -> None:
    body = {"order": order_id, "lines": [{"line": 0, "quantity": tonnes}]}
    body |= {"delivered_at": JULY, "received_by": "Lt R. Singh"}
    with node.db.transaction() as session:
        record_delivery(session, SYSTEM, build(RecordDelivery, body))


def _receipts(node: Node, order_id: str) -> list[tuple[Any, ...]]:
    with node.db.transaction(write=False) as session:
        rows = session.query(DeliveryRow).filter(DeliveryRow.order_id == order_id).all()
        return [(r.id, r.received_at, r.receipt_officer, r.receipt_note) for r in rows]


def _receive(node: Node, order_id: str) -> None:
    [(delivery, *_)] = _receipts(node, order_id)
    body = {"order": order_id, "delivery": delivery, "received_by": "Lt A. Rao"}
    body |= {"received_at": datetime(2026, 7, 3, 12, tzinfo=UTC), "note": "seals intact"}
    with node.db.transaction() as session:
        acknowledge_receipt(session, SYSTEM, build(AcknowledgeReceipt, body))


def _agreed(india: Node, russia: Node) -> str:
    order_id = _raise(india)
    _sign(india, order_id)
    assert _carry(india, russia).applied == 2
    _sign(russia, order_id)
    assert _carry(russia, india).applied == 1
    return order_id


def test_an_order_is_signed_on_both_delivered_settled_and_both_books_agree(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    india, russia = nodes
    _prices(india), _prices(russia)
    order_id = _agreed(india, russia)
    assert _order(india, order_id) == _order(russia, order_id)
    assert _order(russia, order_id)["status"] == "agreed"
    _deliver(russia, order_id, "100")
    assert _carry(russia, india).applied == 1
    with pytest.raises(Forbidden):  # the supplier's node may not write the receipt
        _receive(russia, order_id)
    _receive(india, order_id)
    body = {"order": order_id, "method": "cash", "amount": "7000000.00", "currency": "RUB"}
    body |= {"settled_at": datetime(2026, 8, 1, tzinfo=UTC), "reference": "swift 1"}
    with india.db.transaction() as session:
        record_settlement(session, SYSTEM, build(RecordSettlement, body))
    outcome = _carry(india, russia)
    assert (outcome.applied, outcome.rejected, outcome.incidents) == (2, 0, [])
    assert _order(india, order_id) == _order(russia, order_id)
    assert _order(russia, order_id)["status"] == "settled"
    [receipt] = _receipts(russia, order_id)
    assert receipt[2:] == ("Lt A. Rao", "seals intact") and receipt[1] is not None
    assert _receipts(india, order_id) == _receipts(russia, order_id)
    assert _books(india) == _books(russia)
    balances, trial = _books(india)
    assert Decimal(trial["RUB"]["debit"]) > 0
    assert all(Decimal(b["amount"]) == 0 for b in balances)
    _exchange(india, russia)
    ours, theirs = _statement(india, "RU"), _statement(russia, "IN")
    assert ours["outcome"] == theirs["outcome"] == "agreed"
    assert ours["state"] == theirs["state"] and ours["facts"] == theirs["facts"]
    assert ours["facts"] == {"IN": 4, "RU": 2}
    assert {ours["ours"], ours["theirs"]} == {theirs["ours"], theirs["theirs"]}
    for node in nodes:  # rows written from a peer's facts are the replay of its events
        env = {**cli_env(tmp_path / node.party.lower()), "RELOS_DATABASE_URL": node.db.url}
        checked = relos(env, "db", "replay", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr


def _exchange(india: Node, russia: Node) -> None:
    """Carry both ways until neither side has anything new (statements answered)."""
    for _ in range(3):
        assert _carry(russia, india).incidents == []
        assert _carry(india, russia).incidents == []


def _statement(node: Node, peer: str) -> dict[str, Any]:
    with node.db.transaction(write=False) as session:
        (found,) = attest.describe(session, peer)
    assert found.last_agreed is not None, found
    return found.last_agreed.model_dump()


def test_books_that_differ_at_the_same_facts_are_an_incident_on_both_nodes(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    india, russia = nodes
    _prices(india), _prices(russia)
    order_id = _agreed(india, russia)
    _deliver(russia, order_id, "40")
    _exchange(india, russia)
    with russia.db.transaction() as session:
        # RU's books drift: someone edits the balance table behind the ledger's back.
        session.execute(update(BalanceRow).values(amount_minor=BalanceRow.amount_minor + 100))
    env = {**cli_env(tmp_path / "ru"), "RELOS_DATABASE_URL": russia.db.url}
    attested = relos(env, "peer", "attest", "IN")
    assert "IN: statement signed for in-ru-relos" in attested.stdout, attested.stderr
    found = _carry(russia, india).incidents
    assert [i.split(":")[0] for i in found] == ["statement"]
    back = _carry(india, russia).incidents
    assert [i.split(":")[0] for i in back] == ["statement"]
    with india.db.transaction(write=False) as session:
        evidence = session.query(IncidentRow).filter(IncidentRow.kind == "statement").one()
        stated = evidence.evidence
        assert stated["ours"]["state"] != stated["theirs"]["state"]
        assert stated["ours"]["facts"] == stated["theirs"]["facts"]
    shown = relos(env, "peer", "status")
    assert shown.returncode == 1, shown.stdout  # an open incident
    assert "statement IN in-ru-relos: last differ" in shown.stdout, shown.stdout


def test_a_node_refuses_to_originate_what_its_party_may_not_write(
    nodes: tuple[Node, Node],
) -> None:
    india, russia = nodes
    _prices(india), _prices(russia)
    order_id = _agreed(india, russia)
    with pytest.raises(Forbidden), india.db.transaction() as session:
        record_delivery(
            session,
            SYSTEM,
            build(
                RecordDelivery,
                {
                    "order": order_id,
                    "lines": [{"line": 0, "quantity": "1"}],
                    "delivered_at": JULY,
                    "received_by": "x",
                },
            ),
        )
    with pytest.raises(Forbidden), russia.db.transaction() as session:
        raise_order(session, SYSTEM, build(RaiseOrder, ORDER))


def test_the_receiving_node_rejudges_prices_and_quantities(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    india, russia = nodes
    _prices(india)
    # RU's node charges another price than the list IN's node holds.
    _prices(russia, PRICES.replace("70000.00", "75000.00"))
    order_id = _agreed(india, russia)
    _deliver(russia, order_id, "40")
    outcome = _carry(russia, india)
    assert (outcome.applied, outcome.rejected) == (0, 1)
    with india.db.transaction(write=False) as session:
        rejected = session.query(ReceivedRow).filter(ReceivedRow.state == "rejected").one()
        assert "lots" in rejected.reasons[0] and "postings" in rejected.reasons[0]
    assert _order(india, order_id)["status"] == "agreed"
    back = _carry(india, russia)
    assert [i.split(":")[0] for i in back.incidents] == ["rejected"]
    # IN's reconciliation against RU's entries lists RU's postings IN does not hold.
    env = {**cli_env(tmp_path / "in"), "RELOS_DATABASE_URL": india.db.url}
    found = relos(env, "ledger", "reconcile", "--peer", "RU", "--json")
    assert found.returncode == 1, found.stdout + found.stderr
    listed = json.loads(found.stdout)
    assert [r["amount"] for r in listed["missing_on_ours"]] == ["3000000.00"]
    assert listed["missing_on_theirs"] == [] and listed["mismatched"] == []
    env = {**cli_env(tmp_path / "ru"), "RELOS_DATABASE_URL": russia.db.url}
    found = relos(env, "ledger", "reconcile", "--peer", "IN")
    assert found.returncode == 1 and "missing on theirs: 1" in found.stdout, found.stdout


def test_an_over_delivery_is_rejected_where_it_is_rejudged(nodes: tuple[Node, Node]) -> None:
    india, russia = nodes
    _prices(india), _prices(russia)
    order_id = _agreed(india, russia)
    _deliver(russia, order_id, "60")
    assert _carry(russia, india).applied == 1
    with russia.db.transaction() as session:
        # RU's node forgets what it delivered, so its own rules let 50 t more through.
        for line in repository.order_lines(session, order_id):
            line.delivered = Decimal(0)
    _deliver(russia, order_id, "50")
    outcome = _carry(russia, india)
    assert (outcome.applied, outcome.rejected) == (0, 1)
    with india.db.transaction(write=False) as session:
        reasons = session.query(ReceivedRow).filter(ReceivedRow.state == "rejected").one()
        assert "over_delivery" in reasons.reasons[0]
    assert _books(india) != _books(russia)
