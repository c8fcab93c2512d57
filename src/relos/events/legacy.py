"""Audit entries that are not (yet) typed events.

Two sources: the rows of the old `audit_log` table, moved into the event log by migration
0006_events (with their old id and hash kept as evidence), and changes made by code that
still calls `relos.audit.service.record` instead of recording a typed event. Neither
carries the full content of its change, so neither changes any read table on replay.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from relos.events.base import INTERNAL, DomainEvent, Route
from relos.events.catalog import event, projector
from relos.events.store import RecordedEvent


@event
class AuditEntry(DomainEvent):
    event_type = "audit.entry.v1"

    action: str
    record_type: str
    record_id: str
    parties: tuple[str, ...]
    log: str = INTERNAL
    before_digest: str | None = None
    after_digest: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    # For rows moved from the old audit_log: their id and hash in the old single chain.
    legacy_id: int | None = None
    legacy_hash: str | None = None

    def route(self) -> Route:
        return Route(self.log, self.record_type, self.record_id, self.parties)


@projector(AuditEntry)
def _nothing_to_project(session: Session, recorded: RecordedEvent[AuditEntry]) -> None:
    """An audit entry records that something happened; it holds no state to rebuild."""
