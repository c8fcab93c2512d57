"""Queries on support orders and their lines, signatures and deliveries; no rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from relos.kit.listing import ListFilter, contains, order_by
from relos.kit.pagination import Page
from relos.logistics.models import (
    DeliveryRow,
    OrderLineRow,
    OrderRow,
    PositionRow,
    SettlementRow,
    SignatureRow,
)


def order(session: Session, order_id: str) -> OrderRow | None:
    return session.get(OrderRow, order_id)


def order_lines(session: Session, order_id: str) -> list[OrderLineRow]:
    query = select(OrderLineRow).where(OrderLineRow.order_id == order_id)
    return list(session.scalars(query.order_by(OrderLineRow.line_no)))


def signatures(session: Session, order_id: str) -> list[SignatureRow]:
    query = select(SignatureRow).where(SignatureRow.order_id == order_id)
    return list(session.scalars(query.order_by(SignatureRow.signed_at)))


def deliveries(session: Session, order_id: str) -> list[DeliveryRow]:
    query = select(DeliveryRow).where(DeliveryRow.order_id == order_id)
    return list(session.scalars(query.order_by(DeliveryRow.delivered_at, DeliveryRow.id)))


def settlements(session: Session, order_id: str) -> list[SettlementRow]:
    query = select(SettlementRow).where(SettlementRow.order_id == order_id)
    return list(session.scalars(query.order_by(SettlementRow.settled_at, SettlementRow.id)))


def _chunks(ids: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# The order-scoped tables whose rows a list of orders gathers in bulk.
Row = TypeVar("Row", OrderLineRow, SignatureRow, DeliveryRow, PositionRow)


def _grouped_by_order(
    session: Session, model: type[Row], ids: Sequence[str], *order_by: Any
) -> dict[str, list[Row]]:
    """Rows of many orders in a few queries, grouped by order (not one query per order)."""
    found: dict[str, list[Row]] = {}
    for chunk in _chunks(ids):
        query = select(model).where(model.order_id.in_(chunk)).order_by(*order_by)
        for row in session.scalars(query):
            found.setdefault(row.order_id, []).append(row)
    return found


def lines_of(session: Session, ids: Sequence[str]) -> dict[str, list[OrderLineRow]]:
    return _grouped_by_order(
        session, OrderLineRow, ids, OrderLineRow.order_id, OrderLineRow.line_no
    )


def signatures_of(session: Session, ids: Sequence[str]) -> dict[str, list[SignatureRow]]:
    return _grouped_by_order(session, SignatureRow, ids, SignatureRow.signed_at)


def deliveries_of(session: Session, ids: Sequence[str]) -> dict[str, list[DeliveryRow]]:
    return _grouped_by_order(session, DeliveryRow, ids, DeliveryRow.delivered_at, DeliveryRow.id)


def positions_of(session: Session, ids: Sequence[str]) -> dict[str, list[PositionRow]]:
    """What is owed on each order, per currency (maintained with the postings)."""
    return _grouped_by_order(session, PositionRow, ids, PositionRow.currency)


def orders(
    session: Session,
    party: str | None,
    agreement: str | None,
    status: str | None,
    page: Page = Page(),
    filters: ListFilter = ListFilter(),
    requesting: str | None = None,
    supplying: str | None = None,
) -> list[OrderRow]:
    """Orders, filtered in the query to those the party requests or supplies."""
    query = (
        select(OrderRow)
        .order_by(*order_by(filters.sort, ORDER_SORTABLE, "created_at"), OrderRow.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    query = _orders_filtered(query, filters)
    if requesting:
        query = query.where(OrderRow.requesting_party == requesting)
    if supplying:
        query = query.where(OrderRow.supplying_party == supplying)
    if party:
        query = query.where(
            or_(OrderRow.requesting_party == party, OrderRow.supplying_party == party)
        )
    if agreement:
        query = query.where(OrderRow.agreement_id == agreement)
    if status:
        query = query.where(OrderRow.status == status)
    return list(session.scalars(query))


ORDER_SORTABLE = {
    "reference": OrderRow.reference,
    "agreement": OrderRow.agreement_id,
    "party": OrderRow.requesting_party,
    "supplier": OrderRow.supplying_party,
    "facility": OrderRow.facility,
    "status": OrderRow.status,
    "settlement": OrderRow.settlement,
    "created_at": OrderRow.created_at,
}


def _orders_filtered(query: Select[Any], filters: ListFilter) -> Select[Any]:
    """Search over reference, facility, deployment and the lines' items and categories."""
    if filters.q:
        lines = contains(filters.q, [OrderLineRow.item, OrderLineRow.category])
        matching = select(OrderLineRow.line_no).where(OrderLineRow.order_id == OrderRow.id, lines)
        columns = [OrderRow.reference, OrderRow.facility, OrderRow.deployment_id]
        query = query.where(or_(contains(filters.q, columns), matching.exists()))
    if filters.facility:
        query = query.where(OrderRow.facility == filters.facility)
    if filters.start is not None:
        query = query.where(OrderRow.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(OrderRow.created_at < filters.end)
    return query


def order_references(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """The human reference of each order id."""
    wanted = sorted(set(ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        query = select(OrderRow.id, OrderRow.reference).where(
            OrderRow.id.in_(wanted[start : start + 500])
        )
        found.update({row.id: row.reference for row in session.execute(query)})
    return found
