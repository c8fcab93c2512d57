"""The facilities table, as projected from reference-data events."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from relos.events import RecordedEvent, projection_tables, projector
from relos.facilities.events import FacilityLoaded, FacilityWithdrawn
from relos.facilities.models import FacilityRow

projection_tables("facilities", "facilities")


@projector(FacilityLoaded)
def _loaded(session: Session, recorded: RecordedEvent[FacilityLoaded]) -> None:
    e = recorded.event
    row = session.get(FacilityRow, e.facility_id)
    if row is None:
        row = FacilityRow(id=e.facility_id)
        session.add(row)
    row.name, row.kind, row.country = e.name, e.kind, e.country
    row.lon, row.lat = e.lon, e.lat
    row.definition, row.loaded_at = dict(e.definition), e.loaded_at


@projector(FacilityWithdrawn)
def _withdrawn(session: Session, recorded: RecordedEvent[FacilityWithdrawn]) -> None:
    session.execute(delete(FacilityRow).where(FacilityRow.id == recorded.event.facility_id))
