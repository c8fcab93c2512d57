"""Reference data: a shipped facility loaded or withdrawn (events of the internal log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from relos.events import INTERNAL, DomainEvent, Route, event


@event
class FacilityLoaded(DomainEvent):
    """A facility file's record, new or changed, as validated."""

    event_type = "facility.loaded.v1"

    facility_id: str
    name: str
    kind: str
    country: str
    lon: float
    lat: float
    definition: dict[str, Any]
    loaded_at: datetime

    def route(self) -> Route:
        return Route(INTERNAL, "facility", self.facility_id, ())


@event
class FacilityWithdrawn(DomainEvent):
    """A facility no longer shipped."""

    event_type = "facility.withdrawn.v1"

    facility_id: str

    def route(self) -> Route:
        return Route(INTERNAL, "facility", self.facility_id, ())
