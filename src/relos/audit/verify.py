"""Verifying the audit trail: every event's hash recomputed, every link and position checked.

Each log (one per agreement, plus `internal`) is its own chain: event `seq` n links to the
hash of event n-1 of the same log. What a check can catch: an event changed (its hash no
longer matches), an event deleted (a gap in its log's positions, or the next event's link
pointing at a hash that is gone), an event inserted by hand (its hash or its link does not
fit). What it cannot catch on its own: the newest events deleted, or new events appended by
someone who recomputes the hashes. An anchor closes the first gap: an (id, hash) pair
recorded elsewhere earlier (printed by every verify run) must still be in the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.audit.schemas import ChainBreak, ChainHead, VerdictOut
from relos.events.models import EventRow
from relos.events.seal import GENESIS, chain_hash, seal
from relos.events.store import envelope_of, in_order


@dataclass(frozen=True)
class Anchor:
    """An event's id and hash as seen at some earlier time."""

    id: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """From "ID:HASH", as `relos audit verify` prints it."""
        entry_id, _, value = text.partition(":")
        if not entry_id.isdigit() or len(value) != 64:
            raise ValueError(f"anchor {text!r}: expected ID:HASH (64 hex digits)")
        return cls(int(entry_id), value.lower())


@dataclass(frozen=True)
class Break:
    """The first broken link: the event where a chain stops being provable, and why."""

    entry_id: int
    reason: str


@dataclass(frozen=True)
class Verdict:
    entries: int
    head: Anchor | None
    broken: Break | None

    @property
    def whole(self) -> bool:
        return self.broken is None


def _check(row: EventRow, expected_seq: int, prev_hash: str) -> str | None:
    if row.seq != expected_seq:
        return (
            f"expected event {expected_seq} of log {row.log} next, found {row.seq}: "
            "events missing or inserted"
        )
    if row.prev_hash != prev_hash:
        return "its link does not name the previous event's hash: an event before it changed"
    if row.hash != chain_hash(seal(envelope_of(row), row.content)):
        return "its content does not match its hash: the event was changed"
    return None


def verify_chain(rows: Iterable[EventRow], anchor: Anchor | None = None) -> Verdict:
    """Walk every log in recording order and report the first broken event, if any."""
    tails: dict[str, tuple[int, str]] = {}  # log -> (last seq, last hash)
    count, head = 0, None
    anchored = anchor is None
    for row in rows:
        seq, prev_hash = tails.get(row.log, (0, GENESIS))
        reason = _check(row, seq + 1, prev_hash)
        if reason is not None:
            return Verdict(count, head, Break(row.id, reason))
        if anchor is not None and row.id == anchor.id:
            if row.hash != anchor.hash:
                return Verdict(count, head, Break(row.id, "its hash differs from the anchor"))
            anchored = True
        tails[row.log] = (row.seq, row.hash)
        count, head = count + 1, Anchor(row.id, row.hash)
    if not anchored and anchor is not None:
        reason = f"the anchored event {anchor.id} is gone: the newest events were deleted"
        return Verdict(count, head, Break(anchor.id, reason))
    return Verdict(count, head, None)


def verify(session: Session, caller: Principal, anchor: Anchor | None = None) -> Verdict:
    """Verify every log as stored (auditors and admins; the operator at the console)."""
    require(caller, "audit.verify")
    return verify_chain(in_order(session), anchor)


def describe(verdict: Verdict) -> VerdictOut:
    """The shape of a verdict (API and `relos audit verify --json`)."""
    head = verdict.head
    broken = verdict.broken
    return VerdictOut(
        whole=verdict.whole,
        entries=verdict.entries,
        head=None if head is None else ChainHead(id=head.id, hash=head.hash),
        broken=None if broken is None else ChainBreak(id=broken.entry_id, reason=broken.reason),
    )
