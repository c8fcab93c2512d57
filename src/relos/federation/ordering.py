"""Re-judging a partner's logistics facts: orders, signatures, deliveries, receipts,
settlements and reversals arrive as their typed events and are judged here with the very rules the
services use (required elements and terms, signatures, prices in force, over-delivery,
over-settlement), against this node's own rows.

Each service builds its event in one function (`order_event`, `signature_event`,
`delivery_event`, `receipt_event`, `settlement_event`, `reversal_event`); this module
rebuilds the command the event answers, calls that function with the event's own ids and
times, and accepts the claim only when the event it derives is the same, field for field.
The claimed event is then recorded as it stands, so the logistics projectors write the
same rows and postings on both nodes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.kit.errors import NotFound
from relos.logistics.commands import (
    AcknowledgeReceipt,
    DeliveryLineIn,
    OrderLineIn,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    ReturnedLineIn,
    ReversePosting,
)
from relos.logistics.deliveries.service import delivery_event, receipt_event
from relos.logistics.events import (
    DeliveryReceived,
    DeliveryRecorded,
    OrderEvent,
    OrderRaised,
    OrderSigned,
    PostingReversed,
    SettlementRecorded,
)
from relos.logistics.models import OrderRow
from relos.logistics.orders import repository
from relos.logistics.orders.service import lock_order, order_event, signature_event
from relos.logistics.settlement.service import reversal_event, settlement_event


class Mismatch(Exception):
    """This node derives another event from the same claim."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _order(session: Session, event: OrderEvent) -> OrderRow:
    lock_order(session, event.order)
    row = repository.order(session, event.order)
    if row is None:
        raise NotFound(f"no support order {event.order} here")
    if (row.agreement_id, (row.requesting_party, row.supplying_party)) != (
        event.agreement,
        event.parties,
    ):
        raise Mismatch([f"order {event.order} has other parties or agreement here"])
    return row


def _raised(session: Session, event: OrderRaised) -> OrderRaised:
    if repository.order(session, event.order) is not None:
        raise Mismatch([f"order {event.order} already exists here"])
    command = RaiseOrder(
        agreement=event.agreement,
        requesting_party=event.parties[0],
        supplying_party=event.parties[1],
        facility=event.facility,
        deployment=event.deployment,
        settlement=event.settlement,
        counter_to=event.counter_to,
        lines=[
            OrderLineIn(category=x.category, item=x.item, quantity=x.quantity, unit=x.unit)
            for x in event.lines
        ],
    )
    return order_event(
        session,
        command,
        order_id=event.order,
        reference=event.reference,
        created=event.created_at,
        created_by=event.created_by,
    )


def _delivered(session: Session, event: DeliveryRecorded) -> DeliveryRecorded:
    command = RecordDelivery(
        order=event.order,
        lines=[DeliveryLineIn(line=lot.line, quantity=lot.quantity) for lot in event.lots],
        delivered_at=event.delivered_at,
        received_by=event.received_by,
    )
    row = _order(session, event)
    return delivery_event(
        session, row, command, event.delivery, event.recorded_by, event.recorded_at
    )


def _received(session: Session, event: DeliveryReceived, party: str) -> DeliveryReceived:
    command = AcknowledgeReceipt(
        order=event.order,
        delivery=event.delivery,
        received_at=event.received_at,
        received_by=event.received_by,
        note=event.note,
    )
    row = _order(session, event)
    return receipt_event(session, row, command, party, event.recorded_by, event.recorded_at)


def _settled(session: Session, event: SettlementRecorded, party: str) -> SettlementRecorded:
    for key in sorted({event.order, event.counter_order or event.order}):
        lock_order(session, key)
    command = RecordSettlement(
        order=event.order,
        method=event.method,
        amount=str(event.amount),
        currency=event.currency,
        settled_at=event.settled_at,
        reference=event.reference,
        lines=[ReturnedLineIn(line=r.line, quantity=r.quantity) for r in event.returned] or None,
        counter_order=event.counter_order,
    )
    row = _order(session, event)
    # The writer's own view of the orders: it is a party to both (one writer per fact).
    writer = Principal(user_id=0, name=event.recorded_by, party=party, roles=frozenset())
    return settlement_event(
        session, writer, row, command, event.settlement, event.recorded_by, event.recorded_at
    )


def _reversed(session: Session, event: PostingReversed) -> PostingReversed:
    command = ReversePosting(ref=event.posting.reverses or "", reason=event.reason)
    row = _order(session, event)
    return reversal_event(session, row, command, event.posting.booked_on, event.recorded_at)


def derive(session: Session, event: OrderEvent, party: str) -> OrderEvent:
    """The event this node's own rules derive from the claim `event` (raises when they
    refuse it)."""
    if isinstance(event, OrderRaised):
        return _raised(session, event)
    if isinstance(event, OrderSigned):
        return signature_event(
            session, _order(session, event), event.party, event.signed_by, event.signed_at
        )
    if isinstance(event, DeliveryRecorded):
        return _delivered(session, event)
    if isinstance(event, DeliveryReceived):
        return _received(session, event, party)
    if isinstance(event, SettlementRecorded):
        return _settled(session, event, party)
    if isinstance(event, PostingReversed):
        return _reversed(session, event)
    raise Mismatch([f"{event.event_type} does not cross between nodes"])


def _dump(event: OrderEvent) -> dict[str, Any]:
    return event.model_dump(mode="json")


def rejudge(session: Session, event: OrderEvent, party: str) -> None:
    """Refuse (Mismatch, or the rules' own error) unless this node derives the same event."""
    derived = derive(session, event, party)
    claimed, ours = _dump(event), _dump(derived)
    differ = sorted(key for key in claimed if claimed[key] != ours.get(key))
    if differ:
        raise Mismatch([f"judged otherwise here: {', '.join(differ)} differ"])
