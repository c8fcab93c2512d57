"""Queries on stored price lines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.logistics.models import PriceRow


def prices(session: Session, supplier: str | None = None) -> list[PriceRow]:
    query = select(PriceRow).order_by(PriceRow.supplying_party, PriceRow.item, PriceRow.valid_from)
    if supplier:
        query = query.where(PriceRow.supplying_party == supplier)
    return list(session.scalars(query))
