"""Rebuilding the logistics tables in place (`relos db replay`) through the immutable ledger.

The ledger's append-only triggers (migrations 0004 and 0011) let the rebuild's own
transaction through, and nothing else. (Rows written before the event log are recorded
as events by `relos db upgrade`, relos.events.backfill; a rebuild refuses to lose any.)
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from relos.events.replay import REBUILD_HOOKS

IMMUTABLE = ("ledger_postings", "ledger_entries")
SQLITE_GUARD = (
    "CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable: post a reversal instead'); END"
)


def _open_for_rebuild(session: Session) -> None:
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
