"""Queries on stored exchange rates."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.logistics.models import RateRow


def rates(session: Session) -> list[RateRow]:
    return list(session.scalars(select(RateRow).order_by(RateRow.base, RateRow.quote, RateRow.on)))
