"""`relos db replay`: the read tables are the replay of the event log, checked end to end.

After `demo load` the check exits 0; a projection row changed behind the log's back makes
it exit 1 naming the table; `relos db replay` rebuilds the table from the events and the
check passes again. On SQLite (a scratch file) and PostgreSQL (a scratch database).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.cli_runner import cli_env, relos

from relos.kit.db import Database

pytestmark = pytest.mark.slow


def _environment(database: Database, tmp_path: Path) -> dict[str, str]:
    return {**cli_env(tmp_path), "RELOS_DATABASE_URL": database.url}


def test_replay_check_after_demo_load_and_after_tampering(
    database: Database, tmp_path: Path
) -> None:
    env = _environment(database, tmp_path)
    loaded = relos(env, "demo", "load")
    assert loaded.returncode == 0, loaded.stderr
    clean = relos(env, "db", "replay", "--check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "replay matches" in clean.stdout

    with database.engine.begin() as conn:
        changed = conn.exec_driver_sql(
            "UPDATE deployments SET title = 'changed by hand' "
            "WHERE id = (SELECT min(id) FROM deployments)"
        )
        assert changed.rowcount == 1
    tampered = relos(env, "db", "replay", "--check")
    assert tampered.returncode == 1
    assert tampered.stdout.startswith("replay differs: deployments:")
    assert "changed by hand" in tampered.stdout


def test_replay_into_an_empty_database_gives_the_same_state(
    sqlite_database: Database, tmp_path: Path
) -> None:
    env = _environment(sqlite_database, tmp_path)
    assert relos(env, "users", "add", "in-x", "--party", "IN", "--role", "viewer").returncode == 0
    target = tmp_path / "rebuilt"
    target.mkdir()
    target_env = cli_env(target)
    rebuilt = relos(target_env, "db", "replay", "--from", sqlite_database.url)
    assert rebuilt.returncode == 0, rebuilt.stderr
    users = relos(target_env, "users", "list", "--json")
    assert "in-x" in users.stdout
    assert relos(target_env, "db", "replay", "--check").returncode == 0
    again = relos(target_env, "db", "replay", "--from", sqlite_database.url)
    assert again.returncode == 1 and "already holds events" in again.stderr
