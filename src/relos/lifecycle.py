"""Bringing a database up to date and filling it: `db upgrade` and `demo load`."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from relos.events.backfill import backfill
from relos.kit.db import Base, Database
from relos.kit.migrate import current_heads, includes, upgrade
from relos.registry import import_models, parts

# The migrations that started the event log: its own tables (every feature but logistics)
# and logistics' events. Rows written before both can exist only in a database migrated
# from before them.
EVENT_LOG_REVISIONS = ("0006_events", "0011_logistics_events")


def upgrade_database(db: Database, find_unrecorded: bool | None = None) -> dict[str, int]:
    """Migrate to the current schema, record the rows that predate the event log as events
    (before anything new is recorded, so replay meets them first), then load or refresh
    the shipped reference data.

    Looking for such rows replays every event (minutes on a ledger of a million entries),
    so it runs only when the database's schema predated the event log before this upgrade,
    unless `find_unrecorded` says otherwise (`relos db upgrade --find-unrecorded`). A new,
    empty database has no rows to look for."""
    before = current_heads(db)
    upgrade(db)
    if find_unrecorded is None:
        find_unrecorded = predates_event_log(before)
    changed = {"backfilled": backfill(db) if find_unrecorded else 0}
    with db.transaction() as session:
        for feature, module in parts("reference"):
            changed[feature] = module.refresh(session)
    return changed


def predates_event_log(heads: set[str]) -> bool:
    """Whether a database at these revisions may hold rows no event accounts for."""
    return bool(heads) and not all(includes(heads, r) for r in EVENT_LOG_REVISIONS)


def load_demo(db: Database) -> dict[str, int]:
    """Add the demo data set of every feature on top of the reference data (idempotent);
    returns how many records each feature added."""
    loaded: dict[str, int] = {}
    for feature, module in parts("demo"):
        with db.transaction() as session:
            loaded[feature] = module.load(session)
    return loaded


def model_drift(db: Database) -> list[Any]:
    """Differences between the models and the migrated schema; empty when they agree."""
    import_models()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs: list[Any] = compare_metadata(context, Base.metadata)
    return diffs
