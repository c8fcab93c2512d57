"""Receiving a peer's log: store what arrives, check it against the peer's signed
checkpoint, then judge and apply entry after entry (the same for HTTP sync and bundles).

1. `ingest` (one transaction): the checkpoint's signature by the pinned key, each
   entry's DSSE signature, then every entry is stored once (UNIQUE(origin, index): a
   duplicate is a no-op; a *different* signed entry at a held index is a fork). When every
   leaf below the checkpoint's size is held, the tree they make must have the
   checkpoint's root: that proves inclusion of each entry and consistency with the last
   verified checkpoint (whose leaves are among them and never change). Only then is the
   checkpoint recorded as verified and co-signed (the witness state, witnessing.py).
2. `apply_pending`: from the log's next index, one transaction per entry, up to the
   verified size; a missing index holds everything after it. A crash between entries
   loses nothing: the next run starts at the stored next index. Each entry is judged
   by judging.py.

Any two validly signed statements that cannot both be true (two checkpoints, two
entries at one index) become an incident with both as evidence; nothing is merged.
The signature checks, the outcome and incidents are arrival.py's.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relos.federation import judging, witnessing
from relos.federation.arrival import (
    Batch,
    Damaged,
    Outcome,
    check_entry,
    incident,
    open_checkpoint,
    peer_keys,
)
from relos.federation.models import PeerLogRow, PeerRow, ReceivedRow
from relos.federation.outbox import APPLYING, node_party
from relos.kit.db import Database
from relos.kit.timeutil import utcnow
from relos.tlog.keys import Verifier


def _peer_log(session: Session, peer: PeerRow, origin: str, agreement: str) -> PeerLogRow:
    row = session.get(PeerLogRow, origin, with_for_update=True)
    if row is None:
        row = PeerLogRow(
            origin=origin,
            party=peer.party,
            agreement=agreement,
            applied=0,
            their_size=0,
            verified_size=0,
            updated_at=utcnow(),
        )
        session.add(row)
        session.flush()
    elif row.party != peer.party:
        raise Damaged(f"log {origin} is {row.party}'s, not {peer.party}'s")
    return row


def held_prefix(session: Session, origin: str) -> int:
    """How many entries from index 0 on are held without a gap."""
    count = session.scalar(select(func.count()).where(ReceivedRow.origin == origin)) or 0
    top = session.scalar(select(func.max(ReceivedRow.idx)).where(ReceivedRow.origin == origin))
    if top is None or int(top) + 1 == count:
        return int(count)
    indexes = session.scalars(
        select(ReceivedRow.idx).where(ReceivedRow.origin == origin).order_by(ReceivedRow.idx)
    )
    expected = 0
    for index in indexes:
        if index != expected:
            break
        expected += 1
    return expected


def _store(session: Session, peer: PeerRow, batch: Batch, outcome: Outcome) -> None:
    for index, leaf in batch.entries:
        held = session.get(ReceivedRow, (batch.origin, index))
        if held is None:
            session.add(
                ReceivedRow(
                    origin=batch.origin,
                    idx=index,
                    leaf=leaf,
                    state="held",
                    reasons=[],
                    received_at=utcnow(),
                )
            )
            outcome.received += 1
        elif bytes(held.leaf) != leaf:
            outcome.incidents.append(
                incident(
                    session,
                    peer.party,
                    "fork",
                    f"{batch.origin}: two different signed entries at index {index}",
                    origin=batch.origin,
                    index=index,
                    held=base64.b64encode(bytes(held.leaf)).decode(),
                    received=base64.b64encode(leaf).decode(),
                )
            )
    session.flush()


def ingest(
    db: Database, peer: PeerRow, batch: Batch, known: Sequence[Verifier] | None = None
) -> Outcome:
    """Verify and store one batch (one transaction); Damaged when it cannot be checked.

    `known`: the peer's keys as the whole pull announced them (a batch may be one part)."""
    outcome = Outcome()
    own = peer_keys(peer, [leaf for _, leaf in sorted(batch.entries)])
    keys = list(known or own)
    checkpoint = open_checkpoint(peer, batch.checkpoint, keys)
    if checkpoint.origin != batch.origin:
        raise Damaged(f"the checkpoint is of {checkpoint.origin}, the entries of {batch.origin}")
    for _, leaf in batch.entries:
        check_entry(peer, leaf, keys)
    with db.transaction() as session:
        peer = session.get(PeerRow, peer.party) or peer
        if own[-1].vkey != peer.verifier_key and peer.verifier_key in {k.vkey for k in own}:
            peer.verifier_key = own[-1].vkey  # it announced a new key here: pin that one
        log = _peer_log(session, peer, batch.origin, batch.agreement)
        _store(session, peer, batch, outcome)
        found = witnessing.witness(session, peer, log, checkpoint, batch.checkpoint)
        if found:
            outcome.incidents.append(found)
    return outcome


def apply_pending(db: Database, party: str, origin: str, limit: int | None = None) -> Outcome:
    """Judge and apply held entries in index order, one transaction each."""
    outcome = Outcome()
    done = 0
    while limit is None or done < limit:
        with db.transaction() as session:
            session.info[APPLYING] = True
            log = session.get(PeerLogRow, origin, with_for_update=True)
            peer = session.get(PeerRow, party)
            if log is None or peer is None or int(log.applied) >= int(log.verified_size):
                return outcome
            row = session.get(ReceivedRow, (origin, int(log.applied)))
            if row is None:
                return outcome  # a gap holds everything after it
            if node_party(session) is None:
                raise Damaged("this node has no party: run `relos node init --party XX` first")
            judging.judge(session, peer, log, row, outcome)
            log.applied = int(log.applied) + 1
            log.updated_at = utcnow()
        done += 1
    return outcome
