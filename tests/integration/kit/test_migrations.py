from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from relos import lifecycle
from relos.kit.db import Database
from relos.kit.migrate import alembic_config, current_heads, script_heads
from relos.lifecycle import model_drift, predates_event_log, upgrade_database


def test_models_match_the_migrations(database: Database) -> None:
    # CI's guard against a model changed without a migration, on both databases.
    assert model_drift(database) == []


def test_database_is_at_every_head(database: Database) -> None:
    assert current_heads(database) == script_heads()


def test_upgrade_twice_changes_nothing(database: Database) -> None:
    changed = upgrade_database(database)
    assert all(value == 0 for value in changed.values()), changed


def _watch_the_search(monkeypatch: pytest.MonkeyPatch) -> list[Database]:
    searched: list[Database] = []

    def backfill(db: Database) -> int:
        searched.append(db)
        return 0

    monkeypatch.setattr(lifecycle, "backfill", backfill)
    return searched


def test_a_current_schema_is_not_searched_for_unrecorded_rows(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search replays every event (minutes on a big ledger), and the service's unit
    # runs `db upgrade` on every start: only a schema from before the event log needs it.
    searched = _watch_the_search(monkeypatch)
    upgrade_database(database)
    assert searched == []
    upgrade_database(database, find_unrecorded=True)
    assert searched == [database]


def test_a_schema_from_before_the_event_log_is_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'v1.db'}", tmp_path)
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0005_access_audit")  # before 0006_events
    searched = _watch_the_search(monkeypatch)
    upgrade_database(db)
    assert searched == [db]
    assert current_heads(db) == script_heads()
    db.dispose()


@pytest.mark.parametrize(
    ("heads", "predates"),
    [
        (set(), False),  # a new database: nothing in it to have been written before
        ({"0005_access_audit"}, True),
        ({"0006_events", "0004_logistics"}, True),  # logistics before its events
        ({"0013_tlog_event_leaves", "0010_references", "0009_ops"}, True),
        ({"0013_tlog_event_leaves", "0011_logistics_events"}, False),
    ],
)
def test_which_schemas_predate_the_event_log(heads: set[str], predates: bool) -> None:
    assert predates_event_log(heads) is predates


def test_every_head_is_after_the_event_log() -> None:
    assert not predates_event_log(script_heads())
