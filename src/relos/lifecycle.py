"""Bringing a database up to date and filling it: `db upgrade` and `demo load`."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from relos.events.backfill import backfill
from relos.kit.db import Base, Database
from relos.kit.migrate import upgrade
from relos.registry import import_models, parts


def upgrade_database(db: Database) -> dict[str, int]:
    """Migrate to the current schema, record the rows that predate the event log as events
    (before anything new is recorded, so replay meets them first), then load or refresh
    the shipped reference data."""
    upgrade(db)
    changed = {"backfilled": backfill(db)}
    with db.transaction() as session:
        for feature, module in parts("reference"):
            changed[feature] = module.refresh(session)
    return changed


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
