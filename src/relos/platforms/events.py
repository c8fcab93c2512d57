"""Reference data: a shipped platform loaded or withdrawn (events of the internal log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from relos.events import INTERNAL, DomainEvent, Route, event


@event
class PlatformLoaded(DomainEvent):
    """A platform record, new or changed, as validated."""

    event_type = "platform.loaded.v1"

    platform_id: str
    name: str
    kind: str
    party: str
    definition: dict[str, Any]
    loaded_at: datetime

    def route(self) -> Route:
        return Route(INTERNAL, "platform", self.platform_id, ())


@event
class PlatformWithdrawn(DomainEvent):
    """A platform no longer shipped."""

    event_type = "platform.withdrawn.v1"

    platform_id: str

    def route(self) -> Route:
        return Route(INTERNAL, "platform", self.platform_id, ())
