"""Verifying the audit trail: the signed logs it is read from, and the view itself.

`relos audit verify` checks, in recording order, every event against its chain and
against the signed leaf the trail shows it from (the leaf's payload must be the event's
sealed statement: same position, same hash); then the signed logs themselves, as
`relos log verify` does with the node's key: every envelope's signature, every tree, every
checkpoint held, and that no signed event is gone from the event table. The first problem
is named: the event (its id) when there is one, else the log entry or checkpoint.

The chain alone (`verify_chain`, pure): each log (one per agreement, plus `internal`) is
its own chain: event `seq` n links to the hash of event n-1 of the same log. What a check
can catch: an event changed (its hash no longer matches), an event deleted (a gap in its
log's positions, or the next event's link pointing at a hash that is gone), an event
inserted by hand (its hash or its link does not fit). On its own it cannot catch the newest
events deleted, or events appended by someone who recomputes the hashes; the signed logs
can (the signatures, and the checkpoints anyone may hold), and so can an anchor: an
(id, hash) pair recorded elsewhere earlier (printed by every verify run) must still be in
the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.audit import repository
from relos.audit.schemas import ChainBreak, ChainHead, VerdictOut
from relos.events.models import EventRow
from relos.events.seal import GENESIS, chain_hash, seal
from relos.events.store import envelope_of
from relos.kit.errors import RelosError
from relos.tlog import dsse
from relos.tlog import verify_service as logs


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
    """The first problem: the event where the trail stops being provable (None when the
    problem is a log entry holding no event, or a checkpoint), and why."""

    entry_id: int | None
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
    return content_problem(row)


SignedCheck = Callable[[EventRow], str | None]
"""Why an event's signed leaf does not hold it, or None when it does."""


def verify_chain(
    rows: Iterable[EventRow], anchor: Anchor | None = None, signed: SignedCheck | None = None
) -> Verdict:
    """Walk every log in recording order and report the first broken event, if any."""
    tails: dict[str, tuple[int, str]] = {}  # log -> (last seq, last hash)
    count, head = 0, None
    anchored = anchor is None
    for row in rows:
        seq, prev_hash = tails.get(row.log, (0, GENESIS))
        reason = _check(row, seq + 1, prev_hash)
        if reason is None and signed is not None:
            reason = signed(row)
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


def content_problem(row: EventRow) -> str | None:
    """Why the event row no longer gives its own hash, or None."""
    if row.hash != chain_hash(seal(envelope_of(row), row.content)):
        return "its content does not match its hash: the event was changed"
    return None


def leaf_problem(
    row: EventRow, leaf: bytes | None, origin: str | None, index: int | None
) -> str | None:
    """Why the signed leaf the trail shows does not hold this event, or None."""
    if leaf is None:
        return "it has no signed leaf in any log"
    where = f"entry {index} of log {origin}"
    try:
        payload = dsse.parse(leaf).payload
    except dsse.BadEnvelope:
        return f"its signed leaf ({where}) is not a DSSE envelope"
    if hashlib.sha256(payload).hexdigest() != row.hash:
        return f"it differs from its signed leaf ({where})"
    return None


def _leaf_check(leaves: dict[int, tuple[bytes | None, str | None, int | None]]) -> SignedCheck:
    def check(row: EventRow) -> str | None:
        return leaf_problem(row, *leaves.pop(row.id, (None, None, None)))

    return check


def _view(session: Session) -> tuple[Iterable[EventRow], SignedCheck]:
    """The events in order, and the check of each against the leaf the trail shows."""
    leaves: dict[int, tuple[bytes | None, str | None, int | None]] = {}

    def rows() -> Iterable[EventRow]:
        for row, leaf, origin, index in repository.in_order(session):
            leaves[row.id] = (leaf, origin, index)
            yield row

    return rows(), _leaf_check(leaves)


def verify(session: Session, caller: Principal, anchor: Anchor | None = None) -> Verdict:
    """Verify the trail and the signed logs it is read from (auditors and admins; the
    operator at the console). The node's own key is the one trusted."""
    require(caller, "audit.verify")
    rows, signed = _view(session)
    verdict = verify_chain(rows, anchor, signed)
    if not verdict.whole:
        return verdict
    try:
        trusted = logs.trusted_keys(session, [])
    except RelosError as exc:
        if verdict.entries == 0:
            return verdict  # nothing recorded, nothing signed: no key yet
        reason = (
            f"the signed logs cannot be checked here ({exc.detail}); "
            "check them with `relos log verify --verifier-key VKEY`"
        )
        return Verdict(verdict.entries, verdict.head, Break(None, reason))
    problem = logs.check_logs(session, trusted).problem
    if problem is None:
        return verdict
    entry = None
    if problem.index is not None:
        entry = repository.event_of_leaf(session, problem.origin, problem.index)
    return Verdict(verdict.entries, verdict.head, Break(entry, str(problem)))


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
