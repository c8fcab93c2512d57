"""The logistics read tables, written by projectors from events and from nothing else.

Each projector applies one event to the tables in the caller's transaction. They decide
nothing, read no clock and make no ids: the rules ran before the event was made and the
event carries their outcome, so replaying the same events in the same order writes the
same rows. Ledger postings and entries are only ever inserted (the database refuses
UPDATE and DELETE on them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

import relos.logistics.rebuild  # noqa: F401  (registers the hook that lets a rebuild through)
from relos.events import RecordedEvent, projection_tables, projector
from relos.kit.inserts import write_rows
from relos.kit.money import Money
from relos.logistics.events import (
    DeliveryReceived,
    DeliveryRecorded,
    OrderRaised,
    OrderSigned,
    PostingRecord,
    PostingReversed,
    PostingsImported,
    PricesImported,
    QuantityRecord,
    RatesImported,
    SettlementRecorded,
)
from relos.logistics.ledger.writes import insert_postings
from relos.logistics.models import (
    DeliveryRow,
    OrderLineRow,
    OrderRow,
    PriceRow,
    RateRow,
    SettlementRow,
    SignatureRow,
)
from relos.logistics.orders import repository

projection_tables(
    "logistics",
    "price_lines",
    "exchange_rates",
    "support_orders",
    "support_order_lines",
    "support_order_signatures",
    "deliveries",
    "settlements",
    "ledger_postings",
    "ledger_entries",
    "ledger_balances",
    "ledger_positions",
    "ledger_day_totals",
    "ledger_overdue_spans",
)


def _postings(session: Session, records: list[PostingRecord], at: Any) -> None:
    insert_postings(session, [record.posting() for record in records], at)


def _order(session: Session, order_id: str) -> OrderRow:
    row = repository.order(session, order_id)
    if row is None:  # events arrive in order; a missing order is a broken log
        raise LookupError(f"event for unknown support order {order_id}")
    return row


@projector(PricesImported)
def prices_imported(session: Session, recorded: RecordedEvent[PricesImported]) -> None:
    event = recorded.event
    for line in event.lines:
        session.add(
            PriceRow(
                **line.model_dump(), imported_at=event.imported_at, imported_by=event.imported_by
            )
        )
    session.flush()


@projector(RatesImported)
def rates_imported(session: Session, recorded: RecordedEvent[RatesImported]) -> None:
    event = recorded.event
    for rate in event.rates:
        session.merge(RateRow(**rate.model_dump()))
    session.flush()


ORDERS: Table = OrderRow.__table__  # type: ignore[assignment]
ORDER_LINES: Table = OrderLineRow.__table__  # type: ignore[assignment]


def raised_values(event: OrderRaised) -> dict[str, Any]:
    """The order's row as raising it writes it (column values)."""
    return {
        "id": event.order,
        "reference": event.reference or f"ORD-{event.order}"[:40],
        "agreement_id": event.agreement,
        "requesting_party": event.parties[0],
        "supplying_party": event.parties[1],
        "facility": event.facility,
        "deployment_id": event.deployment,
        "settlement": event.settlement,
        "status": "requested",
        "counter_to": event.counter_to,
        "created_at": event.created_at,
        "created_by": event.created_by,
    }


def raised_line_values(event: OrderRaised) -> list[dict[str, Any]]:
    """The order's lines as raising it writes them, nothing yet delivered or returned."""
    return [
        {
            "order_id": event.order,
            "line_no": number,
            **line.model_dump(),
            "delivered": Decimal(0),
            "returned": Decimal(0),
        }
        for number, line in enumerate(event.lines)
    ]


@projector(OrderRaised)
def order_raised(session: Session, recorded: RecordedEvent[OrderRaised]) -> None:
    # Core inserts (the order first: the lines refer to it); the ORM's unit of work for
    # these new rows cost more than the rest of the append.
    order, lines = raised_values(recorded.event), raised_line_values(recorded.event)
    # On PostgreSQL one statement with the event's own row (relos.kit.inserts.write_rows).
    write_rows(session, [(ORDERS, [order]), (ORDER_LINES, lines)])


