"""Key rotation on both databases: announced in every log, the old key refused after it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.tlog import dsse, service, store, verify_service
from relos.tlog.node import pending_path, promote_key, read_key

ROOT = Path(__file__).resolve().parents[3]


def test_a_rotated_key_is_announced_and_the_old_one_refused_after(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "signing-key"
    monkeypatch.setenv("RELOS_SIGNING_KEY", str(key))
    with database.transaction() as session:
        service.init_node(session, SYSTEM, "IN")
        store.append(session, "rotation-test", dsse.canonical({"n": 1}), "test.event")
    old = read_key(key)
    assert old is not None
    with database.transaction() as session:
        rotated = service.rotate_key(session, SYSTEM)
    assert pending_path(key).exists() and read_key(key) == old, "replaced only after commit"
    promote_key(key)
    new = read_key(key)
    assert new is not None and rotated.new == new.verifier.vkey != old.verifier.vkey
    with database.transaction() as session:
        store.append(session, "rotation-test", dsse.canonical({"n": 2}), "test.event")
    # (The template's other logs were signed by the test session's key, not this one.)
    with database.transaction(write=False) as session:
        log = store.log_of(session, "rotation-test")
        assert log is not None
        origin, size = log.origin, log.size
        assert verify_service.verify(session, SYSTEM, origin).problem is None
        for trusted in ([old.verifier.vkey], [new.verifier.vkey]):
            assert verify_service.verify(session, SYSTEM, origin, verifier_keys=trusted).whole
    # Someone still holding the old key signs after the rotation: refused.
    with database.transaction() as session:
        session.info[store.SIGNER] = old
        store.append(session, "rotation-test", dsse.canonical({"n": 3}), "test.event")
    with database.transaction(write=False) as session:
        problem = verify_service.verify(session, SYSTEM, origin).problem
    assert problem is not None and problem.where == f"entry {size}"
    assert "a key revoked at entry" in problem.reason


APPEND = """
import sys
from pathlib import Path
from relos.kit.db import Database
from relos.tlog import dsse, store
db = Database(sys.argv[1], Path(sys.argv[2]))
with db.transaction() as session:
    store.append(session, "rotation-test", dsse.canonical({"n": sys.argv[3]}), "test.event")
"""


def append_in_another_process(
    db: Database, key: Path, n: str, folder: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELOS_SIGNING_KEY": str(key), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", APPEND, db.url, str(folder), n],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_other_process_signs_with_the_old_key_after_a_rotation(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "signing-key"
    monkeypatch.setenv("RELOS_SIGNING_KEY", str(key))
    with database.transaction() as session:
        service.init_node(session, SYSTEM, "IN")
        store.append(session, "rotation-test", dsse.canonical({"n": 1}), "test.event")
    copy = tmp_path / "old-key-copy"
    copy.write_text(key.read_text(encoding="ascii"), encoding="ascii")
    with database.transaction() as session:
        rotated = service.rotate_key(session, SYSTEM)
    # The window: the rotation is committed, the key file not yet replaced. Another process
    # reading that file finds the old key, sees it is not the announced one under the log's
    # lock, and signs with the staged new key instead.
    assert pending_path(key).exists()
    during = append_in_another_process(database, key, "during", tmp_path)
    assert during.returncode == 0, during.stderr
    promote_key(key)
    # A process holding its own copy of the old key signs nothing.
    stale = append_in_another_process(database, copy, "stale", tmp_path)
    assert stale.returncode == 1
    assert "is not the node's current key" in stale.stderr
    with database.transaction(write=False) as session:
        log = store.log_of(session, "rotation-test")
        assert log is not None
        leaves = [leaf for _, leaf in store.all_entries(session, log.id)]
        verdict = verify_service.verify(session, SYSTEM, log.origin)
    assert verdict.problem is None, verdict.problem
    assert len(leaves) == 3, "the first entry, the rotation, the append during the window"
    signed = dsse.parse(leaves[-1])
    new = read_key(key)
    assert new is not None and new.verifier.vkey == rotated.new
    assert dsse.signed_by(signed, [new.verifier]) == [new.verifier]
