"""Queries on the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from relos.audit.models import AuditRow
from relos.kit.listing import ListFilter, contains, order_by


def last(session: Session) -> AuditRow | None:
    return session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))


def _concerns(party: str) -> ColumnElement[bool]:
    # `parties` holds sorted codes joined by commas ("IN,RU"): match a whole code only.
    column = AuditRow.parties
    return or_(
        column == party,
        column.like(f"{party},%"),
        column.like(f"%,{party}"),
        column.like(f"%,{party},%"),
    )


SORTABLE = {
    "id": AuditRow.id,
    "at": AuditRow.at,
    "action": AuditRow.action,
    "actor": AuditRow.actor,
    "record_type": AuditRow.record_type,
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
) -> list[AuditRow]:
    """Entries in chain order, those concerning `party` only (None: all), filtered in SQL.

    `concerning` narrows further to one party; `filters.q` searches action, actor, record
    type and record id; `filters.start` / `end` bound the instant.
    """
    ordering = order_by(filters.sort, SORTABLE, "id")
    query = (
        select(AuditRow)
        .where(AuditRow.id > after_id)
        .order_by(*ordering, AuditRow.id)
        .limit(limit)
        .offset(offset)
    )
    if party is not None:
        query = query.where(_concerns(party))
    if concerning:
        query = query.where(_concerns(concerning))
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if filters.q:
        columns = [AuditRow.action, AuditRow.actor, AuditRow.record_type, AuditRow.record_id]
        query = query.where(contains(filters.q, columns))
    if filters.start is not None:
        query = query.where(AuditRow.at >= filters.start)
    if filters.end is not None:
        query = query.where(AuditRow.at < filters.end)
    return list(session.scalars(query))


def chain(session: Session, batch: int = 1000) -> Iterator[AuditRow]:
    """Every entry in id order, read in batches so a long trail needs little memory."""
    after = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditRow).where(AuditRow.id > after).order_by(AuditRow.id).limit(batch)
            )
        )
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id
        session.expunge_all()
