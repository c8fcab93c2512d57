"""Verifying the audit chain: every entry's hash recomputed, every link and id checked.

What a check can catch: an entry changed (its hash no longer matches), an entry deleted
(a gap in the ids, or the next entry's link pointing at a hash that is gone), an entry
inserted by hand (its hash or its link does not fit). What it cannot catch on its own: the
newest entries deleted, or new entries appended by someone who recomputes the hashes. An
anchor closes the first gap: an (id, hash) pair recorded elsewhere earlier (printed by
every verify run) must still be in the chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.audit import repository
from relos.audit.digest import GENESIS, chain_hash
from relos.audit.models import AuditRow
from relos.audit.service import entry_body


@dataclass(frozen=True)
class Anchor:
    """An entry's id and hash as seen at some earlier time."""

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
    """The first broken link: the entry where the chain stops being provable, and why."""

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


def _check(row: AuditRow, expected_id: int, prev_hash: str) -> str | None:
    if row.id != expected_id:
        return f"expected entry {expected_id} next, found {row.id}: entries missing or inserted"
    if row.prev_hash != prev_hash:
        return "its link does not name the previous entry's hash: an entry before it changed"
    if row.hash != chain_hash(row.prev_hash, entry_body(row)):
        return "its content does not match its hash: the entry was changed"
    return None


def verify_chain(rows: Iterable[AuditRow], anchor: Anchor | None = None) -> Verdict:
    """Walk the chain in id order and report the first broken entry, if any."""
    prev_hash, count, head = GENESIS, 0, None
    anchored = anchor is None
    for row in rows:
        reason = _check(row, count + 1, prev_hash)
        if reason is not None:
            return Verdict(count, head, Break(row.id, reason))
        if anchor is not None and row.id == anchor.id:
            if row.hash != anchor.hash:
                return Verdict(count, head, Break(row.id, "its hash differs from the anchor"))
            anchored = True
        prev_hash, count, head = row.hash, count + 1, Anchor(row.id, row.hash)
    if not anchored and anchor is not None:
        reason = f"the anchored entry {anchor.id} is gone: the newest entries were deleted"
        return Verdict(count, head, Break(anchor.id, reason))
    return Verdict(count, head, None)


def verify(session: Session, caller: Principal, anchor: Anchor | None = None) -> Verdict:
    """Verify the whole trail as stored (auditors and admins; the operator at the console)."""
    require(caller, "audit.verify")
    return verify_chain(repository.chain(session), anchor)


def describe(verdict: Verdict) -> dict[str, Any]:
    """The JSON shape of a verdict (API and `relos audit verify --json`)."""
    head = verdict.head
    broken = verdict.broken
    return {
        "whole": verdict.whole,
        "entries": verdict.entries,
        "head": None if head is None else {"id": head.id, "hash": head.hash},
        "broken": None if broken is None else {"id": broken.entry_id, "reason": broken.reason},
    }
