"""Rebuilding the logistics tables in place (`relos db replay`) without losing anything.

The ledger's append-only triggers (migrations 0004 and 0011) let the rebuild's own
transaction through; and a database whose logistics rows predate the event log is refused,
because its events could not write those rows again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from relos.events import DomainEvent
from relos.events.models import EventRow
from relos.events.replay import REBUILD_HOOKS
from relos.kit.errors import Conflict
from relos.logistics.events import (
    DeliveryRecorded,
    OrderRaised,
    PostingReversed,
    PostingsImported,
    PricesImported,
    RatesImported,
    SettlementRecorded,
)
from relos.logistics.models import OrderRow, PostingRow, PriceRow, RateRow

IMMUTABLE = ("ledger_postings", "ledger_entries")
SQLITE_GUARD = (
    "CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable: post a reversal instead'); END"
)


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


def _events(session: Session, *types: type[DomainEvent]) -> int:
    names = [t.event_type for t in types]
    return _count(session, select(func.count()).where(EventRow.type.in_(names)))


def recorded_before_events(session: Session) -> str | None:
    """A logistics table holding rows no event accounts for (written before the event log)."""
    orders = _count(session, select(func.count()).select_from(OrderRow))
    if orders != _events(session, OrderRaised):
        return "support_orders"
    checks: tuple[tuple[Any, tuple[type[DomainEvent], ...]], ...] = (
        (PriceRow, (PricesImported,)),
        (RateRow, (RatesImported,)),
        (PostingRow, (DeliveryRecorded, SettlementRecorded, PostingReversed, PostingsImported)),
    )
    for model, types in checks:
        if _count(session, select(func.count()).select_from(model)) and not _events(
            session, *types
        ):
            return str(model.__tablename__)
    return None


def _open_for_rebuild(session: Session) -> None:
    stale = recorded_before_events(session)
    if stale is not None:
        raise Conflict(
            f"{stale} holds rows recorded before the event log; a rebuild would lose them"
        )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL relos.rebuilding = 'on'"))
        return
    for table in IMMUTABLE:
        session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))


def _close_after_rebuild(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL relos.rebuilding = 'off'"))
        return
    for table in IMMUTABLE:
        session.execute(text(SQLITE_GUARD.format(table=table)))


REBUILD_HOOKS.append((_open_for_rebuild, _close_after_rebuild))
