"""Queries on facilities."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.facilities.models import FacilityRow


def get(session: Session, facility_id: str) -> FacilityRow | None:
    return session.get(FacilityRow, facility_id)


def list_filtered(
    session: Session, country: str | None = None, kind: str | None = None
) -> list[FacilityRow]:
    query = select(FacilityRow).order_by(FacilityRow.country, FacilityRow.kind, FacilityRow.id)
    if country:
        query = query.where(FacilityRow.country == country)
    if kind:
        query = query.where(FacilityRow.kind == kind)
    return list(session.scalars(query))


def all_by_id(session: Session) -> dict[str, FacilityRow]:
    return {row.id: row for row in session.scalars(select(FacilityRow))}
