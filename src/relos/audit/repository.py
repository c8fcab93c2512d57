"""Queries on the audit trail (the event log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from relos.events.models import EventRow


def _concerns(party: str) -> ColumnElement[bool]:
    # `parties` holds sorted codes joined by commas ("IN,RU"): match a whole code only.
    column = EventRow.parties
    return or_(
        column == party,
        column.like(f"{party},%"),
        column.like(f"%,{party}"),
        column.like(f"%,{party},%"),
    )


def entries(
    session: Session, party: str | None, since: datetime | None, after_id: int, limit: int
) -> list[EventRow]:
    """Entries in recording order, those concerning `party` only (None: all), filtered in SQL."""
    query = select(EventRow).where(EventRow.id > after_id).order_by(EventRow.id).limit(limit)
    if party is not None:
        query = query.where(_concerns(party))
    if since is not None:
        query = query.where(EventRow.at >= since)
    return list(session.scalars(query))
