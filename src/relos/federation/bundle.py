"""Air gap: a signed file with every entry and checkpoint the peer has not judged yet.

    {"format": "relos-bundle/1",
     "manifest": <DSSE envelope, payload: from, to, created, per log: origin, agreement,
                  start, size, SHA-256 of its checkpoint and of its entries>,
     "logs": [{"origin", "agreement", "checkpoint", "start", "entries": [base64 leaf...],
               "consistency": [base64 hash...]}]}

Import checks everything before storing anything (the manifest's signature by the
sender's pinned key, every digest, every checkpoint and entry signature): a damaged
bundle is refused whole. Then each log goes through exactly what sync does
(`receive.ingest`, `receive.apply_pending`), so importing twice changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relos.federation import arrival, attest, receive
from relos.federation.models import PeerRow, VerdictRow
from relos.federation.outbox import node_party
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import format_instant, utcnow
from relos.tlog import dsse, store
from relos.tlog.models import LogRow

FORMAT = "relos-bundle/1"
MANIFEST = "federation.bundle"


def _digest(leaves: list[bytes]) -> str:
    outer = hashlib.sha256()
    for leaf in leaves:
        outer.update(hashlib.sha256(leaf).digest())
    return outer.hexdigest()


def _shared_logs(session: Session, party: str) -> list[LogRow]:
    from relos.agreements.models import AgreementRow

    # Only agreements both are party to (as over HTTP): not this node's other partners'.
    both = {party, node_party(session)}
    found = []
    for log in session.scalars(
        select(LogRow).where(LogRow.agreement.is_not(None)).order_by(LogRow.id)
    ):
        agreement = session.get(AgreementRow, log.agreement)
        if agreement is not None and both == {agreement.party_a, agreement.party_b}:
            found.append(log)
    return found


def _start(session: Session, log: LogRow) -> int:
    """The peer judges in order: past its last verdict, it has everything before."""
    top = session.scalar(select(func.max(VerdictRow.idx)).where(VerdictRow.origin == log.origin))
    return 0 if top is None else int(top) + 1


def export(session: Session, party: str) -> bytes:
    ours = node_party(session)
    if ours is None:
        raise InvalidInput("this node has no party yet: run `relos node init --party XX` first")
    if session.get(PeerRow, party) is None:
        raise NotFound(f"no peer {party}")
    logs, listed = [], []
    for log in _shared_logs(session, party):
        latest = store.latest_checkpoint(session, log.id)
        if latest is None:
            continue
        size = int(latest.size)
        start = min(_start(session, log), size)
        leaves = [leaf for _, leaf in store.entries(session, log.id, start, size)]
        proof = store.consistency_proof(session, log.id, start, size) if 0 < start < size else []
        logs.append(
            {
                "origin": log.origin,
                "agreement": log.agreement,
                "checkpoint": latest.note,
                "start": start,
                "entries": [base64.b64encode(leaf).decode() for leaf in leaves],
                "consistency": [base64.b64encode(h).decode() for h in proof],
            }
        )
        listed.append(
            {
                "origin": log.origin,
                "agreement": log.agreement,
                "start": start,
                "size": size,
                "checkpoint_sha256": hashlib.sha256(latest.note.encode()).hexdigest(),
                "entries_sha256": _digest(leaves),
            }
        )
    manifest = {
        "type": MANIFEST,
        "v": 1,
        "from": ours,
        "to": party,
        "created": format_instant(utcnow()),
        "logs": listed,
    }
    envelope = dsse.seal(
        dsse.canonical(manifest), dsse.payload_type(MANIFEST), [store.node_signer(session)]
    )
    body = {"format": FORMAT, "manifest": json.loads(envelope), "logs": logs}
    return json.dumps(body, indent=1).encode()


def _b64(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise arrival.Damaged("a bundle value is not base64") from exc


def read(session: Session, data: bytes) -> tuple[PeerRow, list[arrival.Batch]]:
    """Check a whole bundle; every problem is Damaged and nothing is stored."""
    try:
        body = json.loads(data)
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise arrival.Damaged(f"not a {FORMAT} file")
        envelope = dsse.parse(dsse.canonical(body["manifest"]))
        manifest = json.loads(envelope.payload)
        peer = session.get(PeerRow, str(manifest.get("from")))
        if peer is None:
            raise arrival.Damaged(f"the bundle is from {manifest.get('from')}, not a peer here")
        leaves_of = {
            str(log["origin"]): [_b64(leaf) for leaf in log["entries"]] for log in body["logs"]
        }
        keys = arrival.peer_keys(peer, [leaf for found in leaves_of.values() for leaf in found])
        if not dsse.signed_by(envelope, keys):
            raise arrival.Damaged(f"the manifest is not signed by {peer.party}'s pinned key")
        if manifest.get("to") != node_party(session):
            raise arrival.Damaged(f"the bundle is for {manifest.get('to')}, not this node")
        listed = {item["origin"]: item for item in manifest["logs"]}
        batches = []
        for log in body["logs"]:
            item = listed.pop(log["origin"], None)
            leaves = leaves_of[str(log["origin"])]
            if (
                item is None
                or item["agreement"] != log["agreement"]
                or item["start"] != log["start"]
                or item["entries_sha256"] != _digest(leaves)
                or item["checkpoint_sha256"]
                != hashlib.sha256(log["checkpoint"].encode()).hexdigest()
            ):
                raise arrival.Damaged(f"log {log['origin']} differs from the signed manifest")
            checkpoint = arrival.open_checkpoint(peer, log["checkpoint"], keys)
            if checkpoint.origin != log["origin"] or log["start"] + len(leaves) != checkpoint.size:
                raise arrival.Damaged(f"log {log['origin']}: entries and checkpoint do not match")
            for leaf in leaves:
                arrival.check_entry(peer, leaf, keys)
            start = int(log["start"])
            batches.append(
                arrival.Batch(
                    log["origin"],
                    log["agreement"],
                    log["checkpoint"],
                    [(start + i, leaf) for i, leaf in enumerate(leaves)],
                )
            )
        if listed:
            raise arrival.Damaged("the manifest lists logs the bundle does not hold")
    except (KeyError, TypeError, ValueError, dsse.BadEnvelope) as exc:
        if isinstance(exc, arrival.Damaged):
            raise
        raise arrival.Damaged(f"malformed bundle ({exc.__class__.__name__}: {exc})") from exc
    session.expunge(peer)
    return peer, batches


def import_bundle(db: Database, data: bytes) -> arrival.Outcome:
    with db.transaction(write=False) as session:
        peer, batches = read(session, data)
    outcome = arrival.Outcome()
    for batch in batches:
        outcome.add(receive.ingest(db, peer, batch))
    for batch in batches:
        outcome.add(receive.apply_pending(db, peer.party, batch.origin))
    attest.attest_peer(db, peer.party)
    return outcome
