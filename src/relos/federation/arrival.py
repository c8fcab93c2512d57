"""What arrives from a peer: checked to be signed by it, counted, and the incidents it
raises recorded with their evidence (shared by receiving, judging and witnessing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from relos.federation import rotation
from relos.federation.models import IncidentRow, PeerRow
from relos.kit.timeutil import utcnow
from relos.tlog import dsse, note
from relos.tlog.keys import BadKey, Verifier


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
