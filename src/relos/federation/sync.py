"""`relos sync`: pull each peer's new entries and checkpoint over HTTP, then judge and
apply them (receive.py does the checking; this file only talks to the peer).

Every request is signed with this node's key (httpsig.py) and the peer serves it only
the logs of agreements both are party to.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx
from sqlalchemy import select

from relos.federation import arrival, attest, httpsig, receive, witnessing
from relos.federation.models import PeerRow
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, NotFound
from relos.tlog import note, store
from relos.tlog.keys import Signer

PAGE = 1000
PREFIX = "/api/v1/federation"


class Unreachable(Exception):
    """The peer did not answer as a relos node does (network down, not a node, refused)."""


class PeerClient:
    def __init__(
        self, peer: PeerRow, signer: Signer, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.peer = peer
        self.signer = signer
        self.http = httpx.Client(base_url=peer.url, timeout=30.0, transport=transport)

    def get(self, path: str, **params: int) -> httpx.Response:
        query = urlencode(params)
        full = PREFIX + path
        base_path = urlparse(self.peer.url).path.rstrip("/")
        request = httpsig.Request("GET", base_path + full, query)
        headers = httpsig.sign(request, self.signer, int(time.time()))
        try:
            response = self.http.get(full + (f"?{query}" if query else ""), headers=headers)
        except httpx.HTTPError as exc:
            raise Unreachable(f"{self.peer.party} at {self.peer.url}: {exc}") from exc
        if response.status_code != 200:
            raise Unreachable(
                f"{self.peer.party}: {full} answered {response.status_code} {response.text[:200]}"
            )
        return response

    def json(self, path: str, **params: int) -> Any:
        try:
            return self.get(path, **params).json()
        except ValueError as exc:
            raise Unreachable(f"{self.peer.party}: {path} did not answer JSON") from exc

    def close(self) -> None:
        self.http.close()


def _decode(leaf: object) -> bytes:
    try:
        return base64.b64decode(str(leaf), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise arrival.Damaged("an entry is not base64") from exc


def pull_log(db: Database, client: PeerClient, origin: str, agreement: str) -> arrival.Outcome:
    text = client.get(f"/logs/{agreement}/checkpoint").text
    try:
        # Its size says what to fetch; its signature is checked once the entries are here,
        # since they may announce the key that signed it (a rotation).
        size = note.Checkpoint.parse_text(note.parse(text).text).size
    except note.BadNote as exc:
        raise arrival.Damaged(f"checkpoint: malformed ({exc})") from exc
    outcome = arrival.Outcome()
    with db.transaction(write=False) as session:
        start = receive.held_prefix(session, origin)
    entries: list[tuple[int, bytes]] = []
    while start < size:
        end = min(start + PAGE, size)
        page = client.json(f"/logs/{agreement}/entries", start=start, end=end)
        entries += [(int(item["index"]), _decode(item["leaf"])) for item in page]
        start = end
    keys = arrival.peer_keys(client.peer, [leaf for _, leaf in sorted(entries)])
    checkpoint = arrival.open_checkpoint(client.peer, text, keys)
    cosigned, _ = witnessing.last_cosigned(db, origin)
    if 0 < cosigned < checkpoint.size:
        answer = client.json(
            f"/logs/{agreement}/proof/consistency", first=cosigned, second=checkpoint.size
        )
        proof = [_decode(value) for value in answer.get("hashes", [])]
        fork = witnessing.check_consistency(db, client.peer, origin, text, proof, keys)
        if fork is not None:
            outcome.incidents.append(fork)
            return outcome
    for chunk in range(0, max(len(entries), 1), 10 * PAGE):
        batch = arrival.Batch(origin, agreement, text, entries[chunk : chunk + 10 * PAGE])
        outcome.add(receive.ingest(db, client.peer, batch, keys))
    outcome.add(receive.apply_pending(db, client.peer.party, origin))
    outcome.incidents += _cosignature(db, client, agreement)
    return outcome


def _cosignature(db: Database, client: PeerClient, agreement: str) -> list[str]:
    """Fetch the peer's co-signature of our log of this agreement (none yet is fine)."""
    try:
        text = client.get(f"/cosigned/{agreement}").text
    except Unreachable:
        return []
    found = witnessing.keep_cosignature(db, client.peer, agreement, text)
    return [] if found is None else [found]


def sync_peer(
    db: Database, peer: PeerRow, transport: httpx.BaseTransport | None = None
) -> arrival.Outcome:
    with db.transaction(write=False) as session:
        signer = store.node_signer(session)
    client = PeerClient(peer, signer, transport)
    outcome = arrival.Outcome()
    try:
        for item in client.json("/logs"):
            try:
                outcome.add(pull_log(db, client, str(item["origin"]), str(item["agreement"])))
            except arrival.Damaged as exc:
                with db.transaction() as session:
                    outcome.incidents.append(
                        arrival.incident(
                            session, peer.party, "damaged", str(exc), origin=item["origin"]
                        )
                    )
    finally:
        client.close()
    attest.attest_peer(db, peer.party)
    return outcome


def peers(db: Database, party: str | None = None) -> list[PeerRow]:
    with db.transaction(write=False) as session:
        query = select(PeerRow).order_by(PeerRow.party)
        if party is not None:
            query = query.where(PeerRow.party == party.upper())
        found = list(session.scalars(query))
        for row in found:
            session.expunge(row)
    if party is not None and not found:
        raise NotFound(f"no peer {party}")
    return found


def sync(
    db: Database, party: str | None = None, transport: httpx.BaseTransport | None = None
) -> dict[str, arrival.Outcome | str]:
    """Sync with every peer (or one); a peer that cannot be reached is reported, not fatal."""
    results: dict[str, arrival.Outcome | str] = {}
    for peer in peers(db, party):
        try:
            results[peer.party] = sync_peer(db, peer, transport)
        except (Unreachable, arrival.Damaged, InvalidInput) as exc:
            results[peer.party] = str(exc)
    return results
