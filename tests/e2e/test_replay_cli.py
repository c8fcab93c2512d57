"""`relos db replay`: the read tables are the replay of the event log, checked end to end.

After `demo load` the check exits 0; a projection row changed behind the log's back makes
it exit 1 naming the table; `relos db replay` rebuilds the table from the events and the
check passes again. On SQLite (a scratch file) and PostgreSQL (a scratch database).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from tests.e2e.cli_runner import cli_env, relos

from relos.kit.db import Database
from relos.kit.migrate import alembic_config

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


VERSION_1_HEADS = ("0002_reference", "0003_deployments", "0004_logistics", "0005_access_audit")
VERSION_1_ROWS = (
    "INSERT INTO agreements (id, title, party_a, party_b, signed, entry_into_force,"
    " definition, loaded_at) VALUES ('in-ru-relos', 'RELOS', 'IN', 'RU', '2025-02-18',"
    " '2025-02-18', '{\"id\": \"in-ru-relos\"}', '2026-11-20 10:00:00.000000')",
    "INSERT INTO users (id, name, party, roles, password_hash, active, created_at) VALUES"
    " (1, 'in-old', 'IN', '[\"planner\"]', NULL, 1, '2026-11-20 10:00:00.000000')",
    "INSERT INTO api_tokens (id, user_id, token_hash, prefix, created_at, expires_at,"
    " revoked_at) VALUES (1, 1, '" + "a" * 64 + "', 'relos_abcdef', '2026-11-20"
    " 10:00:00.000000', '2027-11-20 10:00:00.000000', NULL)",
    "INSERT INTO support_orders (id, agreement_id, requesting_party, supplying_party,"
    " facility, deployment_id, settlement, status, counter_to, created_at, created_by)"
    " VALUES ('old-order', 'in-ru-relos', 'IN', 'RU', 'RUVVO', NULL, 'cash', 'delivered',"
    " NULL, '2026-11-21 10:00:00.000000', 'in-old')",
    "INSERT INTO support_order_lines (order_id, line_no, category, item, quantity, unit,"
    " delivered, returned) VALUES ('old-order', 0, 'fuel', 'F-76', '40', 't', '40', '0')",
    "INSERT INTO support_order_signatures (order_id, party, signed_by, signed_at) VALUES"
    " ('old-order', 'IN', 'in-old', '2026-11-21 11:00:00.000000')",
    "INSERT INTO ledger_postings (ref, kind, agreement_id, order_id, creditor, debtor,"
    " currency, amount_minor, booked_on, due_on, reverses, method, memo, recorded_at) VALUES"
    " ('old-p', 'delivery', 'in-ru-relos', 'old-order', 'RU', 'IN', 'RUB', 4000000,"
    " '2026-11-22', '2027-01-21', NULL, NULL, '', '2026-11-22 10:00:00.000000')",
    "INSERT INTO ledger_entries (posting_ref, account, holder, counterparty, side,"
    " amount_minor, currency) VALUES ('old-p', 'receivable', 'RU', 'IN', 'debit', 4000000,"
    " 'RUB'), ('old-p', 'payable', 'IN', 'RU', 'credit', 4000000, 'RUB')",
    "INSERT INTO ledger_balances (agreement_id, creditor, debtor, currency, amount_minor)"
    " VALUES ('in-ru-relos', 'RU', 'IN', 'RUB', 4000000)",
    "INSERT INTO ledger_positions (order_id, currency, agreement_id, creditor, debtor,"
    " owed_minor) VALUES ('old-order', 'RUB', 'in-ru-relos', 'RU', 'IN', 4000000)",
    "INSERT INTO exchange_rates (base, quote, \"on\", rate, source) VALUES ('RUB', 'INR',"
    " '2026-11-20', '1.02', 'old')",
)


def test_an_upgraded_version_1_database_replays_to_the_same_tables(tmp_path: Path) -> None:
    """Rows written before the event log are recorded by `db upgrade`, so replay rebuilds them."""
    db = Database(f"sqlite:///{tmp_path / 'version-1.db'}")
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        for head in VERSION_1_HEADS:
            command.upgrade(config, head)
        for statement in VERSION_1_ROWS:
            connection.exec_driver_sql(statement)
    db.dispose()
    env = _environment(db, tmp_path)
    upgraded = relos(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    # The 12 rows inserted, plus the day total and the overdue span that migration
    # 0014_ledger_by_day derives from the old posting.
    assert "recorded 14 rows written before the event log" in upgraded.stdout
    checked = relos(env, "db", "replay", "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = relos(env, "users", "list", "--json")
    assert "in-old" in listed.stdout
    again = relos(env, "db", "upgrade")
    assert again.returncode == 0 and "recorded" not in again.stdout
    assert relos(env, "audit", "verify").returncode == 0
    signed = relos(env, "log", "verify")  # the import events are signed into the logs
    assert signed.returncode == 0, signed.stdout + signed.stderr
