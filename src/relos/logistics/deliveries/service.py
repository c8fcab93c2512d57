"""Recording a delivery (by the supplying party) and its receipt (by the requesting party).

A thin shell around the pure rules: check the delivery against the order, price each lot
at the price in force that day, let the Journal check the postings, and record it all as
one event whose projector moves the lines, the status and the ledger.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.events import record
from relos.kit.errors import RuleViolations, Violation
from relos.kit.timeutil import utcnow
from relos.logistics.commands import AcknowledgeReceipt, RecordDelivery
from relos.logistics.deliveries.domain import Delivered, check_delivery, price_lots, quantities
from relos.logistics.deliveries.receipt import DeliveryState, check_receipt
from relos.logistics.events import DeliveryReceived, DeliveryRecorded, LotRecord, PostingRecord
from relos.logistics.ledger.journal import Journal
from relos.logistics.ledger.postings import OrderAccount
from relos.logistics.models import DeliveryRow, OrderLineRow, OrderRow
from relos.logistics.orders import repository
from relos.logistics.orders.checks import terms_of
from relos.logistics.orders.results import delivered_result, order_result, settled_state
from relos.logistics.orders.service import lock_order, parties, visible_order
from relos.logistics.orders.status import OrderStatus, status_after_delivery
from relos.logistics.prices.service import price_table
from relos.logistics.refusal import refusal
from relos.logistics.results import OrderOut


def account_of(row: OrderRow) -> OrderAccount:
    return OrderAccount(row.agreement_id, row.id, row.supplying_party, row.requesting_party)


def _receiver(command: RecordDelivery | AcknowledgeReceipt) -> str:
    received_by = command.received_by.strip()
    if not received_by:
        problem = Violation(
            "missing_element", "received_by is required", extra={"field": "received_by"}
        )
        raise RuleViolations("a delivery needs the receiver", [problem])
    return received_by


def record_delivery(session: Session, caller: Principal, command: RecordDelivery) -> OrderOut:
    """Record a (partial) delivery and post it to the ledger at the price in force that day."""
    require(caller, "orders.deliver")
    lock_order(session, command.order)
    row = visible_order(session, caller, command.order)
    lines = repository.order_lines(session, row.id)
    event = _priced(session, row, lines, command, str(uuid.uuid4()), caller.name, utcnow())
    # The rest of the answer is read before the log's lock is taken (`record`): the order's
    # lock, held, keeps it as it is but for what this delivery adds.
    before = settled_state(session, row.id)
    record(session, caller, event, event.recorded_at)
    # The projector moved `row` and `lines` in this session; nothing is read back.
    return delivered_result(row, lines, before, event)


def delivery_event(
    session: Session,
    row: OrderRow,
    command: RecordDelivery,
    delivery_id: str,
    recorded_by: str,
    recorded_at: datetime,
) -> DeliveryRecorded:
    """The delivery's event, each lot priced at the price in force that day; raises when it
    would deliver more than ordered. A partner's node re-judges a delivery it receives by
    calling this with the delivery's own id and times."""
    lines = repository.order_lines(session, row.id)
    return _priced(session, row, lines, command, delivery_id, recorded_by, recorded_at)


def _priced(
    session: Session,
    row: OrderRow,
    lines: list[OrderLineRow],
    command: RecordDelivery,
    delivery_id: str,
    recorded_by: str,
    recorded_at: datetime,
) -> DeliveryRecorded:
    received_by = _receiver(command)
    delivered = quantities((line.line, line.quantity) for line in command.lines)
    ordered = [line.quantity for line in lines]
    before = [line.delivered for line in lines]
    problems = check_delivery(OrderStatus(row.status), ordered, before, delivered)
    if problems:
        raise refusal("the delivery exceeds the order", problems)
    terms = terms_of(session, row.agreement_id)
    lots = price_lots(
        account_of(row),
        row.facility,
        [Delivered(line.item, line.unit) for line in lines],
        delivered,
        price_table(session, row.supplying_party).in_force,
        command.delivered_at.date(),
        delivery_id,
        terms.days_for(row.settlement) if terms else 0,
    )
    # New deliveries only raise what is owed, under fresh references: the journal's rules
    # need none of the order's earlier postings here (settlements and reversals do).
    Journal().post_all(lot.posting for lot in lots)
    after = [done + delivered.get(index, 0) for index, done in enumerate(before)]
    return DeliveryRecorded(
        delivery=delivery_id,
        order=row.id,
        agreement=row.agreement_id,
        parties=parties(row),
        delivered_at=command.delivered_at,
        received_by=received_by,
        recorded_by=recorded_by,
        recorded_at=recorded_at,
        lots=[
            LotRecord(
                line=lot.line,
                quantity=lot.quantity,
                unit_price=lot.unit_price,
                currency=lot.value.currency,
                amount=lot.value.amount,
                posting=lot.posting.ref,
            )
            for lot in lots
        ],
        postings=[PostingRecord.of(lot.posting) for lot in lots],
        status=status_after_delivery(ordered, after).value,
    )


def _delivery_state(session: Session, delivery_id: str) -> DeliveryState | None:
    found = session.get(DeliveryRow, delivery_id)
    if found is None:
        return None
    return DeliveryState(found.id, found.order_id, found.delivered_at, found.received_at)


def acknowledge_receipt(
    session: Session, caller: Principal, command: AcknowledgeReceipt
) -> OrderOut:
    """Record the requesting party's receipt of one delivery of the order."""
    require(caller, "orders.receive")
    lock_order(session, command.order)
    row = visible_order(session, caller, command.order)
    # The operator acts for the node; a user only for their own party.
    party = caller.party or row.requesting_party
    event = receipt_event(session, row, command, party, caller.name, utcnow())
    record(session, caller, event, event.recorded_at)
    return order_result(session, row)


def receipt_event(
    session: Session,
    row: OrderRow,
    command: AcknowledgeReceipt,
    party: str,
    recorded_by: str,
    recorded_at: datetime,
) -> DeliveryReceived:
    """`party`'s receipt of the delivery (raises unless the rule allows it). A partner's
    node re-judges a receipt it receives by calling this with the receipt's own times."""
    received_by = _receiver(command)
    delivery = _delivery_state(session, command.delivery)
    check_receipt(
        party, row.requesting_party, row.id, command.delivery, delivery, command.received_at
    )
    return DeliveryReceived(
        order=row.id,
        agreement=row.agreement_id,
        parties=parties(row),
        delivery=command.delivery,
        received_at=command.received_at,
        received_by=received_by,
        note=command.note,
        recorded_by=recorded_by,
        recorded_at=recorded_at,
    )