@projector(OrderSigned)
def order_signed(session: Session, recorded: RecordedEvent[OrderSigned]) -> None:
    event = recorded.event
    _order(session, event.order).status = event.status
    session.add(
        SignatureRow(
            order_id=event.order,
            party=event.party,
            signed_by=event.signed_by,
            signed_at=event.signed_at,
        )
    )
    session.flush()


def _move_lines(
    session: Session, order_id: str, quantities: list[QuantityRecord], column: str
) -> None:
    lines = _lines_named(session, order_id, {entry.line for entry in quantities})
    for entry in quantities:
        line = lines[entry.line]
        setattr(line, column, getattr(line, column) + entry.quantity)


def _lines_named(session: Session, order_id: str, numbers: set[int]) -> dict[int, OrderLineRow]:
    """The order's lines by number: those this session holds already (the service that
    judged the event read them), read only when one is missing."""
    held = {n: session.identity_map.get(identity_key(OrderLineRow, (order_id, n))) for n in numbers}
    if all(isinstance(line, OrderLineRow) for line in held.values()):
        return {n: line for n, line in held.items() if isinstance(line, OrderLineRow)}
    return {line.line_no: line for line in repository.order_lines(session, order_id)}


DELIVERIES: Table = DeliveryRow.__table__  # type: ignore[assignment]


def delivery_values(event: DeliveryRecorded) -> dict[str, Any]:
    """The delivery's row as recording it writes it (column values)."""
    return {
        "id": event.delivery,
        "order_id": event.order,
        "delivered_at": event.delivered_at,
        "received_by": event.received_by,
        "recorded_by": event.recorded_by,
        "lines": [lot.model_dump(mode="json") for lot in event.lots],
    }


@projector(DeliveryRecorded)
def delivery_recorded(session: Session, recorded: RecordedEvent[DeliveryRecorded]) -> None:
    event = recorded.event
    moved = [QuantityRecord(line=lot.line, quantity=lot.quantity) for lot in event.lots]
    _move_lines(session, event.order, moved, "delivered")
    _order(session, event.order).status = event.status
    session.flush()
    # New rows as Core inserts: on PostgreSQL one statement with the event (write_rows).
    write_rows(session, [(DELIVERIES, [delivery_values(event)])])
    _postings(session, event.postings, event.recorded_at)


@projector(DeliveryReceived)
def delivery_received(session: Session, recorded: RecordedEvent[DeliveryReceived]) -> None:
    event = recorded.event
    row = session.get(DeliveryRow, event.delivery)
    assert row is not None, f"receipt of unknown delivery {event.delivery}"
    row.received_at = event.received_at
    row.receipt_officer = event.received_by
    row.receipt_note = event.note
    session.flush()


@projector(SettlementRecorded)
def settlement_recorded(session: Session, recorded: RecordedEvent[SettlementRecorded]) -> None:
    event = recorded.event
    _move_lines(session, event.order, event.returned, "returned")
    session.add(
        SettlementRow(
            id=event.settlement,
            order_id=event.order,
            method=event.method,
            amount_minor=_minor(event.amount, event.currency),
            currency=event.currency,
            settled_at=event.settled_at,
            reference=event.reference,
            counter_order=event.counter_order,
            returned=[entry.model_dump(mode="json") for entry in event.returned],
            recorded_by=event.recorded_by,
        )
    )
    _postings(session, event.postings, event.recorded_at)
    for order_id, status in sorted(event.statuses.items()):
        _order(session, order_id).status = status
    session.flush()


def _minor(amount: Decimal, currency: str) -> int:
    return Money(amount, currency).minor


@projector(PostingReversed)
def posting_reversed(session: Session, recorded: RecordedEvent[PostingReversed]) -> None:
    event = recorded.event
    negated = [QuantityRecord(line=e.line, quantity=-e.quantity) for e in event.undelivered]
    _move_lines(session, event.order, negated, "delivered")
    _postings(session, [event.posting], event.recorded_at)
    _order(session, event.order).status = event.status
    session.flush()


@projector(PostingsImported)
def postings_imported(session: Session, recorded: RecordedEvent[PostingsImported]) -> None:
    event = recorded.event
    _postings(session, event.postings, event.recorded_at)
