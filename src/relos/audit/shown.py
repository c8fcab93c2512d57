"""Verifying the entries a page of the audit trail shows, and only those.

For each shown event: its row still gives its hash, its signed leaf holds it (the
payload's SHA-256 is the event's hash), the leaf is signed by the node's key of its
stretch (key rotations followed, as `relos log verify` does), and the leaf is in the tree
of the log's latest checkpoint signed by that key (an RFC 9162 inclusion proof). So a page
costs one signature and one proof per row shown, whatever the size of the log; the whole
trail (every link of every chain, every checkpoint held, no event gone) is still checked
by `relos audit verify` and the page's "verify the whole trail" (verify.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.audit import repository
from relos.audit.verify import content_problem, leaf_problem
from relos.events.models import EventRow
from relos.kit.errors import RelosError
from relos.tlog import merkle, store
from relos.tlog.keys import Verifier
from relos.tlog.verify import ShownEntry, verify_entries
from relos.tlog.verify_service import trusted_keys


def verify_shown(session: Session, caller: Principal, ids: Sequence[int]) -> dict[int, str | None]:
    """Event id -> why it does not verify, or None when it does (auditors and admins)."""
    require(caller, "audit.verify")
    rows = repository.signed_by_id(session, ids)
    if not rows:
        return {}
    try:
        trusted = trusted_keys(session, [])
    except RelosError as exc:
        reason = f"the signed logs cannot be checked here ({exc.detail})"
        return {row.id: reason for row, *_ in rows}
    found: dict[int, str | None] = {}
    by_log: dict[str, list[tuple[EventRow, bytes, int]]] = defaultdict(list)
    for row, leaf, origin, index in rows:
        problem = content_problem(row) or leaf_problem(row, leaf, origin, index)
        if problem is not None or leaf is None or origin is None or index is None:
            found[row.id] = problem
            continue
        by_log[origin].append((row, leaf, index))
    for origin, shown in by_log.items():
        signed = _verify_in_log(
            session, trusted, origin, [(leaf, index) for _, leaf, index in shown]
        )
        found.update({row.id: signed[index] for row, _, index in shown})
    return found


def _verify_in_log(
    session: Session, trusted: Sequence[Verifier], origin: str, shown: Sequence[tuple[bytes, int]]
) -> dict[int, str | None]:
    log = store.log_by_origin(session, origin)
    if log is None:
        return {index: f"log {origin} is gone" for _, index in shown}
    head = store.latest_checkpoint(session, log.id)
    size = 0 if head is None else int(head.size)
    entries = [
        ShownEntry(index, leaf, _proof(session, log.id, index, size)) for leaf, index in shown
    ]
    rotations = repository.unindexed_entries(session, log.id)
    return verify_entries(origin, trusted, rotations, None if head is None else head.note, entries)


def _proof(session: Session, log_id: int, index: int, size: int) -> list[bytes]:
    """The stored inclusion proof; none when the stored tree cannot give one (then only a
    one-entry tree verifies, as it should)."""
    if not 0 <= index < size:
        return []
    try:
        return store.inclusion_proof(session, log_id, index, size)
    except merkle.ProofError:
        return []
