"""Which event classes exist, by their stable type name, and which projector applies each.

Features declare their events in `<feature>/events.py` (decorated with `@event`) and their
projectors in `<feature>/projections.py` (decorated with `@projector(EventClass)`, plus
`projection_tables(...)` naming the tables they write). `load()` imports them all, so that
replay can turn any stored type name back into a class and a projector.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from relos.events.base import DomainEvent

if TYPE_CHECKING:
    from relos.events.store import RecordedEvent

E = TypeVar("E", bound=DomainEvent)
C = TypeVar("C", bound=type[DomainEvent])
Projector = Callable[[Session, "RecordedEvent[Any]"], None]

TYPE_NAME = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+\.v[1-9][0-9]*$")

_classes: dict[str, type[DomainEvent]] = {}
_projectors: dict[str, Projector] = {}
_tables: dict[str, str] = {}  # projection table -> the feature that writes it


def event(cls: C) -> C:
    """Register an event class under its `event_type` (which must be unique and versioned)."""
    name = cls.event_type
    if not TYPE_NAME.match(name):
        raise ValueError(f"event type {name!r}: expected words.joined.by.dots.vN")
    known = _classes.get(name)
    if known is not None and known is not cls:
        raise ValueError(f"event type {name!r} is taken by {known.__qualname__}")
    _classes[name] = cls
    return cls


def projector(cls: type[E]) -> Callable[[Callable[[Session, RecordedEvent[E]], None]], Any]:
    """Register the function that applies events of `cls` to the read tables.

    A projector reads only the event (ids, times and references are in its content), so
    replaying the same events gives the same rows.
    """

    def register(
        function: Callable[[Session, RecordedEvent[E]], None],
    ) -> Callable[[Session, RecordedEvent[E]], None]:
        if cls.event_type in _projectors:
            raise ValueError(f"{cls.event_type} already has a projector")
        _projectors[cls.event_type] = function
        return function

    return register


def projection_tables(feature: str, *tables: str) -> None:
    """Declare the read tables a feature's projectors write (replay rebuilds and compares)."""
    for table in tables:
        _tables[table] = feature


def event_class(type_name: str) -> type[DomainEvent]:
    load()
    try:
        return _classes[type_name]
    except KeyError:
        raise LookupError(f"unknown event type {type_name!r}") from None


def projector_for(type_name: str) -> Projector:
    load()
    try:
        return _projectors[type_name]
    except KeyError:
        raise LookupError(f"event type {type_name!r} has no projector") from None


def tables() -> dict[str, str]:
    load()
    return dict(_tables)


def types() -> list[str]:
    load()
    return sorted(_classes)


_loaded = False
_loading = False
_lock = threading.RLock()


def load() -> None:
    """Import every feature's events and projections (once).

    Served requests run in several threads: a second caller waits for a load in progress
    (marking it loaded before the imports ended once let a first support order answer
    500, "no projector"). A module imported here that asks again, on the loading thread,
    gets through at once.
    """
    global _loaded, _loading
    if _loaded:
        return
    with _lock:
        if _loaded or _loading:
            return
        _loading = True
        try:
            import relos.events.imported
            import relos.events.legacy  # noqa: F401  (the events of the old audit trail)
            from relos.registry import parts

            parts("events")
            parts("projections")
            _loaded = True
        finally:
            _loading = False
