"""The logs over HTTP: a partner checks entries and proofs against the signed checkpoint."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

from relos.kit.db import Database
from relos.tlog import dsse, merkle, note, store

API = "/api/v1"
AGREEMENT = "in-ru-relos"


def grow(db: Database, count: int) -> None:
    with db.transaction() as session:
        for n in range(count):
            store.append(session, AGREEMENT, dsse.canonical({"n": n}), "test.event")


def test_a_partner_verifies_entries_and_proofs(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    grow(database, 6)
    first = client.get(
        f"{API}/logs/{AGREEMENT}/checkpoint", headers=auth("ru-v", "RU", ("viewer",))
    )
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/plain")
    grow(database, 5)
    headers = auth("ru-viewer", "RU", ("viewer",))
    with database.transaction(write=False) as session:
        verifier = store.node_signer(session).verifier
    old, _ = note.open_checkpoint(first.text, [verifier])
    text = client.get(f"{API}/logs/{AGREEMENT}/checkpoint", headers=headers).text
    new, _ = note.open_checkpoint(text, [verifier])
    assert new.size == old.size + 5

    listed = client.get(f"{API}/logs", headers=headers).json()
    assert {
        "origin": new.origin,
        "agreement": AGREEMENT,
        "size": new.size,
        "root": base64.b64encode(new.root).decode(),
    } in listed

    got = client.get(
        f"{API}/logs/{AGREEMENT}/entries", params={"start": 0, "end": new.size}, headers=headers
    ).json()
    leaves = [base64.b64decode(e["leaf"]) for e in got]
    assert [e["index"] for e in got] == list(range(new.size))
    assert merkle.MemoryTree(leaves).root() == new.root
    assert dsse.signed_by(dsse.parse(leaves[-1]), [verifier]) == [verifier]

    index = new.size - 3
    proof = client.get(
        f"{API}/logs/{AGREEMENT}/proof/inclusion",
        params={"index": index, "size": new.size},
        headers=headers,
    ).json()
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    merkle.verify_inclusion(index, new.size, merkle.leaf_hash(leaves[index]), hashes, new.root)

    proof = client.get(
        f"{API}/logs/{AGREEMENT}/proof/consistency",
        params={"first": old.size, "second": new.size},
        headers=headers,
    ).json()
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    merkle.verify_consistency(old.size, new.size, old.root, new.root, hashes)


def test_bad_parameters_are_problems_and_strangers_see_nothing(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    grow(database, 3)
    headers = auth("in-viewer", "IN", ("viewer",))
    bad = [
        ("entries", {"start": 2, "end": 1}),
        ("entries", {"start": 0, "end": 5000}),
        ("entries", {"start": -1, "end": 1}),
        ("entries", {"start": "x", "end": 1}),
        ("proof/inclusion", {"index": 9, "size": 3}),
        ("proof/inclusion", {"index": 0, "size": 10**6}),
        ("proof/consistency", {"first": 0, "second": 2}),
        ("proof/consistency", {"first": 3, "second": 2}),
        ("proof/consistency", {"first": 1}),
    ]
    for path, params in bad:
        answer = client.get(f"{API}/logs/{AGREEMENT}/{path}", params=params, headers=headers)
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    stranger = auth("us-admin", "US", ("admin",))
    assert client.get(f"{API}/logs/{AGREEMENT}/checkpoint", headers=stranger).status_code == 404
    assert AGREEMENT not in client.get(f"{API}/logs", headers=stranger).text
    assert client.get(f"{API}/logs/no-such/checkpoint", headers=headers).status_code == 404
    assert client.get(f"{API}/logs", headers={}).status_code == 401
