"""Migration 0006_events moves every old audit_log row into the event log, losing nothing,
and `db upgrade` signs them as the first leaves of the internal log (the trail reads them
from there)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from alembic import command
from sqlalchemy import text

from relos.access.domain import SYSTEM
from relos.audit.service import list_entries
from relos.audit.verify import verify
from relos.kit.db import Database
from relos.kit.migrate import alembic_config, upgrade
from relos.tlog import dsse, store
from relos.tlog.events import sign_unsigned


def _old_chain_hash(prev: str, entry: dict[str, object]) -> str:
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _upgrade_to(db: Database, revision: str) -> None:
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_old_rows_become_audit_entries_in_order(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    _upgrade_to(db, "0005_access_audit")
    prev = "0" * 64
    with db.engine.begin() as conn:
        for i, (action, parties) in enumerate([("user.add", "IN"), ("deployment.filed", "IN,RU")]):
            entry = {"id": i + 1, "action": action, "detail": {"n": i}}
            digest = _old_chain_hash(prev, entry)
            conn.execute(
                text(
                    "INSERT INTO audit_log (id, at, actor, party, action, record_type, "
                    "record_id, parties, before_digest, after_digest, detail, prev_hash, hash) "
                    "VALUES (:id, :at, 'system', NULL, :action, 'thing', :rid, :parties, NULL, "
                    ":after, :detail, :prev, :hash)"
                ),
                {
                    "id": i + 1,
                    "at": f"2026-11-2{i} 10:00:00.000001",
                    "action": action,
                    "rid": f"r{i}",
                    "parties": parties,
                    "after": "a" * 64,
                    "detail": json.dumps({"n": i}),
                    "prev": prev,
                    "hash": digest,
                },
            )
            prev = digest
    upgrade(db)
    with db.transaction() as session:  # what `relos db upgrade` does after the migrations
        assert sign_unsigned(session) == 2
    with db.transaction() as session:
        assert sign_unsigned(session) == 0, "once"
    with db.transaction(write=False) as session:
        entries = list_entries(session, SYSTEM)
        verdict = verify(session, SYSTEM)
        internal = store.log_of(session, None)
        assert internal is not None
        leaves = [dsse.parse(leaf).payload for _, leaf in store.all_entries(session, internal.id)]
    db.dispose()
    assert [hashlib.sha256(p).hexdigest() for p in leaves] == [e.hash for e in entries]
    assert [(e.action, e.record_id, e.parties) for e in entries[:2]] == [
        ("user.add", "r0", ["IN"]),
        ("deployment.filed", "r1", ["IN", "RU"]),
    ]
    assert entries[1].detail == {"n": 1} and entries[1].after_digest == "a" * 64
    assert verdict.whole and verdict.entries == 2
