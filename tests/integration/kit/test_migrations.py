from __future__ import annotations

from relos.kit.db import Database
from relos.kit.migrate import current_heads, script_heads
from relos.lifecycle import model_drift, upgrade_database


def test_models_match_the_migrations(database: Database) -> None:
    # CI's guard against a model changed without a migration, on both databases.
    assert model_drift(database) == []


def test_database_is_at_every_head(database: Database) -> None:
    assert current_heads(database) == script_heads()


def test_upgrade_twice_changes_nothing(database: Database) -> None:
    changed = upgrade_database(database)
    assert all(value == 0 for value in changed.values()), changed
