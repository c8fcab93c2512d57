"""Queries on support orders and their lines, signatures and deliveries; no rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

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
) -> list[OrderRow]:
    """Orders, filtered in the query to those the party requests or supplies."""
    query = (
        select(OrderRow)
        .order_by(OrderRow.created_at, OrderRow.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    if party:
        query = query.where(
            or_(OrderRow.requesting_party == party, OrderRow.supplying_party == party)
        )
    if agreement:
        query = query.where(OrderRow.agreement_id == agreement)
    if status:
        query = query.where(OrderRow.status == status)
    return list(session.scalars(query))
