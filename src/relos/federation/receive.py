"""Receiving a peer's log: store what arrives, check it against the peer's signed
checkpoint, then judge and apply entry after entry (the same for HTTP sync and bundles).

1. `ingest` (one transaction): the checkpoint's signature by the pinned key, each
   entry's DSSE signature, then every entry is stored once (UNIQUE(origin, index): a
   duplicate is a no-op; a *different* signed entry at a held index is a fork). When every
   leaf below the checkpoint's size is held, the tree they make must have the
   checkpoint's root: that proves inclusion of each entry and consistency with the last
   verified checkpoint (whose leaves are among them and never change). Only then is the
   checkpoint recorded as verified and co-signed (the witness state).
2. `apply_pending`: from the log's next index, one transaction per entry, up to the
   verified size; a missing index holds everything after it. A crash between entries
   loses nothing: the next run starts at the stored next index.

Any two validly signed statements that cannot both be true (two checkpoints, two
entries at one index) become an incident with both as evidence; nothing is merged.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.deployments.events import DeploymentEvent
from relos.events import record
from relos.federation import attest, crossing, facts, ordering, rotation, writers
from relos.federation.models import (
    CosignatureRow,
    IncidentRow,
    PeerLogRow,
    PeerRow,
    ReceivedRow,
    VerdictRow,
)
from relos.federation.outbox import APPLYING, node_party
from relos.kit.db import Database
from relos.kit.errors import RelosError, RuleViolations
from relos.kit.timeutil import utcnow
from relos.logistics.events import OrderEvent
from relos.tlog import cosignature, dsse, merkle, note, store
from relos.tlog.keys import BadKey, Verifier

ACK = "federation.ack"
REJECT = "federation.reject"


class Damaged(ValueError):
    """What arrived cannot be checked at all (malformed, unsigned, not this peer's)."""


@dataclass
class Outcome:
    received: int = 0
    applied: int = 0
    rejected: int = 0
    incidents: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.received += other.received
        self.applied += other.applied
        self.rejected += other.rejected
        self.incidents += other.incidents


@dataclass(frozen=True)
class Batch:
    """Entries of one peer log and the checkpoint that covers them."""

    origin: str
    agreement: str
    checkpoint: str
    entries: Sequence[tuple[int, bytes]]


def peer_key(peer: PeerRow) -> Verifier:
    try:
        return Verifier.parse(peer.verifier_key)
    except BadKey as exc:
        raise Damaged(f"peer {peer.party}: its pinned key is unreadable ({exc})") from exc


def peer_keys(peer: PeerRow, leaves: Sequence[bytes] = ()) -> list[Verifier]:
    """The pinned key and the keys it handed over to in `leaves` (rotation.py)."""
    return rotation.chain(peer_key(peer), leaves)


def open_checkpoint(
    peer: PeerRow, text: str, keys: Sequence[Verifier] | None = None
) -> note.Checkpoint:
    try:
        checkpoint, _ = note.open_checkpoint(text, keys or [peer_key(peer)])
    except note.BadNote as exc:
        raise Damaged(f"checkpoint: not signed by {peer.party}'s pinned key ({exc})") from exc
    # The pinned key is what makes it the peer's; the origin (fixed when the log began,
    # perhaps before `relos node init` named the party) only has to stay the peer's own.
    return checkpoint


def check_entry(
    peer: PeerRow, leaf: bytes, keys: Sequence[Verifier] | None = None
) -> dsse.Envelope:
    try:
        envelope = dsse.parse(leaf)
    except dsse.BadEnvelope as exc:
        raise Damaged(f"an entry is not a DSSE envelope ({exc})") from exc
    if not dsse.signed_by(envelope, keys or [peer_key(peer)]):
        raise Damaged(f"an entry is not signed by {peer.party}'s pinned key")
    return envelope


def incident(session: Session, party: str, kind: str, detail: str, **evidence: Any) -> str:
    session.add(
        IncidentRow(
            party=party,
            kind=kind,
            detected_at=utcnow(),
            detail=detail,
            evidence=evidence,
            open=True,
        )
    )
    session.flush()
    return f"{kind}: {detail}"


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


def _leaves(session: Session, origin: str, size: int) -> list[bytes]:
    rows = session.execute(
        select(ReceivedRow.idx, ReceivedRow.leaf)
        .where(ReceivedRow.origin == origin, ReceivedRow.idx < size)
        .order_by(ReceivedRow.idx)
    ).all()
    return [bytes(leaf) for idx, leaf in rows]


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


def _witness(
    session: Session, peer: PeerRow, log: PeerLogRow, checkpoint: note.Checkpoint, text: str
) -> str | None:
    """Check the checkpoint against the held leaves; record and co-sign it when it holds."""
    log.their_size = max(int(log.their_size), checkpoint.size)
    if checkpoint.size < int(log.verified_size) and log.verified_note == text:
        return None
    leaves = _leaves(session, log.origin, checkpoint.size)
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
        found = _witness(session, peer, log, checkpoint, batch.checkpoint)
        if found:
            outcome.incidents.append(found)
    return outcome


# --- judging and applying, one entry per transaction ----------------------------------------


def _verdict(
    session: Session,
    agreement: str,
    kind: str,
    origin: str,
    index: int,
    leaf: bytes,
    reasons: list[str],
) -> None:
    body = {
        "type": kind,
        "v": 1,
        "origin": origin,
        "index": index,
        "leaf_sha256": hashlib.sha256(leaf).hexdigest(),
        "reasons": reasons,
    }
    store.append(session, agreement, dsse.canonical(body), kind)


def _judge(
    session: Session, peer: PeerRow, log: PeerLogRow, row: ReceivedRow, outcome: Outcome
) -> None:
    envelope = dsse.parse(bytes(row.leaf))
    kind = dsse.event_type_of(envelope.payload_type)
    payload: dict[str, Any] = json.loads(envelope.payload)
    if kind in (ACK, REJECT):
        _note_verdict(session, peer, kind, payload, outcome)
        row.state = "noted"
        return
    if kind == attest.STATEMENT:
        _judge_statement(session, peer, log, row, payload, outcome)
        return
    try:
        statement = crossing.statement_of(payload)
    except crossing.NotAFact:
        row.state = "noted"  # the peer's own bookkeeping: kept as seen
        return
    except (KeyError, TypeError, ValueError) as exc:
        _verdict_on(session, log, row, [f"malformed entry ({exc.__class__.__name__}: {exc})"])
        outcome.rejected += 1
        return
    if statement.actor_party not in (None, peer.party):
        row.state = "noted"  # the peer's copy of a fact another party wrote (ours, say)
        return
    reasons = _apply(session, peer, log, statement)
    _verdict_on(session, log, row, reasons)
    if reasons:
        outcome.rejected += 1
    else:
        outcome.applied += 1


def _judge_statement(
    session: Session,
    peer: PeerRow,
    log: PeerLogRow,
    row: ReceivedRow,
    payload: dict[str, Any],
    outcome: Outcome,
) -> None:
    """The peer's statement of derived state: answered, agreed or an incident (attest.py)."""
    row.state = "noted"
    if payload.get("party") != peer.party or payload.get("agreement") != log.agreement:
        return
    nested = session.begin_nested()
    try:
        found = attest.judge(
            session, peer.party, log.origin, int(row.idx), bytes(row.leaf), payload
        )
        nested.commit()
    except (RelosError, KeyError, TypeError, ValueError) as exc:
        nested.rollback()
        row.reasons = [f"statement not compared here: {exc}"]
        return
    if found is not None:
        detail = str(found.pop("detail"))
        outcome.incidents.append(incident(session, peer.party, "statement", detail, **found))


def _apply(
    session: Session, peer: PeerRow, log: PeerLogRow, statement: crossing.Statement
) -> list[str]:
    """Apply one fact from the peer (in a savepoint); the reasons when it is refused."""
    event, fact = statement.event, crossing.fact_name(statement.event)
    if not writers.may_write(peer.party, fact, crossing.roles(event)):
        return [f"{peer.party} may not originate {fact}"]
    if statement.log != log.agreement:
        return [f"the fact is about {statement.log}, not {log.agreement}"]
    actor = Principal(
        user_id=0, name=f"{peer.party}:{statement.actor}", party=peer.party, roles=frozenset()
    )
    nested = session.begin_nested()
    try:
        if isinstance(event, DeploymentEvent):
            facts.apply_deployment(session, event, actor)
        else:
            assert isinstance(event, OrderEvent)
            ordering.rejudge(session, event, peer.party)
            record(session, actor, event, statement.at)
        nested.commit()
    except (facts.Refused, ordering.Mismatch) as exc:
        nested.rollback()
        return exc.reasons
    except RuleViolations as exc:
        nested.rollback()
        return [f"{exc}: {', '.join(sorted({v.code for v in exc.violations}))}"]
    except RelosError as exc:
        nested.rollback()
        return [str(exc)]
    except IntegrityError as exc:
        # e.g. an order reference this node already gave another order: a rejection,
        # never a stuck log.
        nested.rollback()
        return [f"conflicts with a record held here ({exc.orig})"]
    except (KeyError, TypeError, ValueError) as exc:
        nested.rollback()
        return [f"malformed fact ({exc.__class__.__name__}: {exc})"]
    return []


def _verdict_on(session: Session, log: PeerLogRow, row: ReceivedRow, reasons: list[str]) -> None:
    row.state = "rejected" if reasons else "applied"
    row.reasons = reasons
    kind = REJECT if reasons else ACK
    _verdict(session, log.agreement, kind, log.origin, int(row.idx), bytes(row.leaf), reasons)


def _note_verdict(
    session: Session, peer: PeerRow, kind: str, payload: dict[str, Any], outcome: Outcome
) -> None:
    origin, index = payload.get("origin"), payload.get("index")
    ours = store.log_by_origin(session, str(origin))
    if ours is None or not isinstance(index, int):
        return
    verdict = "rejected" if kind == REJECT else "acknowledged"
    if session.get(VerdictRow, (str(origin), index)) is None:
        reasons = [str(r) for r in payload.get("reasons") or []]
        session.add(
            VerdictRow(
                origin=str(origin), idx=index, party=peer.party, verdict=verdict, reasons=reasons
            )
        )
        if kind == REJECT:
            outcome.incidents.append(
                incident(
                    session,
                    peer.party,
                    "rejected",
                    f"{peer.party} rejected our entry {origin}#{index}: {'; '.join(reasons)}",
                    origin=origin,
                    index=index,
                    rejection=payload,
                )
            )


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
            _judge(session, peer, log, row, outcome)
            log.applied = int(log.applied) + 1
            log.updated_at = utcnow()
        done += 1
    return outcome


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
