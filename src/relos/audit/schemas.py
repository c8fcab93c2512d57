"""API shapes for the audit trail."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class AuditEntryOut(BaseModel):
    id: int
    at: str
    actor: str
    actor_party: str | None
    action: str
    record_type: str
    record_id: str
    parties: list[str]
    before_digest: str | None
    after_digest: str | None
    # The event's content less its secret fields: free-form JSON, one shape per event type.
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class ChainHead(BaseModel):
    id: int
    hash: str


class ChainBreak(BaseModel):
    id: int | None
    """The event concerned; null when the problem is a log entry holding no event or a
    checkpoint (the reason names it)."""
    reason: str


class VerdictOut(BaseModel):
    whole: bool
    entries: int
    head: ChainHead | None
    broken: ChainBreak | None
