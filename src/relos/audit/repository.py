"""Queries on the audit trail (the event log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from relos.events.models import EventRow
from relos.kit.listing import ListFilter, contains, order_by


def _concerns(party: str) -> ColumnElement[bool]:
    # `parties` holds sorted codes joined by commas ("IN,RU"): match a whole code only.
    column = EventRow.parties
    return or_(
        column == party,
        column.like(f"{party},%"),
        column.like(f"%,{party}"),
        column.like(f"%,{party},%"),
    )


SORTABLE = {
    "id": EventRow.id,
    "at": EventRow.at,
    "action": EventRow.type,
    "actor": EventRow.actor,
    "record_type": EventRow.record_type,
}


def entries(
    session: Session,
    party: str | None,
    since: datetime | None,
    after_id: int,
    limit: int,
    filters: ListFilter = ListFilter(),
    concerning: str | None = None,
    offset: int = 0,
) -> list[EventRow]:
    """Entries in recording order, those concerning `party` only (None: all), filtered in SQL.

    `concerning` narrows further to one party; `filters.q` searches the event type (e.g.
    `support_order.signed`), actor, record type and record id; `filters.start` / `end`
    bound the instant.
    """
    ordering = order_by(filters.sort, SORTABLE, "id")
    query = (
        select(EventRow)
        .where(EventRow.id > after_id)
        .order_by(*ordering, EventRow.id)
        .limit(limit)
        .offset(offset)
    )
    if party is not None:
        query = query.where(_concerns(party))
    if concerning:
        query = query.where(_concerns(concerning))
    if since is not None:
        query = query.where(EventRow.at >= since)
    if filters.q:
        columns = [EventRow.type, EventRow.actor, EventRow.record_type, EventRow.record_id]
        query = query.where(contains(filters.q, columns))
    if filters.start is not None:
        query = query.where(EventRow.at >= filters.start)
    if filters.end is not None:
        query = query.where(EventRow.at < filters.end)
    return list(session.scalars(query))
