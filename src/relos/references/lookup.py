"""The reference of records named by id (audit entries, inbox items, ledger postings)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.deployments.models import DeploymentRow
from relos.logistics.models import OrderRow


def references_of(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """{record id: reference} for the deployments and support orders among `ids`."""
    wanted = sorted(set(ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for table in (DeploymentRow, OrderRow):
            query = select(table.id, table.reference).where(table.id.in_(chunk))
            found.update({row.id: row.reference for row in session.execute(query)})
    return found
