"""A node refuses to serve a proof its stored tree no longer gives: a clear problem, never a 500.

The triggers that keep the log tables append-only are dropped first (an administrator can),
then the stored subtrees, an entry or a checkpoint are changed; each proof route answers
problem+json with the stable code `log_integrity_failure`, naming the log and the entry,
and the untouched parts of the log are still served. Both databases.
"""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.conftest import TokenFactory

from relos.kit.db import Database
from relos.tlog import dsse, merkle, note, store

API = "/api/v1"
AGREEMENT = "in-ru-relos"


def grow(db: Database, count: int) -> tuple[int, str]:
    with db.transaction() as session:
        for n in range(count):
            store.append(session, AGREEMENT, dsse.canonical({"n": n}), "test.event")
    with db.transaction(write=False) as session:
        log = store.log_of(session, AGREEMENT)
        assert log is not None
        return log.id, log.origin


def tamper(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as conn:
        for table in ("tlog_entries", "tlog_subtrees", "tlog_checkpoints"):
            if db.sqlite:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.execute(text(statement), params)


def refused(response: object, origin: str, index: int | None) -> dict[str, object]:
    """The problem body, once it is the log-integrity refusal naming this log and index."""
    assert getattr(response, "status_code", None) == 500
    body = response.json()  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    assert body["code"] == "log_integrity_failure"
    assert body["type"].endswith("/log-integrity-failure")
    assert body["log"] == origin and body["index"] == index
    assert origin in body["detail"] and "refuses to serve it" in body["detail"]
    return dict(body)


def test_a_tampered_subtree_table_gives_a_problem_not_a_proof(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    log_id, origin = grow(database, 11)
    headers = auth("ru-viewer", "RU", ("viewer",))
    route = f"{API}/logs/{AGREEMENT}/proof"
    before = client.get(f"{route}/inclusion", params={"index": 0, "size": 11}, headers=headers)
    assert before.status_code == 200
    # The node covering leaves 2 and 3 now says something else.
    tamper(
        database,
        "UPDATE tlog_subtrees SET hash = :x WHERE log_id = :id AND level = 1 AND idx = 1",
        x=bytes(32),
        id=log_id,
    )
    got = client.get(f"{route}/inclusion", params={"index": 0, "size": 11}, headers=headers)
    refused(got, origin, 0)
    got = client.get(f"{route}/inclusion", params={"index": 1, "size": 4}, headers=headers)
    refused(got, origin, 1)  # the stored root at 4 is right, the path through the bad node not
    got = client.get(f"{route}/consistency", params={"first": 2, "second": 4}, headers=headers)
    refused(got, origin, 2)
    # What the bad node does not touch is still served, and still verifies.
    text_note = client.get(f"{API}/logs/{AGREEMENT}/checkpoint", headers=headers).text
    with database.transaction(write=False) as session:
        verifier = store.node_signer(session).verifier
    head, _ = note.open_checkpoint(text_note, [verifier])
    last = head.size - 1
    fine = client.get(
        f"{route}/inclusion", params={"index": last, "size": head.size}, headers=headers
    )
    assert fine.status_code == 200
    leaf = client.get(
        f"{API}/logs/{AGREEMENT}/entries", params={"start": last, "end": head.size}, headers=headers
    ).json()[0]["leaf"]
    hashes = [base64.b64decode(h) for h in fine.json()["hashes"]]
    merkle.verify_inclusion(
        last, head.size, merkle.leaf_hash(base64.b64decode(leaf)), hashes, head.root
    )


def test_a_missing_subtree_row_gives_a_problem(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    log_id, origin = grow(database, 8)
    tamper(database, "DELETE FROM tlog_subtrees WHERE log_id = :id AND level = 2", id=log_id)
    headers = auth("in-viewer", "IN", ("viewer",))
    got = client.get(
        f"{API}/logs/{AGREEMENT}/proof/inclusion", params={"index": 1, "size": 8}, headers=headers
    )
    problem = refused(got, origin, 1)
    assert "hashes" not in problem  # no proof is served beside the refusal


def test_a_changed_entry_is_not_proven(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    log_id, origin = grow(database, 5)
    forged = dsse.seal(b'{"n":99}', dsse.payload_type("test.event"), [])
    tamper(
        database,
        "UPDATE tlog_entries SET leaf = :x WHERE log_id = :id AND idx = 2",
        x=forged,
        id=log_id,
    )
    headers = auth("in-viewer", "IN", ("viewer",))
    got = client.get(
        f"{API}/logs/{AGREEMENT}/proof/inclusion", params={"index": 2, "size": 5}, headers=headers
    )
    problem = refused(got, origin, 2)
    assert "hashes" not in problem  # the forged leaf gets no inclusion proof


def test_a_deleted_entry_and_a_forged_checkpoint_give_problems(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    log_id, origin = grow(database, 6)
    headers = auth("in-viewer", "IN", ("viewer",))
    tamper(database, "DELETE FROM tlog_entries WHERE log_id = :id AND idx = 4", id=log_id)
    got = client.get(
        f"{API}/logs/{AGREEMENT}/entries", params={"start": 0, "end": 6}, headers=headers
    )
    refused(got, origin, 4)
    tamper(
        database,
        "UPDATE tlog_checkpoints SET note = :x WHERE log_id = :id",
        x=f"{origin}\n6\n{'A' * 43}=\n\n\u2014 relos.example/node AAAAAAAA\n",
        id=log_id,
    )
    for path in ("checkpoint", "proof/consistency?first=1&second=6"):
        got = client.get(f"{API}/logs/{AGREEMENT}/{path}", headers=headers)
        refused(got, origin, None)
