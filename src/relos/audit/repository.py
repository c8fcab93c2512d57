"""Queries on the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from relos.audit.models import AuditRow


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


def entries(
    session: Session, party: str | None, since: datetime | None, after_id: int, limit: int
) -> list[AuditRow]:
    """Entries in chain order, those concerning `party` only (None: all), filtered in SQL."""
    query = select(AuditRow).where(AuditRow.id > after_id).order_by(AuditRow.id).limit(limit)
    if party is not None:
        query = query.where(_concerns(party))
    if since is not None:
        query = query.where(AuditRow.at >= since)
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
