"""The base of every domain event: a frozen, validated record of one change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

# The log of everything that belongs to no agreement: users, tokens, reference data.
INTERNAL = "internal"


@dataclass(frozen=True)
class Route:
    """Where an event goes: its log, the record it changes and the parties who may read it."""

    log: str
    record_type: str
    record_id: str
    parties: tuple[str, ...]


class DomainEvent(BaseModel):
    """One change, with everything needed to redo it elsewhere (never a digest).

    Subclasses set `event_type` (stable, versioned: `deployment.filed.v1`), declare their
    content as fields, and say where they go in `route()`. A change of meaning or shape is a
    new class with the next version, never an edit of an old one: old events must still
    replay. `secret_fields` are kept in the log but never shown in the audit trail.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    secret_fields: ClassVar[frozenset[str]] = frozenset()

    def route(self) -> Route:
        raise NotImplementedError(f"{type(self).__name__} does not say where it goes")
