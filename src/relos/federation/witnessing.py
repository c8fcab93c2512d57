"""Witnessing a peer's log: a checkpoint is co-signed only when the entries held below
its size give its root (and, over HTTP, its consistency proof from the last co-signed one
holds); the peer's co-signature of our log is kept only when it names a checkpoint this
node signed. Anything else is a fork or cosignature incident with both statements.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.federation.arrival import incident, open_checkpoint, peer_key
from relos.federation.models import CosignatureRow, PeerLogRow, PeerRow, ReceivedRow
from relos.kit.db import Database
from relos.kit.timeutil import utcnow
from relos.tlog import cosignature, merkle, note, store
from relos.tlog.keys import Verifier


def held_leaves(session: Session, origin: str, size: int) -> list[bytes]:
    """The peer's entries held below `size`, in index order (fewer when there is a gap)."""
    rows = session.execute(
        select(ReceivedRow.idx, ReceivedRow.leaf)
        .where(ReceivedRow.origin == origin, ReceivedRow.idx < size)
        .order_by(ReceivedRow.idx)
    ).all()
    return [bytes(leaf) for idx, leaf in rows]


def witness(
    session: Session, peer: PeerRow, log: PeerLogRow, checkpoint: note.Checkpoint, text: str
) -> str | None:
    """Check the checkpoint against the held leaves; record and co-sign it when it holds."""
    log.their_size = max(int(log.their_size), checkpoint.size)
    if checkpoint.size < int(log.verified_size) and log.verified_note == text:
        return None
    leaves = held_leaves(session, log.origin, checkpoint.size)
    if len(leaves) < checkpoint.size:
        return None  # a gap: nothing past it can be checked yet
    root = merkle.MemoryTree(leaves).root()
    if root != checkpoint.root:
        return incident(
            session,
            peer.party,
            "fork",
            f"{log.origin}: checkpoint of size {checkpoint.size} does not match the entries "
            "and checkpoints it signed before",
            origin=log.origin,
            checkpoint=text,
            last_cosigned=log.verified_note,
        )
    if checkpoint.size >= int(log.verified_size):
        held = log.cosigned_note
        signer = store.node_signer(session)
        # The same checkpoint keeps the co-signature it has (its time is when it was first
        # witnessed), so the partner holds the very note this node does; a new checkpoint,
        # or one co-signed before this node's key rotated, is co-signed now.
        if not (
            text == log.verified_note
            and held is not None
            and cosignature.has_line_by(held, signer.verifier)
        ):
            log.cosigned_note = cosign(session, text)
        log.verified_size = checkpoint.size
        log.verified_note = text
    log.updated_at = utcnow()
    return None


def cosign(session: Session, text: str) -> str:
    """The checkpoint note with this node's co-signature added: a C2SP `cosignature/v1`
    line (timestamped Ed25519, key ID of type 0x04) by the node key."""
    now = int(utcnow().timestamp())
    return cosignature.cosign(text, store.node_signer(session), now)


def last_cosigned(db: Database, origin: str) -> tuple[int, str | None]:
    with db.transaction(write=False) as session:
        log = session.get(PeerLogRow, origin)
        return (0, None) if log is None else (int(log.verified_size), log.verified_note)


def check_consistency(
    db: Database,
    peer: PeerRow,
    origin: str,
    text: str,
    proof: Sequence[bytes],
    keys: Sequence[Verifier] | None = None,
) -> str | None:
    """The peer's RFC 9162 proof that its new checkpoint extends the one last co-signed;
    a proof that fails is a fork incident with both checkpoints as evidence."""
    size, held = last_cosigned(db, origin)
    if held is None:
        return None
    # The held checkpoint was verified when it was stored (perhaps by a key since rotated).
    old = note.Checkpoint.parse_text(note.parse(held).text)
    new = open_checkpoint(peer, text, keys)
    try:
        merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)
    except merkle.ProofError as exc:
        with db.transaction() as session:
            return incident(
                session,
                peer.party,
                "fork",
                f"{origin}: checkpoint of size {new.size} is not consistent with the one "
                f"of size {size} co-signed before ({exc})",
                origin=origin,
                checkpoint=text,
                last_cosigned=held,
            )
    return None


def keep_cosignature(db: Database, peer: PeerRow, agreement: str, text: str) -> str | None:
    """Store the peer's co-signature of our log, after checking it names a checkpoint this
    node signed (our signature and our root at that size); otherwise an incident."""
    with db.transaction() as session:
        peer = session.get(PeerRow, peer.party) or peer  # its key may have rotated meanwhile
        ours = store.log_of(session, agreement)
        signer = store.node_signer(session)
        key = peer_key(peer)
        if not cosignature.has_line_by(text, key):
            # Made before the peer's latest key rotation (or by no key of its): it proves
            # nothing either way; the peer co-signs again with its current key.
            return None
        try:
            checkpoint, _ = cosignature.open_cosigned(text, key)
            note.open_note(text, [signer.verifier])
        except note.BadNote as exc:
            return incident(session, peer.party, "cosignature", str(exc), cosigned=text)
        if (
            ours is None
            or checkpoint.origin != ours.origin
            or checkpoint.size > store.stored_size(session, ours.id)
            or store.root_at(session, ours.id, checkpoint.size) != checkpoint.root
        ):
            return incident(
                session,
                peer.party,
                "cosignature",
                f"{peer.party} co-signed a checkpoint of {checkpoint.origin} this node's log "
                "does not have",
                cosigned=text,
            )
        row = session.get(CosignatureRow, ours.origin)
        if row is None:
            session.add(
                CosignatureRow(
                    origin=ours.origin, party=peer.party, size=checkpoint.size, note=text
                )
            )
        elif checkpoint.size >= int(row.size):
            row.size, row.note = checkpoint.size, text
    return None
