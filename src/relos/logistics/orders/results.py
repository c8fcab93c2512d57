"""Orders as results: lines with progress, signatures, deliveries and the amount owed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.kit.money import Money
from relos.kit.timeutil import format_instant
from relos.logistics.models import DeliveryRow, OrderLineRow, OrderRow, PositionRow, SignatureRow
from relos.logistics.orders import repository
from relos.logistics.results import DeliveryOut, LineOut, LotOut, OrderOut, OwedOut, SignatureOut


def order_result(session: Session, row: OrderRow) -> OrderOut:
    return order_results(session, [row])[0]


def new_order_result(row: OrderRow, lines: list[OrderLineRow]) -> OrderOut:
    """An order just raised, from the rows its projector wrote (built from its event, so
    nothing is read back); no signature, delivery or posting can name it yet."""
    return _out(row, lines, [], [], [])


def order_results(session: Session, rows: list[OrderRow]) -> list[OrderOut]:
    """Several orders described with five queries in all, not five per order."""
    ids = [row.id for row in rows]
    lines = repository.lines_of(session, ids)
    signatures = repository.signatures_of(session, ids)
    deliveries = repository.deliveries_of(session, ids)
    positions = repository.positions_of(session, ids)
    return [
        _out(
            row,
            lines.get(row.id, []),
            signatures.get(row.id, []),
            deliveries.get(row.id, []),
            positions.get(row.id, []),
        )
        for row in rows
    ]


def _out(
    row: OrderRow,
    lines: list[OrderLineRow],
    signatures: list[SignatureRow],
    deliveries: list[DeliveryRow],
    positions: list[PositionRow],
) -> OrderOut:
    return OrderOut(
        id=row.id,
        reference=row.reference,
        agreement=row.agreement_id,
        requesting_party=row.requesting_party,
        supplying_party=row.supplying_party,
        facility=row.facility,
        deployment=row.deployment_id,
        settlement=row.settlement,
        status=row.status,
        counter_to=row.counter_to,
        created_at=format_instant(row.created_at),
        created_by=row.created_by,
        lines=[_line(line) for line in lines],
        signatures=[_signature(s) for s in signatures],
        deliveries=[_delivery(d) for d in deliveries],
        owed=[_owed(p) for p in positions],
    )


def _line(line: OrderLineRow) -> LineOut:
    return LineOut(
        line=line.line_no,
        category=line.category,
        item=line.item,
        quantity=str(line.quantity),
        unit=line.unit,
        delivered=str(line.delivered),
        returned=str(line.returned),
    )


def _signature(row: SignatureRow) -> SignatureOut:
    return SignatureOut(
        party=row.party, signed_by=row.signed_by, signed_at=format_instant(row.signed_at)
    )


def _delivery(row: DeliveryRow) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        delivered_at=format_instant(row.delivered_at),
        received_by=row.received_by,
        recorded_by=row.recorded_by,
        lines=[LotOut.model_validate(lot) for lot in row.lines],
        received_at=format_instant(row.received_at) if row.received_at else None,
        receipt_officer=row.receipt_officer,
        receipt_note=row.receipt_note,
    )


def _owed(row: PositionRow) -> OwedOut:
    amount = Money.from_minor(row.owed_minor, row.currency).amount
    return OwedOut(currency=row.currency, amount=str(amount))
