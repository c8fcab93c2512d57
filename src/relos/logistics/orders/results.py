"""Orders as results: lines with progress, signatures, deliveries and the amount owed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import BindParameter, Row, String, bindparam, select
from sqlalchemy.orm import Session

from relos.kit.db import connection_of
from relos.kit.money import Money
from relos.kit.timeutil import format_instant
from relos.logistics.events import DeliveryRecorded
from relos.logistics.models import DeliveryRow, OrderLineRow, OrderRow, PositionRow, SignatureRow
from relos.logistics.orders import repository
from relos.logistics.results import DeliveryOut, LineOut, LotOut, OrderOut, OwedOut, SignatureOut


def order_result(session: Session, row: OrderRow) -> OrderOut:
    return order_results(session, [row])[0]


def new_order_result(row: SimpleNamespace, lines: list[SimpleNamespace]) -> OrderOut:
    """An order just raised, from the rows its projector wrote as plain values (built from
    its event, so nothing is read back); no signature, delivery or posting names it yet."""
    lines_out = [_line(line) for line in lines]
    return OrderOut(**_head(row), lines=lines_out, signatures=[], deliveries=[], owed=[])


@dataclass(frozen=True)
class Settled:
    """What an order's answer shows besides its row and lines, as stored (plain rows)."""

    signatures: Sequence[Any]  # Rows of SignatureRow's columns
    deliveries: Sequence[Any]  # of DeliveryRow's
    positions: Sequence[Any]  # currency, owed_minor


def settled_state(session: Session, order_id: str) -> Settled:
    """Read under the order's lock, before a delivery is recorded (outside the log's lock):
    prebuilt Core statements on the connection, plain rows, no ORM objects."""
    connection = connection_of(session)
    params = {"order": order_id}
    return Settled(
        connection.execute(_SIGNATURES, params).all(),
        connection.execute(_DELIVERIES, params).all(),
        connection.execute(_POSITIONS, params).all(),
    )


_ORDER: BindParameter[str] = bindparam("order", type_=String)
_SIGNATURES = (
    select(SignatureRow.party, SignatureRow.signed_by, SignatureRow.signed_at)
    .where(SignatureRow.order_id == _ORDER)
    .order_by(SignatureRow.signed_at)
)
_DELIVERIES = (
    select(*DeliveryRow.__table__.columns)
    .where(DeliveryRow.order_id == _ORDER)
    .order_by(DeliveryRow.delivered_at, DeliveryRow.id)
)
_POSITIONS = (
    select(PositionRow.currency, PositionRow.owed_minor)
    .where(PositionRow.order_id == _ORDER)
    .order_by(PositionRow.currency)
)


def delivered_result(
    row: OrderRow, lines: list[OrderLineRow], before: Settled, event: DeliveryRecorded
) -> OrderOut:
    """The order once `event` is recorded: `row` and `lines` as its projector moved them in
    this session, the deliveries and amounts owed as they were plus what the event adds."""
    delivery = DeliveryOut(
        id=event.delivery,
        delivered_at=format_instant(event.delivered_at),
        received_by=event.received_by,
        recorded_by=event.recorded_by,
        lines=[LotOut.model_validate(lot.model_dump(mode="json")) for lot in event.lots],
    )
    deliveries = [(d.delivered_at, d.id, _delivery(d)) for d in before.deliveries]
    deliveries.append((event.delivered_at, event.delivery, delivery))
    owed = {p.currency: p.owed_minor for p in before.positions}
    for record in event.postings:
        owed[record.currency] = owed.get(record.currency, 0) + record.posting().amount.minor
    return OrderOut(
        **_head(row),
        lines=[_line(line) for line in lines],
        signatures=[_signature(s) for s in before.signatures],
        deliveries=[out for _, _, out in sorted(deliveries, key=lambda d: (d[0], d[1]))],
        owed=[_owed_of(currency, minor) for currency, minor in sorted(owed.items())],
    )


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
        **_head(row),
        lines=[_line(line) for line in lines],
        signatures=[_signature(s) for s in signatures],
        deliveries=[_delivery(d) for d in deliveries],
        owed=[_owed_of(p.currency, p.owed_minor) for p in positions],
    )


def _head(row: OrderRow | SimpleNamespace) -> dict[str, Any]:
    return {
        "id": row.id,
        "reference": row.reference,
        "agreement": row.agreement_id,
        "requesting_party": row.requesting_party,
        "supplying_party": row.supplying_party,
        "facility": row.facility,
        "deployment": row.deployment_id,
        "settlement": row.settlement,
        "status": row.status,
        "counter_to": row.counter_to,
        "created_at": format_instant(row.created_at),
        "created_by": row.created_by,
    }


def _line(line: OrderLineRow | SimpleNamespace) -> LineOut:
    return LineOut(
        line=line.line_no,
        category=line.category,
        item=line.item,
        quantity=str(line.quantity),
        unit=line.unit,
        delivered=str(line.delivered),
        returned=str(line.returned),
    )


def _signature(row: SignatureRow | Row[Any]) -> SignatureOut:
    return SignatureOut(
        party=row.party, signed_by=row.signed_by, signed_at=format_instant(row.signed_at)
    )


def _delivery(row: DeliveryRow | Row[Any]) -> DeliveryOut:
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


def _owed_of(currency: str, minor: int) -> OwedOut:
    return OwedOut(currency=currency, amount=str(Money.from_minor(minor, currency).amount))
