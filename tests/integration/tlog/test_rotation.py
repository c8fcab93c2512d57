"""Key rotation on both databases: announced in every log, the old key refused after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.tlog import dsse, service, store
from relos.tlog.node import pending_path, promote_key, read_key


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
        assert service.verify(session, SYSTEM, origin).problem is None
        for trusted in ([old.verifier.vkey], [new.verifier.vkey]):
            assert service.verify(session, SYSTEM, origin, verifier_keys=trusted).whole
    # Someone still holding the old key signs after the rotation: refused.
    with database.transaction() as session:
        session.info[store.SIGNER] = old
        store.append(session, "rotation-test", dsse.canonical({"n": 3}), "test.event")
    with database.transaction(write=False) as session:
        problem = service.verify(session, SYSTEM, origin).problem
    assert problem is not None and problem.where == f"entry {size}"
    assert "a key revoked at entry" in problem.reason
