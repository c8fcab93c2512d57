"""The trail is append-only in the database, and `relos audit verify` catches what is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from relos.access.domain import SYSTEM
from relos.audit.service import record
from relos.audit.verify import Anchor, verify
from relos.events.models import EventRow
from relos.events.seal import chain_hash, seal
from relos.events.store import envelope_of
from relos.kit.db import Database

ROOT = Path(__file__).resolve().parents[3]


def fill(db: Database, n: int = 6) -> None:
    with db.transaction() as session:
        for i in range(n):
            record(session, SYSTEM, "test.touch", "thing", str(i), ["IN", "RU"], after={"i": i})


def run_verify(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELOS_DATABASE_URL": db.url, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "relos", "audit", "verify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def drop_triggers(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.sqlite:
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
            conn.exec_driver_sql("DROP TRIGGER events_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER events_append_only ON events")


def tamper(db: Database, sql: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def last_id(db: Database) -> int:
    with db.transaction(write=False) as session:
        head = verify(session, SYSTEM).head
    assert head is not None
    return head.id


def first_break(db: Database, anchor: Anchor | None = None) -> int | None:
    with db.transaction(write=False) as session:
        broken = verify(session, SYSTEM, anchor).broken
    return None if broken is None else broken.entry_id


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET actor = 'nobody' WHERE id = 2",
        "DELETE FROM events WHERE id = 2",
        "DELETE FROM events",
    ],
)
def test_the_database_refuses_to_rewrite_the_trail(database: Database, sql: str) -> None:
    fill(database)
    with pytest.raises(DBAPIError, match="append-only"):
        tamper(database, sql)
    assert first_break(database) is None


def test_the_database_refuses_truncate_on_postgres(postgres_database: Database) -> None:
    fill(postgres_database)
    with pytest.raises(DBAPIError, match="append-only"):
        tamper(postgres_database, "TRUNCATE events")


def test_whole_chain_exits_0_and_prints_its_head(database: Database) -> None:
    fill(database)
    result = run_verify(database)
    assert result.returncode == 0, result.stderr
    with database.transaction(write=False) as session:
        head = verify(session, SYSTEM).head
    assert head is not None and head.id >= 6
    expected = f"audit chain whole: {head.id} entries; head {head.id}:{head.hash}"
    assert expected in result.stdout


def test_a_changed_row_is_caught_by_the_command(database: Database) -> None:
    fill(database)
    target = last_id(database) - 3
    drop_triggers(database)
    tamper(
        database,
        "UPDATE events SET record_id = 'forged' WHERE id = :id",
        id=target,
    )
    result = run_verify(database)
    assert result.returncode == 1
    expected = f"broken at entry {target}: its content does not match its hash"
    assert result.stdout.startswith(expected)


def test_a_deleted_row_is_caught(database: Database) -> None:
    fill(database)
    drop_triggers(database)
    last = last_id(database)
    tamper(database, "DELETE FROM events WHERE id = :id", id=last - 2)
    assert first_break(database) == last - 1
    result = run_verify(database, "--json")
    assert result.returncode == 1 and f'"id": {last - 1}' in result.stdout


def test_deleted_newest_rows_are_caught_against_an_anchor(database: Database) -> None:
    fill(database)
    with database.transaction(write=False) as session:
        head = verify(session, SYSTEM).head
    assert head is not None
    drop_triggers(database)
    tamper(database, "DELETE FROM events WHERE id >= :id", id=head.id - 1)
    result = run_verify(database, "--anchor", f"{head.id}:{head.hash}")
    assert result.returncode == 1 and f"broken at entry {head.id}" in result.stdout
    # Without an anchor the signed logs catch it: the signed events are gone from the trail.
    result = run_verify(database)
    assert result.returncode == 1
    assert "signed, but gone from the event log" in result.stdout, result.stdout


def _insert(db: Database, row: EventRow) -> None:
    with db.transaction() as session:
        session.add(row)


def _forged(entry_id: int, seq: int, prev_hash: str) -> EventRow:
    from datetime import UTC, datetime

    return EventRow(
        id=entry_id,
        log="internal",
        seq=seq,
        type="audit.entry.v1",
        at=datetime(2026, 7, 1, tzinfo=UTC),
        actor="intruder",
        actor_party="RU",
        parties="IN,RU",
        record_type="deployment",
        record_id="9",
        content='{"action":"deployment.consent","parties":["IN","RU"],'
        '"record_id":"9","record_type":"deployment"}',
        prev_hash=prev_hash,
        hash="f" * 64,
    )


def test_an_inserted_row_is_caught(database: Database) -> None:
    fill(database)
    drop_triggers(database)
    with database.transaction(write=False) as session:
        last = session.get(EventRow, last_id(database))
        assert last is not None
        last_hash, new_id, seq = last.hash, last.id + 1, last.seq + 1
    _insert(database, _forged(new_id, seq, last_hash))
    assert first_break(database) == new_id


def test_a_row_slipped_in_between_is_caught_even_with_a_valid_hash(database: Database) -> None:
    fill(database)
    drop_triggers(database)
    # Make room by moving the last three events up one (id and position in their log), then
    # insert a well-hashed event in the gap, linked to the event before it.
    last = last_id(database)
    gap = last - 2
    with database.transaction() as session:
        prev = session.get(EventRow, gap - 1)
        assert prev is not None
        prev_hash, prev_seq = prev.hash, prev.seq
    for entry_id in range(last, gap - 1, -1):
        tamper(
            database,
            "UPDATE events SET id = :new, seq = seq + 1 WHERE id = :old",
            new=entry_id + 1,
            old=entry_id,
        )
    row = _forged(gap, prev_seq + 1, prev_hash)
    row.hash = chain_hash(seal(envelope_of(row), row.content))
    _insert(database, row)
    # Its chain fits, but the leaf the trail shows for it holds another event.
    assert first_break(database) == gap
