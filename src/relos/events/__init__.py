"""The event log: every change in relos is a typed domain event, and state is their replay.

See docs/events.md. In short: a service computes with the pure rules, builds one or more
`DomainEvent`s and calls `record(session, actor, event)`; that appends the event to its log
(one per agreement, plus `internal`) and runs the event's projector, which writes the read
tables, in the same transaction. `relos db replay` rebuilds those tables from the events.
"""

from __future__ import annotations

from relos.events.base import INTERNAL, DomainEvent, Route
from relos.events.catalog import event, projection_tables, projector
from relos.events.store import APPEND_HOOKS, CHECK_HOOKS, RecordedEvent, record

__all__ = [
    "APPEND_HOOKS",
    "CHECK_HOOKS",
    "INTERNAL",
    "DomainEvent",
    "RecordedEvent",
    "Route",
    "event",
    "projection_tables",
    "projector",
    "record",
]
