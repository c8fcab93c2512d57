"""What happens to a deployment, as events of its agreement's log.

Each event carries the deployment's resulting state (and its elements with what each
leaves counting against caps), so that replay writes the same rows without judging again:
the judgement was made once, by the rules in force at the time, and is part of the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from relos.events import DomainEvent, Route, event
from relos.kit.timeutil import format_instant


class ElementState(BaseModel):
    """One element as stored: its placement, what it counts, and its filed details."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    facility_id: str
    start: datetime
    end: datetime
    counted_end: datetime | None
    span_class: int
    unit_key: str | None
    personnel: int
    notice_given_at: datetime
    details: dict[str, Any]


class DeploymentEvent(DomainEvent):
    deployment_id: str
    agreement: str
    deploying_party: str
    host_party: str
    status_before: str | None
    status: str
    updated_at: datetime
    version: int

    def route(self) -> Route:
        parties = (self.deploying_party, self.host_party)
        return Route(self.agreement, "deployment", self.deployment_id, parties)

    def history_detail(self) -> dict[str, Any]:
        """What the deployment's history keeps about this change."""
        return {}


class ContentEvent(DeploymentEvent):
    """Events that set the whole filed content (filing, amendment)."""

    purpose: str
    title: str
    commander: dict[str, Any]
    request_exception: bool
    justification: str | None
    by_exception: bool
    starts: datetime
    ends: datetime
    elements: tuple[ElementState, ...]
    violations_excepted: tuple[dict[str, Any], ...]


@event
class DeploymentFiled(ContentEvent):
    event_type = "deployment.filed.v1"

    filed_by: str

    def history_detail(self) -> dict[str, Any]:
        return {"violations_excepted": list(self.violations_excepted)}


@event
class DeploymentAmended(ContentEvent):
    event_type = "deployment.amended.v1"

    changed: tuple[str, ...]

    def history_detail(self) -> dict[str, Any]:
        excepted = list(self.violations_excepted)
        return {"changed": list(self.changed), "violations_excepted": excepted}


class StateChangeEvent(DeploymentEvent):
    """Events that move the deployment's state and what its elements count."""

    by_exception: bool
    actual_end: datetime | None
    counted_ends: tuple[datetime | None, ...]  # per element, in position order


@event
class DeploymentApproved(StateChangeEvent):
    event_type = "deployment.approved.v1"

    note: str | None = None

    def history_detail(self) -> dict[str, Any]:
        return {"note": self.note} if self.note else {}


@event
class DeploymentDeclined(StateChangeEvent):
    event_type = "deployment.declined.v1"

    note: str | None = None

    def history_detail(self) -> dict[str, Any]:
        return {"note": self.note} if self.note else {}


@event
class DeploymentCompleted(StateChangeEvent):
    event_type = "deployment.completed.v1"

    def history_detail(self) -> dict[str, Any]:
        assert self.actual_end is not None
        return {"actual_end": format_instant(self.actual_end)}


@event
class DeploymentCancelled(StateChangeEvent):
    event_type = "deployment.cancelled.v1"


ACTIONS: dict[type[DeploymentEvent], str] = {
    DeploymentFiled: "filed",
    DeploymentAmended: "amended",
    DeploymentApproved: "approved",
    DeploymentDeclined: "declined",
    DeploymentCompleted: "completed",
    DeploymentCancelled: "cancelled",
}
