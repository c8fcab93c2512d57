"""`relos log verify` catches every rewrite of a signed log, on SQLite and PostgreSQL.

The database triggers that refuse UPDATE and DELETE are dropped first (an administrator
can), then one kind of tampering each; an earlier checkpoint kept outside the database
(a file) is what exposes a rewrite that also replaces the checkpoints held inside.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.tlog import dsse, store, verify_service
from relos.tlog.keys import Signer

ROOT = Path(__file__).resolve().parents[3]
LOG = "tamper-test"


def fill(db: Database, start: int, count: int, signer: Signer | None = None) -> None:
    for n in range(start, start + count):
        with db.transaction() as session:
            if signer is not None:
                session.info[store.SIGNER] = signer
            payload = dsse.canonical({"type": "test.event", "n": n})
            store.append(session, LOG, payload, "test.event")


def origin(db: Database) -> str:
    with db.transaction(write=False) as session:
        log = store.log_of(session, LOG)
        assert log is not None
        return log.origin


def save_checkpoint(db: Database, folder: Path) -> Path:
    with db.transaction(write=False) as session:
        log = store.log_of(session, LOG)
        assert log is not None
        latest = store.latest_checkpoint(session, log.id)
        assert latest is not None
        path = folder / f"checkpoint-{latest.size}.txt"
        path.write_text(latest.note, encoding="utf-8")
    return path


def run_verify(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELOS_DATABASE_URL": db.url, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "relos", "log", "verify", "--log", origin(db), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def verdict(db: Database, *files: Path) -> str:
    """What `relos log verify --log ORIGIN --checkpoint FILE...` says, run in process."""
    checkpoints = [(str(f), f.read_text(encoding="utf-8")) for f in files]
    with db.transaction(write=False) as session:
        result = verify_service.verify(session, SYSTEM, origin(db), checkpoints)
    return "whole" if result.problem is None else f"broken: {result.problem}"


def drop_triggers(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in ("tlog_entries", "tlog_subtrees", "tlog_checkpoints"):
            if db.sqlite:
                conn.exec_driver_sql(f"DROP TRIGGER {table}_no_update")
                conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER {table}_append_only ON {table}")


def sql(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def log_id(db: Database) -> int:
    with db.transaction(write=False) as session:
        log = store.log_of(session, LOG)
        assert log is not None
        return log.id


def leaf(db: Database, index: int) -> bytes:
    with db.transaction(write=False) as session:
        return store.entries(session, log_id(db), index, index + 1)[0][1]


def forget_held_checkpoints(db: Database) -> None:
    """What an intruder does too: the checkpoints inside the database go."""
    sql(db, "DELETE FROM tlog_checkpoints WHERE log_id = :id", id=log_id(db))


@pytest.fixture
def saved(database: Database, tmp_path: Path) -> Path:
    fill(database, 0, 8)
    path = save_checkpoint(database, tmp_path)
    fill(database, 8, 2)
    return path


def test_a_whole_log_verifies_with_its_checkpoint(database: Database, saved: Path) -> None:
    result = run_verify(database, "--checkpoint", str(saved))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok {origin(database)}: 10 entries" in result.stdout


def test_the_database_refuses_to_change_a_leaf(database: Database, saved: Path) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        sql(database, "UPDATE tlog_entries SET leaf = :x", x=b"{}")


def test_a_changed_entry_is_caught(database: Database, saved: Path) -> None:
    drop_triggers(database)
    forged = leaf(database, 3).replace(b'"payload":"', b'"payload":"ey', 1)
    sql(
        database,
        "UPDATE tlog_entries SET leaf = :x WHERE log_id = :id AND idx = 3",
        x=forged,
        id=log_id(database),
    )
    result = run_verify(database, "--checkpoint", str(saved))
    assert result.returncode == 1
    assert "entry 3:" in result.stdout, result.stdout


def test_a_deleted_entry_is_caught(database: Database, saved: Path) -> None:
    drop_triggers(database)
    sql(database, "DELETE FROM tlog_entries WHERE log_id = :id AND idx = 5", id=log_id(database))
    assert "entry 5: missing (the next stored entry is 6)" in verdict(database, saved)


def test_an_inserted_entry_is_caught(database: Database, saved: Path) -> None:
    drop_triggers(database)
    ident = log_id(database)
    for index in range(9, 3, -1):  # make room at 4
        sql(
            database,
            "UPDATE tlog_entries SET idx = :new WHERE log_id = :id AND idx = :old",
            new=index + 1,
            old=index,
            id=ident,
        )
    intruder = Signer.generate("relos.example/node")
    forged = dsse.seal(b'{"n":99}', dsse.payload_type("test.event"), [intruder])
    sql(
        database,
        "INSERT INTO tlog_entries (log_id, idx, leaf) VALUES (:id, 4, :x)",
        id=ident,
        x=forged,
    )
    assert "entry 4: its signature does not verify by the node's key" in verdict(database, saved)


def test_reordered_entries_are_caught_by_an_earlier_checkpoint(
    database: Database, saved: Path
) -> None:
    drop_triggers(database)
    forget_held_checkpoints(database)
    ident = log_id(database)
    two, six = leaf(database, 2), leaf(database, 6)
    sql(
        database,
        "UPDATE tlog_entries SET leaf = :x WHERE log_id = :id AND idx = 2",
        x=six,
        id=ident,
    )
    sql(
        database,
        "UPDATE tlog_entries SET leaf = :x WHERE log_id = :id AND idx = 6",
        x=two,
        id=ident,
    )
    assert f"{saved}: the log's first 8 entries do not give its root" in verdict(database, saved)


def test_a_truncated_log_is_caught_by_an_earlier_checkpoint(
    database: Database, saved: Path
) -> None:
    drop_triggers(database)
    forget_held_checkpoints(database)
    ident = log_id(database)
    sql(database, "DELETE FROM tlog_entries WHERE log_id = :id AND idx >= 6", id=ident)
    assert verdict(database) == "whole", "without a checkpoint a shorter log looks whole"
    assert "it names 8 entries but the log has 6: entries were cut off" in verdict(database, saved)


def _rewrite(db: Database, signer: Signer | None) -> None:
    """Replace the whole log by another history, re-hashed and re-checkpointed."""
    ident = log_id(db)
    for table in ("tlog_checkpoints", "tlog_subtrees", "tlog_entries"):
        sql(db, f"DELETE FROM {table} WHERE log_id = :id", id=ident)
    for n in range(10):
        with db.transaction() as session:
            if signer is not None:
                session.info[store.SIGNER] = signer
            store.append(session, LOG, dsse.canonical({"n": n, "forged": True}), "test.event")


def test_a_log_rewritten_and_rehashed_with_the_node_key_is_caught_by_a_checkpoint(
    database: Database, saved: Path
) -> None:
    drop_triggers(database)
    _rewrite(database, None)
    assert verdict(database) == "whole", "the key holder can forge a consistent log"
    result = run_verify(database, "--checkpoint", str(saved))
    assert result.returncode == 1
    assert "the log was rewritten" in result.stdout


def test_a_log_rewritten_with_another_key_is_refused(database: Database, saved: Path) -> None:
    drop_triggers(database)
    _rewrite(database, Signer.generate("relos.example/node"))
    assert "entry 0: its signature does not verify by the node's key" in verdict(database)
    assert verdict(database, saved).startswith("broken: ")
