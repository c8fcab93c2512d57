"""The platforms table, as projected from reference-data events."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from relos.events import RecordedEvent, projection_tables, projector
from relos.platforms.events import PlatformLoaded, PlatformWithdrawn
from relos.platforms.models import PlatformRow

projection_tables("platforms", "platforms")


@projector(PlatformLoaded)
def _loaded(session: Session, recorded: RecordedEvent[PlatformLoaded]) -> None:
    e = recorded.event
    row = session.get(PlatformRow, e.platform_id)
    if row is None:
        row = PlatformRow(id=e.platform_id)
        session.add(row)
    row.name, row.kind, row.party = e.name, e.kind, e.party
    row.definition, row.loaded_at = dict(e.definition), e.loaded_at


@projector(PlatformWithdrawn)
def _withdrawn(session: Session, recorded: RecordedEvent[PlatformWithdrawn]) -> None:
    session.execute(delete(PlatformRow).where(PlatformRow.id == recorded.event.platform_id))
