"""Queries on the audit trail: the events' index, and the signed leaf holding each event."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, or_, select
from sqlalchemy.orm import Session

from relos.events.models import EventRow
from relos.kit.listing import ListFilter, contains, order_by
from relos.tlog.models import EntryRow, EventLeafRow, LogRow

Signed = tuple[EventRow, bytes | None, str | None, int | None]
"""An event, the exact bytes of the signed leaf holding it, that log's origin, the index."""


def _with_leaves(query: Select[Any]) -> Select[Any]:
    return (
        query.add_columns(EntryRow.leaf, LogRow.origin, EventLeafRow.idx)
        .outerjoin(EventLeafRow, EventLeafRow.event_id == EventRow.id)
        .outerjoin(
            EntryRow,
            and_(EntryRow.log_id == EventLeafRow.log_id, EntryRow.idx == EventLeafRow.idx),
        )
        .outerjoin(LogRow, LogRow.id == EventLeafRow.log_id)
    )


def _signed(row: Row[Any]) -> Signed:
    event, leaf, origin, idx = tuple(row)
    return event, None if leaf is None else bytes(leaf), origin, None if idx is None else int(idx)


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
) -> list[Signed]:
    """Entries in recording order, those concerning `party` only (None: all), filtered in SQL,
    each with its signed leaf (the event table is the index; the leaf is what is shown).

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
    return [_signed(row) for row in session.execute(_with_leaves(query))]


def in_order(session: Session, batch: int = 1000) -> Iterator[Signed]:
    """Every event with its signed leaf, in recording order, in batches."""
    after = 0
    while True:
        query = select(EventRow).where(EventRow.id > after).order_by(EventRow.id).limit(batch)
        rows = [_signed(row) for row in session.execute(_with_leaves(query))]
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1][0].id
        session.expunge_all()


def event_of_leaf(session: Session, origin: str, index: int) -> int | None:
    """The event a signed leaf holds, if any (to name it when the leaf is bad)."""
    return session.scalar(
        select(EventLeafRow.event_id)
        .join(LogRow, LogRow.id == EventLeafRow.log_id)
        .where(LogRow.origin == origin, EventLeafRow.idx == index)
    )


def signed_by_id(session: Session, ids: Iterable[int]) -> list[Signed]:
    """The events with these ids, each with its signed leaf (what one page shows)."""
    query = select(EventRow).where(EventRow.id.in_(list(ids))).order_by(EventRow.id)
    return [_signed(row) for row in session.execute(_with_leaves(query))]


def unindexed_entries(session: Session, log_id: int) -> list[tuple[int, bytes]]:
    """The log's entries that hold no event (key rotations, a node's verdicts on a peer's
    facts): the ones among which a log's key rotations are found."""
    query = (
        select(EntryRow.idx, EntryRow.leaf)
        .outerjoin(
            EventLeafRow,
            and_(EventLeafRow.log_id == EntryRow.log_id, EventLeafRow.idx == EntryRow.idx),
        )
        .where(EntryRow.log_id == log_id, EventLeafRow.event_id.is_(None))
        .order_by(EntryRow.idx)
    )
    return [(int(idx), bytes(leaf)) for idx, leaf in session.execute(query)]
