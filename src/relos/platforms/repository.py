"""Queries on platforms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.platforms.models import PlatformRow


def get(session: Session, platform_id: str) -> PlatformRow | None:
    return session.get(PlatformRow, platform_id)


def list_filtered(
    session: Session, party: str | None = None, kind: str | None = None
) -> list[PlatformRow]:
    query = select(PlatformRow).order_by(PlatformRow.party, PlatformRow.kind, PlatformRow.id)
    if party:
        query = query.where(PlatformRow.party == party)
    if kind:
        query = query.where(PlatformRow.kind == kind)
    return list(session.scalars(query))


def all_by_id(session: Session) -> dict[str, PlatformRow]:
    return {row.id: row for row in session.scalars(select(PlatformRow))}


def names_of(session: Session, ids: set[str]) -> dict[str, str]:
    """The name of each platform id that exists (for pages and documents)."""
    if not ids:
        return {}
    query = select(PlatformRow.id, PlatformRow.name).where(PlatformRow.id.in_(sorted(ids)))
    return {row.id: row.name for row in session.execute(query)}
